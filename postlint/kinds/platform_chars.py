"""Kind `platform-chars`: characters a platform rejects in a field (YouTube: `<` and `>`).

Each platform's table in the rule file gives the rejected `chars` and the `basis` of the
rule (shown in the message); one hit per occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from postlint.kinds import Hit
from postlint.platforms import PlatformTables, Table, set_field

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("platform", "char", "basis")


class Rejected(NamedTuple):
    chars: frozenset[str]
    basis: str


def _rejected(platform: str, raw: Mapping[str, Any]) -> Rejected:
    table = Table(platform, raw, ("chars", "basis"))
    chars = table.string("chars")
    if not chars:
        raise ValueError(f"{platform}.chars: expected at least one character")
    return Rejected(frozenset(chars), table.string("basis", ""))


@dataclass(frozen=True)
class Options(PlatformTables):
    """A table per platform: `chars` it rejects, `basis` (why, for the message)."""

    rejected: Mapping[str, Rejected] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        set_field(self, "rejected", self.build_tables(_rejected))


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per rejected character, per platform of the post."""
    text = post.text
    for platform in post.platforms:
        rule = options.rejected.get(platform)
        if rule is None:
            continue
        for i, ch in enumerate(text):
            if ch in rule.chars:
                yield Hit(i, i + 1, {"platform": platform, "char": ch, "basis": rule.basis})
