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
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING, Any

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
def _costs(size: int) -> WordCosts:
    """Word → cost (log of its frequency rank, scaled as in Zipf's law); the sorted list is
    kept across runs by the word list's size and time (postlint.kept: reading it beats
    building it)."""
    build = partial(_build_costs, size=size)
    packed = _kept_list("en.txt", "word-costs", str(size), build, WordCosts.is_packed)
    return WordCosts(packed)


#: (words in the list, the machine's byte order, per word length: the words of that
#: length sorted and joined, and their ranks in the list as an array("I"))
Packed = tuple[int, str, tuple[str, ...], tuple[bytes, ...]]


def _kept_list(
    name: str, store: str, stamp: str, build: Callable[[str], Any], valid: Callable[[Any], bool]
) -> Any:
    """`build(path)` of the shipped word list `name` (postlint/data/words), kept across
    runs by the file's size and time and `stamp` (what else it is built from; postlint.kept:
    reading what was built beats building it)."""
    import os

    from postlint import kept

    # read as a file: importlib.resources costs a cold start ~10 ms
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(here, "data", "words", name)
    try:
        st = os.stat(path)
    except OSError:
        return build(path)  # the error it gives
    key = f"{stamp}:{st.st_size}:{st.st_mtime_ns}"
    return kept.built(store, key, lambda: build(path), valid)


def _by_length(words: Iterable[str]) -> list[list[str]]:
    """`words` sorted, in one list per length (index: the length)."""
    ordered = sorted(words)
    by_length: list[list[str]] = [[] for _ in range(max(map(len, ordered), default=0) + 1)]
    for word in ordered:
        by_length[len(word)].append(word)
    return by_length


def _build_costs(path: str, size: int) -> Packed:
    from array import array

    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    words = text.split()[:size]
    # a word listed twice has its last rank (as a dict built in list order has it)
    ranks = dict(zip(words, range(1, len(words) + 1), strict=True))
    by_length = _by_length(ranks)
    return (
        len(words),
        sys.byteorder,
        tuple("".join(same) for same in by_length),
        tuple(array("I", map(ranks.__getitem__, same)).tobytes() for same in by_length),
    )


def _find(blocks: tuple[str, ...], word: str) -> int:
    """Where `word` is among the words of its length (`blocks[len(word)]`: sorted and
    joined, `len(word)` letters apart), by bisection; -1 when it is not there."""
    width = len(word)
    if not 0 < width < len(blocks):
        return -1
    block = blocks[width]
    lo, hi = 0, len(block) // width
    while lo < hi:
        mid = (lo + hi) // 2
        probe = block[mid * width : mid * width + width]
        if probe < word:
            lo = mid + 1
        elif probe > word:
            hi = mid
        else:
            return mid
    return -1


#: the size of a rank (a C unsigned int, read with memoryview.cast("I"))
_RANK_SIZE = memoryview(b"").cast("I").itemsize


class WordCosts:
    """The cost of each word of the list: log(rank × scale), scale = log(words in the list).

    A one-draft run looks up a few hundred slices of its hashtags, so bisecting the words
    of the slice's length, sorted and kept as one string (the words at fixed offsets),
    beats reading, splitting or building 40,000 words or their costs; after `DICT_AFTER`
    look-ups (a big export) a dict of all the costs is built, once. Either way a cost is
    the same float: `math.log(scale * rank)`."""

    DICT_AFTER = 5_000

    def __init__(self, packed: Packed) -> None:
        count, _, self._blocks, ranks = packed
        self._scale = math.log(count)
        if count:
            math.log(self._scale)  # the first word's cost: a list of one word has none
        self._ranks = tuple(memoryview(r).cast("I") for r in ranks)
        #: the longest word of the list
        self.longest = len(self._blocks) - 1 if self._blocks else 0
        self._left = self.DICT_AFTER
        self._costs: dict[str, float] | None = None

    @staticmethod
    def is_packed(value: object) -> bool:
        """Whether `value` (read from a kept file) is what `_build_costs` returns here."""
        if not (isinstance(value, tuple) and len(value) == 4 and value[1] == sys.byteorder):
            return False
        count, _, blocks, ranks = value
        return (
            isinstance(count, int)
            and isinstance(blocks, tuple)
            and isinstance(ranks, tuple)
            and len(blocks) == len(ranks)
            and all(
                isinstance(block, str)
                and isinstance(rank, bytes)
                and len(block) * _RANK_SIZE == len(rank) * max(width, 1)
                for width, (block, rank) in enumerate(zip(blocks, ranks, strict=True))
            )
        )

    def get(self, word: str, default: float | None = None) -> float | None:
        if self._costs is not None:
            return self._costs.get(word, default)
        self._left -= 1
        if self._left < 0:
            self._costs = self._all()
            return self._costs.get(word, default)
        at = _find(self._blocks, word)
        if at < 0:
            return default
        return math.log(self._scale * self._ranks[len(word)][at])

    def fast_get(self) -> Callable[[str], float | None]:
        """`get`, or the dict's own once it is built (a C call: `splits` calls it for every
        slice of a hashtag)."""
        return self.get if self._costs is None else self._costs.get

    def _all(self) -> dict[str, float]:
        costs: dict[str, float] = {}
        for width, block in enumerate(self._blocks):
            if width:
                words = (block[i : i + width] for i in range(0, len(block), width))
                ranks = map(self._scale.__mul__, self._ranks[width])
                costs.update(zip(words, map(math.log, ranks), strict=True))
        return costs

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
    get = _costs(size).fast_get()
    longest = _longest(size)
    best: list[list[tuple[float, tuple[str, ...]]]] = [[(0.0, ())]]
    for end in range(1, len(letters) + 1):
        here: list[tuple[float, tuple[str, ...]]] = []
        for start in range(max(0, end - longest), end):
            if not best[start]:
                continue  # no split reaches `start`: nothing to extend (few 1-letter words)
            word = letters[start:end]
            cost = get(word)
            if cost is None and word.endswith("s") and not word.endswith("ss"):
                # A plural or possessive the list lacks ("womens" in #womenswear) is a word too,
                # so that women|swear is seen to compete with womens|wear.
                singular = get(word[:-1])
                if singular is not None:
                    cost = singular + _PLURAL_COST
            if cost is None:
                continue
            for total, words in best[start]:
                here.append((total + cost, (*words, word)))
        here.sort()
        best.append(here[:_BEST])
    return best[-1]


class _RareWords:
    """The rest of the word list (en-rare.txt): words too rare to split with, but words.
    Kept as the words of each length sorted and joined (postlint.kept, by the file's size
    and time), so a look-up is a bisection of one string: no set of 42,769 words is built
    (a few MiB in a big run) and a one-draft run reads one small kept file."""

    def __init__(self) -> None:
        self._blocks: tuple[str, ...] | None = None

    def __contains__(self, word: str) -> bool:
        if self._blocks is None:
            self._blocks = _rare_blocks()
        return _find(self._blocks, word) >= 0


def _rare_blocks() -> tuple[str, ...]:
    blocks: tuple[str, ...] = _kept_list(
        "en-rare.txt", "rare-words", "", _build_rare_blocks, _are_blocks
    )
    return blocks


def _build_rare_blocks(path: str) -> tuple[str, ...]:
    with open(path, encoding="utf-8") as fh:
        words = set(fh.read().split())
    return tuple("".join(same) for same in _by_length(words))


def _are_blocks(value: object) -> bool:
    return isinstance(value, tuple) and all(
        isinstance(block, str) and len(block) % max(width, 1) == 0
        for width, block in enumerate(value)
    )


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
