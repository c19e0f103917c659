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
from array import array
from bisect import bisect_left
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
def _costs(size: int) -> WordCosts:
    """Word → cost (log of its frequency rank, scaled as in Zipf's law); the sorted list is
    kept across runs by the word list's size and time (postlint.kept: reading it beats
    building it)."""
    import os

    from postlint import kept

    # read as a file: importlib.resources costs a cold start ~10 ms
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(here, "data", "words", "en.txt")
    try:
        st = os.stat(path)
    except OSError:
        return WordCosts(_build_costs(path, size))  # the error it gives
    stamp = f"{size}:{st.st_size}:{st.st_mtime_ns}"
    packed = kept.built("word-costs", stamp, lambda: _build_costs(path, size), WordCosts.is_packed)
    return WordCosts(packed)


#: (words in the list, longest word, the words sorted and joined by newlines, the rank of
#: each sorted word as an array("I"))
Packed = tuple[int, int, str, bytes]


def _build_costs(path: str, size: int) -> Packed:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    words = text.split()[:size]
    # a word listed twice has its last rank (as a dict built in list order has it)
    ranks = dict(zip(words, range(1, len(words) + 1), strict=True))
    ordered = sorted(ranks)
    longest = max(map(len, ordered), default=0)
    return (
        len(words),
        longest,
        "\n".join(ordered),
        array("I", map(ranks.__getitem__, ordered)).tobytes(),
    )


class WordCosts:
    """The cost of each word of the list: log(rank × scale), scale = log(words in the list).

    A one-draft run looks up a few hundred slices of its hashtags, so reading the sorted
    word list (one string, split) and bisecting it beats loading, or building, a dict of
    40,000 costs; after `DICT_AFTER` look-ups (a big export) the dict is built, once.
    Either way a cost is the same float: `math.log(scale * rank)`."""

    DICT_AFTER = 5_000

    def __init__(self, packed: Packed) -> None:
        count, self.longest, joined, ranks = packed
        self._scale = math.log(count)
        if count:
            math.log(self._scale)  # the first word's cost: a list of one word has none
        self._words = joined.split("\n") if joined else []
        self._ranks = array("I")
        self._ranks.frombytes(ranks)
        if len(self._ranks) != len(self._words):
            raise ValueError("word costs: a rank for each word")  # never from _build_costs
        self._left = self.DICT_AFTER
        self._costs: dict[str, float] | None = None

    @staticmethod
    def is_packed(value: object) -> bool:
        """Whether `value` (read from a kept file) has the shape `_build_costs` returns."""
        return (
            isinstance(value, tuple)
            and len(value) == 4
            and all(isinstance(v, int) for v in value[:2])
            and isinstance(value[2], str)
            and isinstance(value[3], bytes)
            and len(value[3]) % array("I").itemsize == 0
        )

    def get(self, word: str, default: float | None = None) -> float | None:
        if self._costs is None:
            self._left -= 1
            if self._left >= 0:
                words = self._words
                i = bisect_left(words, word)
                if i < len(words) and words[i] == word:
                    return math.log(self._scale * self._ranks[i])
                return default
            costs = map(math.log, map(self._scale.__mul__, self._ranks))
            self._costs = dict(zip(self._words, costs, strict=True))
        return self._costs.get(word, default)

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> float:
        cost = self.get(word)
        if cost is None:
            raise KeyError(word)
        return cost


@cache
def _longest(size: int) -> int:
    """The longest word `splits` can find: at most 24 letters, and no longer than the
    longest word of the list plus a plural "s" (so shorter slices are all it looks up)."""
    return min(24, _costs(size).longest + 1)


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
