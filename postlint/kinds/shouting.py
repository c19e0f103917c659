"""Kind `shouting`: a post written mostly in capital letters.

Words are counted, not letters: a word is shouted when all its letters are capitals. Hashtags,
@handles, cashtags and URLs are left out, and so are acronyms (the rule's `acronyms` list and
capitalised words of at most `acronym-length` letters, which count neither way), words with
digits (4K, COVID19) and one-letter words. Short posts ("NEW DROP") are not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint import regexes
from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("shouted", "words", "percent")

_WORD = regexes.compile(r"[\p{L}\p{M}\p{Nd}'’]+")


@dataclass(frozen=True)
class Options:
    """`ratio`: the share of capitalised words that counts as shouting; `min-words`: posts
    with fewer words are not checked; `acronyms`: all-capital words that are not shouting."""

    ratio: float = 0.7
    min_words: int = 4
    acronym_length: int = 3
    acronyms: tuple[str, ...] = ()
    acronym_set: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    #: a capitalised word longer than an acronym (two are needed before words are split)
    long_capitals: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0 < self.ratio <= 1:
            raise ValueError(f"ratio: expected a number in (0, 1], got {self.ratio}")
        if self.min_words < 1:
            raise ValueError(f"min-words: expected an integer >= 1, got {self.min_words}")
        object.__setattr__(self, "acronym_set", frozenset(self.acronyms))
        word = r"[\p{L}\p{M}\p{Nd}]"
        capitals = rf"(?<!{word})[\p{{Lu}}\p{{Lt}}][\p{{Lu}}\p{{Lt}}\p{{M}}'’]{{{self.acronym_length},}}(?!{word})"
        object.__setattr__(self, "long_capitals", regexes.compile(capitals))


def _entity_spans(post: Post) -> list[tuple[int, int]]:
    view = post.view
    spans = [(e.start, e.end) for e in view.urls]
    if "#" in post.text or "＃" in post.text:
        spans += [(e.start, e.end) for e in view.hashtags]
    if "@" in post.text or "＠" in post.text:
        spans += [(e.start, e.end) for e in view.mentions]
    if "$" in post.text:
        spans += [(e.start, e.end) for e in view.cashtags]
    return spans


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit from the first to the last shouted word when enough words are in capitals."""
    text = post.text
    # At least two capitalised words longer than an acronym, or no hit (cheap, before the
    # entities and the word split).
    found = options.long_capitals.finditer(text)
    if next(found, None) is None or next(found, None) is None:
        return
    spans = _entity_spans(post)
    # (start, end, all capitals, short) for each word that has cased letters
    words: list[tuple[int, int, bool, bool]] = []
    for m in _WORD.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        word = m.group()
        letters = [ch for ch in word if ch.isalpha()]
        if len(letters) < 2 or any(ch.isdigit() for ch in word):
            continue
        if not any(ch.isupper() or ch.islower() for ch in letters):
            continue  # scripts without case
        if word.strip("'’") in options.acronym_set:
            continue
        upper = all(not ch.islower() for ch in letters)
        words.append((m.start(), m.end(), upper, len(letters) <= options.acronym_length))
    if len(words) < options.min_words:
        return
    # Short words in capitals (USA, FAQ) may be acronyms: they count neither way.
    counted = [w for w in words if not (w[2] and w[3])]
    shouted = [w for w in counted if w[2]]
    if len(shouted) < 2:
        return
    share = len(shouted) / len(counted)
    if share < options.ratio:
        return
    capitals = [w for w in words if w[2]]
    yield Hit(
        capitals[0][0],
        capitals[-1][1],
        {"shouted": len(capitals), "words": len(words), "percent": round(100 * share)},
    )
