"""Kind `phrases`: regular expressions a post must not contain (forbid) or must (require).

Patterns are compiled once when the rule loads, with the `regex` package, and run
with a time limit so that a catastrophically slow pattern in a user's rule pack is
reported instead of hanging the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import regex

from postlint import regexes
from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("match",)

#: seconds one pattern may run on one post (see docs: hostile regexes)
TIMEOUT = 1.0


def compile_patterns(patterns: tuple[str, ...], ignore_case: bool, key: str) -> tuple[Any, ...]:
    """Compile each pattern; a bad one is a ValueError naming `key[i]`."""
    flags = regex.V1 | (regex.IGNORECASE if ignore_case else 0)
    compiled = []
    for i, pattern in enumerate(patterns):
        try:
            compiled.append(regexes.compile(pattern, flags))
        except regex.error as exc:
            raise ValueError(f"{key}[{i}]: invalid regular expression {pattern!r}: {exc}") from None
    return tuple(compiled)


@dataclass(frozen=True)
class Options:
    """`patterns`: regexes; `mode`: `forbid` flags each match, `require` flags their absence."""

    patterns: tuple[str, ...] = ()
    mode: Literal["forbid", "require"] = "forbid"
    ignore_case: bool = True
    compiled: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "compiled", compile_patterns(self.patterns, self.ignore_case, "patterns")
        )


def check(post: Post, options: Options) -> Iterator[Hit]:
    """Forbid: a hit per matched phrase (overlapping matches of several patterns are one
    hit, the earliest and longest). Require: one hit over the post when nothing matches."""
    text = post.text
    if options.mode == "require":
        for pattern in options.compiled:
            if pattern.search(text, timeout=TIMEOUT):
                return
        yield Hit(0, len(text), {"match": ""})
        return
    matches = sorted(
        (m.start(), -m.end(), m.group())
        for pattern in options.compiled
        for m in pattern.finditer(text, timeout=TIMEOUT)
        if m.end() > m.start()
    )
    last_end = -1
    for start, neg_end, match in matches:
        if start < last_end:
            continue  # one hit per occurrence, however many patterns find it: the first, longest
        last_end = -neg_end
        yield Hit(start, last_end, {"match": match})
