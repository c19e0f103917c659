"""Kind `hashtag-case`: a several-word hashtag written all in lower case (#throwbackthursday).

Screen readers read an all-lowercase hashtag as one long word; CamelCase (#ThrowbackThursday)
lets them read the words. The hashtag is split with a shipped English word list ranked by
frequency (postlint/data/words, see its PROVENANCE.md): the cheapest split (a word costs the
log of its rank, as in Zipf's law) must beat every split with different word boundaries by
`margin` (a ratio of likelihoods), else the split is unreliable (#penisland) and the hashtag is
left alone. A reliable split gets a safe fix that rewrites the hashtag in CamelCase.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from postlint.kinds import Edit, Fix, Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("hashtag", "suggestion", "words")

_TAG = re.compile(r"([a-z]+)([0-9]*)")
#: how many cheapest splits are compared
_BEST = 6
#: the extra cost of reading a word of the list with an "s" added (about 1 in 30)
_PLURAL_COST = math.log(30)
#: the only words of one or two letters a split may use: the list also has abbreviations and
#: fragments (st, de, ii), which read a place name as so|nom|a
_SHORT = frozenset(
    [
        "a",
        "i",
        "am",
        "an",
        "as",
        "at",
        "be",
        "by",
        "do",
        "go",
        "he",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "of",
        "oh",
        "ok",
        "on",
        "or",
        "so",
        "to",
        "up",
        "us",
        "we",
    ]
)
#: a word of three letters must be this frequent at least (rank): the list's rare ones (nth,
#: mos, nom) are seldom what a hashtag means
_SHORT_RANK = 10_000


@dataclass(frozen=True)
class Options:
    """`min-length`: shorter tags (letters) are not checked; `margin`: how many times likelier
    the best split must be than any split with other word boundaries; `max-words`: longer
    splits are not trusted; `vocabulary`: words of the shipped list to use (most frequent)."""

    min_length: int = 6
    margin: float = 20.0
    max_words: int = 4
    vocabulary: int = 40_000

    def __post_init__(self) -> None:
        if self.margin < 1:
            raise ValueError(f"margin: expected a number >= 1, got {self.margin}")
        if not 1 <= self.vocabulary <= 40_000:
            raise ValueError(f"vocabulary: expected 1 to 40000 words, got {self.vocabulary}")
        if self.max_words < 2:
            raise ValueError(f"max-words: expected an integer >= 2, got {self.max_words}")


@cache
def _costs(size: int) -> dict[str, float]:
    """Word → cost (log of its frequency rank, scaled as in Zipf's law); kept across runs
    by the word list's size and time (postlint.kept: reading the dict beats building it)."""
    import os

    from postlint import kept

    # read as a file: importlib.resources costs a cold start ~10 ms
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(here, "data", "words", "en.txt")
    try:
        st = os.stat(path)
    except OSError:
        return _build_costs(path, size)  # the error it gives
    stamp = f"{size}:{st.st_size}:{st.st_mtime_ns}"
    return kept.built("word-costs", stamp, lambda: _build_costs(path, size))


def _build_costs(path: str, size: int) -> dict[str, float]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    words = text.split()[:size]
    scale = math.log(len(words))
    # log((rank + 1) * scale) for every word, looped in C: this runs on a cold start that
    # meets a hashtag with no kept copy
    costs = map(math.log, map(scale.__mul__, range(1, len(words) + 1)))
    return dict(zip(words, costs, strict=True))


@cache
def _longest(size: int) -> int:
    """The longest word `splits` can find: at most 24 letters, and no longer than the
    longest word of the list plus a plural "s" (so shorter slices are all it looks up)."""
    return min(24, max(map(len, _costs(size)), default=0) + 1)


def splits(letters: str, size: int = 40_000) -> list[tuple[float, tuple[str, ...]]]:
    """The cheapest ways to write `letters` as words of the list, cheapest first."""
    costs = _costs(size)
    longest = _longest(size)
    best: list[list[tuple[float, tuple[str, ...]]]] = [[(0.0, ())]]
    for end in range(1, len(letters) + 1):
        here: list[tuple[float, tuple[str, ...]]] = []
        for start in range(max(0, end - longest), end):
            if not best[start]:
                continue  # no split reaches `start`: nothing to extend (few 1-letter words)
            word = letters[start:end]
            cost = costs.get(word)
            if (
                cost is None
                and word.endswith("s")
                and not word.endswith("ss")
                and word[:-1] in costs
            ):
                # A plural or possessive the list lacks ("womens" in #womenswear) is a word too,
                # so that women|swear is seen to compete with womens|wear.
                cost = costs[word[:-1]] + _PLURAL_COST
            if cost is None:
                continue
            for total, words in best[start]:
                here.append((total + cost, (*words, word)))
        here.sort()
        best.append(here[:_BEST])
    return best[-1]


class _RareWords:
    """The rest of the word list (en-rare.txt): words too rare to split with, but words.
    The first look-ups search the file's text (a one-draft run asks once or twice); later
    ones use a set, built once (about 10 ms)."""

    SEARCHES = 256

    def __init__(self) -> None:
        self._text: str | None = None
        self._set: frozenset[str] | None = None
        self._asked = 0

    def __contains__(self, word: str) -> bool:
        if self._set is not None:
            return word in self._set
        if self._text is None:
            import os

            here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            path = os.path.join(here, "data", "words", "en-rare.txt")
            with open(path, encoding="utf-8") as fh:
                self._text = "\n" + fh.read()
        self._asked += 1
        if self._asked > self.SEARCHES:
            self._set = frozenset(self._text.split())
            return word in self._set
        return f"\n{word}\n" in self._text


_rare = _RareWords()


def _one_word(letters: str) -> bool:
    """Whether `letters` is a word of the rarer part of the list, or its plural: #foodie and
    #melanin are words the split list lacks, not foo|die and mel|an|in."""
    return letters in _rare or (letters.endswith("s") and letters[:-1] in _rare)


def _plausible(words: tuple[str, ...], size: int) -> bool:
    """Whether every word of a split could be meant: short words are common ones, and "a" or
    "i" does not end it (#sonoma is not so|nom|a, #donthate not do|nth|ate)."""
    if words[-1] in ("a", "i"):
        return False
    costs = _costs(size)
    limit = math.log(_SHORT_RANK * math.log(size)) if size > 1 else math.inf
    for word in words:
        if len(word) <= 2:
            if word not in _SHORT:
                return False
        elif len(word) == 3:
            cost = costs.get(word)
            if cost is None or cost > limit:
                return False
    return True


def _bounds(words: tuple[str, ...]) -> frozenset[int]:
    out, pos = set(), 0
    for w in words[:-1]:
        pos += len(w)
        out.add(pos)
    return frozenset(out)


def reliable_split(letters: str, options: Options) -> tuple[str, ...] | None:
    """The words of `letters` when the split is several words and unambiguous, else None."""
    return _reliable_split(letters, options.vocabulary, options.margin, options.max_words)


@lru_cache(maxsize=4096)  # the same few hashtags recur across a content calendar
def _reliable_split(
    letters: str, vocabulary: int, margin: float, max_words: int
) -> tuple[str, ...] | None:
    found = splits(letters, vocabulary)
    if not found:
        return None
    cost, words = found[0]
    if not 2 <= len(words) <= max_words:
        return None
    if not _plausible(words, vocabulary) or _one_word(letters):
        return None
    bounds = _bounds(words)
    limit = math.log(margin)
    for other_cost, other in found[1:]:
        if other_cost - cost >= limit:
            break
        others = _bounds(other)
        # Splitting a compound further (throw|back vs throwback) keeps the reading;
        # boundaries that cross (pen|island vs penis|land) do not.
        if not (others <= bounds or bounds <= others):
            return None
        if len(other) < 2:
            return None  # as likely to be one word
    return words


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per all-lowercase hashtag that splits reliably into words, with a CamelCase fix."""
    if "#" not in post.text and "＃" not in post.text:
        return
    for tag in post.view.hashtags:
        body = tag.text[1:]
        m = _TAG.fullmatch(body)
        if m is None or len(m.group(1)) < options.min_length:
            continue
        words = reliable_split(m.group(1), options)
        if words is None:
            continue
        camel = "".join(w[:1].upper() + w[1:] for w in words) + m.group(2)
        suggestion = tag.text[0] + camel
        yield Hit(
            tag.start,
            tag.end,
            {"hashtag": tag.text, "suggestion": suggestion, "words": " ".join(words)},
            Fix((Edit(tag.start + 1, tag.end, camel),), f"write {suggestion}"),
        )
