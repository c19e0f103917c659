"""Kind `deflection`: a reply that only sends the person elsewhere.

It flags a reply that matches a `redirects` pattern ("DM us", "contact support",
"call …") and neither a `human` pattern (an apology, thanks, empathy, a greeting) nor a
`next_steps` pattern (what will happen, what to send, by when), when the redirect is
nearly all the reply says: at most `max_other_words` words outside the redirect's
sentence, not counting @handles, links and a trailing agent signature. Word lists are
rule data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint import regexes
from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("match",)

#: what is not counted as words of the reply: @handles, links, a trailing signature
_NOT_WORDS = regexes.compile(
    r"[@＠]\S+|https?://\S+|www\.\S+|\s[-–—~^*/]\s*[A-Za-z][\w.]{0,20}\s*$"
)
_SENTENCE_END = regexes.compile(r"[.!?…]+(?=\s|$)|\n+")


@dataclass(frozen=True)
class Options:
    """`redirects`: pushing the person elsewhere; `human`, `next_steps`: what redeems it."""

    redirects: tuple[str, ...] = ()
    human: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    max_other_words: int = 8
    ignore_case: bool = True
    compiled: tuple[tuple[Any, ...], ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_other_words < 0:
            raise ValueError(
                f"max-other-words: expected an integer >= 0, got {self.max_other_words}"
            )
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
    if other_words(text, first.start()) > options.max_other_words:
        return
    yield Hit(first.start(), first.end(), {"match": first.group()})


def other_words(text: str, at: int) -> int:
    """Words of `text` outside the sentence holding offset `at` (handles, links and a
    trailing signature blanked out first, keeping offsets)."""
    blanked = _NOT_WORDS.sub(lambda m: " " * len(m.group()), text)
    start = 0
    for m in _SENTENCE_END.finditer(blanked):
        if m.end() > at:
            return len(blanked[:start].split()) + len(blanked[m.end() :].split())
        start = m.end()
    return len(blanked[:start].split())
