"""Kind `handles`: an @handle that cannot exist on a platform the post is meant for.

Each platform's handle rules (characters, longest name, Bluesky's labels and blocked TLDs)
are a table of the rule's options, citing its source (platforms.md §1.10), validated when
the rule loads (`postlint.text.handle_syntax`); a config changes one key of one platform
(`x = {max-length = 20}`) and keeps the rest. The `platforms` option narrows which
platforms are checked (empty: every platform with a table).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint.kinds import Hit
from postlint.platforms import PlatformTables, set_field

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("platform", "handle", "problem")


@dataclass(frozen=True)
class Options(PlatformTables):
    """`platforms`: where handle syntax is checked (empty: every platform with a table);
    one table per platform (see `postlint.text.handle_syntax` for its keys; none at all:
    the shipped rule file's)."""

    platforms: tuple[str, ...] = ()
    syntax: Mapping[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from postlint.text import handle_syntax, shipped_handle_syntax

        # no table at all (options built outside a rule file): the shipped facts
        tables = self.build_tables(handle_syntax) or dict(shipped_handle_syntax())
        for i, name in enumerate(self.platforms):
            if name not in tables:
                raise ValueError(
                    f"platforms[{i}]: no handle syntax known for {name!r}"
                    f" (known: {', '.join(tables)})"
                )
        if self.platforms:
            tables = {p: s for p, s in tables.items() if p in self.platforms}
        set_field(self, "syntax", tables)


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per @handle that is invalid on one of the post's platforms."""
    platforms = [p for p in post.platforms if p in options.syntax]
    if not platforms or ("@" not in post.text and "＠" not in post.text):
        return
    from postlint.text import handle_problem

    for mention in post.view.mentions:
        for platform in platforms:
            problem = handle_problem(mention.text, platform, syntax=options.syntax[platform])
            if problem is not None:
                yield Hit(
                    mention.start,
                    mention.end,
                    {"platform": platform, "handle": mention.text, "problem": problem},
                )
