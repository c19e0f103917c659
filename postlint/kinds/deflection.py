"""Kind `deflection`: a reply that only sends the person elsewhere.

It flags a reply that matches a `redirects` pattern ("DM us", "contact support",
"call …") and neither a `human` pattern (an apology, thanks, empathy, a greeting) nor a
`next_steps` pattern (what will happen, what to send, by when). Word lists are rule data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("match",)


@dataclass(frozen=True)
class Options:
    """`redirects`: pushing the person elsewhere; `human`, `next_steps`: what redeems it."""

    redirects: tuple[str, ...] = ()
    human: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    ignore_case: bool = True
    compiled: tuple[tuple[Any, ...], ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.redirects:
            raise ValueError("redirects: expected at least one regular expression")
        object.__setattr__(
            self,
            "compiled",
            tuple(
                compile_patterns(getattr(self, key), self.ignore_case, key)
                for key in ("redirects", "human", "next_steps")
            ),
        )


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit on the first redirect of a reply that offers nothing else."""
    redirects, human, next_steps = options.compiled
    text = post.text
    first = None
    for pattern in redirects:
        m = pattern.search(text, timeout=TIMEOUT)
        if m and m.end() > m.start() and (first is None or m.start() < first.start()):
            first = m
    if first is None:
        return
    if any(p.search(text, timeout=TIMEOUT) for p in (*human, *next_steps)):
        return
    yield Hit(first.start(), first.end(), {"match": first.group()})
