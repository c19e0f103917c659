"""Kind `acknowledgement`: a reply to a complaint that does not acknowledge the problem.

A reply answers a complaint when its metadata says `sentiment: negative` (any value in
`sentiments`), or, without a sentiment, when `in_reply_to_text` matches an `upset`
pattern or holds an `upset_emoji`, or shows a `mild` sign ("!!!", 😭) and no `positive`
wording (excitement uses the same signs). An explicit other sentiment ("neutral") means no
complaint, whatever the wording. The reply passes when an `acknowledgements` pattern
matches it ("sorry", "thanks for flagging", "we hear you"…). Word lists are rule data.
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
FIELDS = ("evidence",)


@dataclass(frozen=True)
class Options:
    """`sentiments`: metadata values that mark a complaint; `upset`/`upset_emoji`: wording
    of an upset post; `acknowledgements`: what counts as acknowledging it."""

    sentiments: tuple[str, ...] = ("negative",)
    upset: tuple[str, ...] = ()
    upset_emoji: tuple[str, ...] = ()
    mild: tuple[str, ...] = ()
    mild_emoji: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    acknowledgements: tuple[str, ...] = ()
    ignore_case: bool = True
    compiled_upset: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    compiled_mild: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    compiled_positive: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    compiled_ack: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.acknowledgements:
            raise ValueError("acknowledgements: expected at least one regular expression")
        for key in ("upset", "mild", "positive"):
            compiled = compile_patterns(getattr(self, key), self.ignore_case, key)
            object.__setattr__(self, f"compiled_{key}", compiled)
        object.__setattr__(
            self,
            "compiled_ack",
            compile_patterns(self.acknowledgements, self.ignore_case, "acknowledgements"),
        )


def complaint(post: Post, options: Options) -> str | None:
    """Why the post answered is a complaint (for the message), or None if it is not."""
    sentiment = post.meta.get("sentiment")
    if isinstance(sentiment, str) and sentiment.strip():
        wanted = {s.casefold() for s in options.sentiments}
        value = sentiment.strip().casefold()
        return f"sentiment: {value}" if value in wanted else None
    answered = post.meta.get("in_reply_to_text")
    if not isinstance(answered, str) or not answered.strip():
        return None
    found = _signs(answered, options.compiled_upset, options.upset_emoji)
    if not found and not any(
        p.search(answered, timeout=TIMEOUT) for p in options.compiled_positive
    ):
        found = _signs(answered, options.compiled_mild, options.mild_emoji)
    if not found:
        return None
    return "they wrote " + min(found)[1]  # the first upset wording in their post


def _signs(text: str, patterns: tuple[Any, ...], emoji: tuple[str, ...]) -> list[tuple[int, str]]:
    """(offset, quoted sign) of the first match of each pattern and each emoji present."""
    found: list[tuple[int, str]] = []
    for pattern in patterns:
        m = pattern.search(text, timeout=TIMEOUT)
        if m and m.group():
            found.append((m.start(), f'"{m.group()}"'))
    for e in emoji:
        if e and e in text:
            found.append((text.index(e), e))
    return found


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit over a reply to a complaint when no acknowledgement pattern matches it."""
    evidence = complaint(post, options)
    if evidence is None:
        return
    if any(p.search(post.text, timeout=TIMEOUT) for p in options.compiled_ack):
        return
    yield Hit(0, len(post.text), {"evidence": evidence})
