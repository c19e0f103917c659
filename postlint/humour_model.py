"""The shipped humour detector: a pure-Python n-gram logistic model that scores joke-likeness.

The model is a table of n-gram weights (int8, with one scale) plus a bias, trained
by `training/humour/build.py` (see `docs/humour-model.md`). Scoring normalises the
text the way training did, sums the weights of its words and character 4-grams,
divides by the square root of the number of n-grams (training scaled each row the
same way) and applies the logistic function. No numpy at run time.

A character 4-gram is four UTF-16 code units (an emoji outside the Basic
Multilingual Plane counts as two), keyed by those eight bytes read as one unsigned
64-bit integer. So scoring never builds a 4-gram string: it encodes the text once,
reads it as four `memoryview`s of 64-bit integers (one per offset) and looks the
integers up, all in C; and loading builds the table from an `array` of integers,
with no string split or decode for three quarters of the keys. Words (split on
white space) are keyed by their text; a word never shares a weight with a 4-gram.

File format (version 2), all in one file:

    b"POSTLINT-HUMOUR\\n"                  magic line
    one line of JSON                        metadata (provenance; parsed only on demand)
    b"2 BIAS SCALE THRESHOLD NG NW WB\\n"   format version and what scoring needs, as text
    NG * 8 bytes                            4-gram keys: UTF-16-LE code units, sorted
    NG bytes                                int8 weights of the 4-grams, same order
    WB bytes                                UTF-8 words joined by "\\n", sorted
    NW bytes                                int8 weights of the words, same order
"""

from __future__ import annotations

import math
import os
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, cast

from postlint.errors import ConfigError

MAGIC = b"POSTLINT-HUMOUR\n"
VERSION = 2

#: the model shipped inside the package
SHIPPED = Path(__file__).parent / "data" / "humour.model"

#: an n-gram key: a word (str) or a character 4-gram (its UTF-16-LE bytes as an int)
Key = str | int

# Normalisation removes cues that tell the training sources apart rather than jokes
# from non-jokes (headlines were title-cased, curly-quoted, carried URLs and a
# trailing "(PHOTOS)"; tweets carried handles and links). Measured: F1 0.44 → 0.60
# on unseen posts for the plain n-gram model (docs/humour-model.md).
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "`": "'",
     "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "}
)  # fmt: skip
#: the same mapping as pairs; no replacement contains a mapped character, so replacing
#: one pair after another gives what translating at once gives
_QUOTE_PAIRS = tuple((chr(c), str(r)) for c, r in _QUOTES.items())


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    # compiled on first need: most posts have no URL, handle or trailing tag
    return (
        re.compile(r"(?:https?://|www\.)\S+"),
        re.compile(r"(?<![\w@])@\w+"),
        re.compile(r"\s*[\[(](?:photos?|videos?|watch|pics?|gifs?|audio|poll)[\])]\s*$"),
    )


def normalise(text: str) -> str:
    """Lower-case; straight quotes; no URLs or handles; no trailing media tag or full stop."""
    # each step is skipped when its marker is absent: this runs on every post
    if "&" in text:
        from html import unescape  # lazily: importing html costs more than most runs need

        text = unescape(text)
    if not text.isascii():
        # one `in` per character mapped beats str.translate, which looks up every
        # character of a non-ASCII text (measured: 9.6 -> 1.5 us on captions with one)
        for char, straight in _QUOTE_PAIRS:
            if char in text:
                text = text.replace(char, straight)
    elif "`" in text:  # the only ASCII character the quote table maps
        text = text.replace("`", "'")
    if "http" in text or "www." in text:
        text = _patterns()[0].sub(" ", text)
    if "@" in text:
        text = _patterns()[1].sub(" @ ", text)
    text = " ".join(text.lower().split())
    if text.endswith((")", "]")):
        text = _patterns()[2].sub("", text)
    # A final full stop separated headlines (none) from jokes (often one) in the
    # training data; brand posts end with one, so it carries no humour signal.
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text


def _gram_views(text: str) -> tuple[list[memoryview], int]:
    """The character 4-grams of " text " as integer views, and how many there are.

    View k holds the 4-grams starting at code units k, k+4, k+8, ... Lone surrogates
    (possible in JSON input) are encoded as they are, so every text can be scored.
    """
    data = memoryview((" " + text + " ").encode("utf-16-le", "surrogatepass"))
    n = len(data) // 2 - 3  # 4-grams in the padded text
    if n >= 4:  # nearly every text: the four views written out (this runs per post)
        return [
            data[: 8 * ((n + 3) >> 2)].cast("Q"),
            data[2 : 2 + 8 * ((n + 2) >> 2)].cast("Q"),
            data[4 : 4 + 8 * ((n + 1) >> 2)].cast("Q"),
            data[6 : 6 + 8 * (n >> 2)].cast("Q"),
        ], n
    views = [data[2 * k : 2 * k + 8 * ((n - k + 3) // 4)].cast("Q") for k in range(n)]
    return views, max(n, 0)


def features(text: str) -> list[Key]:
    """The n-grams of an already normalised text: its words, then its character 4-grams.

    Words are split on white space, punctuation attached ("why", "why?" differ).
    Measured against word pairs and prefixed, punctuation-split words: as accurate,
    2x faster (docs/humour-model.md). Training uses this function; scoring computes
    the same keys without building the list.
    """
    keys: list[Key] = list(text.split())
    for view in _gram_views(text)[0]:
        keys.extend(view)
    return keys


#: texts scored by binary search before the model builds its hash table: a one-draft
#: run never pays for the table (~33k integer keys), a long run soon has it
LAZY_TEXTS = 64


class HumourModel:
    """A loaded humour model; `score(text)` is the probability-like joke score in [0, 1].

    The weights stay in the sorted arrays they were read into: the first texts are
    scored by binary search there, and only a run that scores more than `LAZY_TEXTS`
    texts builds the dict that makes each look-up one hash probe. Same weights either
    way, so the same score.
    """

    __slots__ = (
        "_get",
        "_gram_weights",
        "_grams",
        "_left",
        "_meta",
        "_word_weights",
        "_words",
        "bias",
        "path",
        "scale",
        "threshold",
    )

    def __init__(
        self,
        grams: array[int],
        gram_weights: array[int],
        words: list[str],
        word_weights: array[int],
        scale: float,
        bias: float,
        threshold: float,
        path: Path,
        meta: bytes = b"{}",
    ) -> None:
        self._grams = grams
        self._gram_weights = gram_weights
        self._words = words
        self._word_weights = word_weights
        self._get: Callable[[Any], int | None] | None = None
        self._left = LAZY_TEXTS
        self.scale = scale
        self.bias = bias
        #: the threshold chosen at build time (at most 5% of serious brand posts above it)
        self.threshold = threshold
        self.path = path
        self._meta = meta

    @property
    def header(self) -> dict[str, Any]:
        """The file's metadata (provenance, training settings) and its numbers."""
        import json  # only for reports and tests: a lint run never needs it

        head: dict[str, Any] = json.loads(self._meta)
        head.update(version=VERSION, bias=self.bias, scale=self.scale, threshold=self.threshold)
        return head

    def weights(self) -> dict[Key, int]:
        """Every n-gram's int8 weight (a new dict)."""
        table: dict[Key, int] = dict(zip(self._grams, self._gram_weights, strict=True))
        table.update(zip(self._words, self._word_weights, strict=True))
        return table

    def score(self, text: str) -> float:
        """Joke-likeness of `text` in [0, 1]; an empty text scores as the bias alone."""
        return self.score_normalised(normalise(text))

    def score_normalised(self, text: str) -> float:
        """The score of a text that is already normalised (training and benchmarks)."""
        words = text.split()
        views, n_grams = _gram_views(text)
        count = len(words) + n_grams
        if not count:
            return 1.0 / (1.0 + math.exp(-self.bias))
        get: Callable[[Any], int | None] | None = self._get
        if get is None:
            self._left -= 1
            if self._left < 0:
                get = self._get = cast(Callable[[Any], int | None], self.weights().get)
        if get is None:
            total = _sorted_total(words, self._words, self._word_weights)
            for view in views:
                total += _sorted_total(view, self._grams, self._gram_weights)
        else:
            # chain/map/filter/sum run in C: unknown n-grams give None, filtered out
            total = sum(filter(None, map(get, chain(words, *views))))
        z = self.bias + total * self.scale / math.sqrt(count)
        if z < -40.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


def _sorted_total(found: Iterable[Any], keys: Sequence[Any], weights: array[int]) -> int:
    """The summed weights of `found` looked up by binary search in sorted `keys`."""
    from bisect import bisect_left

    total = 0
    end = len(keys)
    for key in found:
        i = bisect_left(keys, key)
        if i < end and keys[i] == key:
            total += weights[i]
    return total


def encode_model(
    weights: dict[Key, int], scale: float, bias: float, header: dict[str, Any]
) -> bytes:
    """Serialise a model (keys sorted, so the same weights give the same bytes).

    `header` is stored as metadata; its "threshold" (default 0.5) is the model's.
    """
    import json

    grams = sorted(k for k, w in weights.items() if w != 0 and isinstance(k, int))
    words = sorted(k for k, w in weights.items() if w != 0 and isinstance(k, str))
    if any(not 0 <= k < 1 << 64 for k in grams):
        raise ValueError("4-gram keys must be unsigned 64-bit integers")
    if any("\n" in k or not k or k != k.strip() for k in words):
        raise ValueError("word keys must be non-empty and hold no white space at the ends")
    word_block = "\n".join(words).encode("utf-8", "surrogatepass")
    meta = {k: v for k, v in header.items() if k not in ("version", "bias", "scale")}
    threshold = float(meta.pop("threshold", 0.5))
    numbers = f"{VERSION} {bias!r} {scale!r} {threshold!r} {len(grams)} {len(words)} "
    numbers += f"{len(word_block)}\n"
    # a key is the native integer of a 4-gram's UTF-16-LE bytes, so writing it natively
    # stores exactly those bytes: the file is the same on every machine, loads unswapped
    gram_keys = array("Q", grams)
    return b"".join(
        (
            MAGIC,
            json.dumps(meta, sort_keys=True, ensure_ascii=True).encode("ascii") + b"\n",
            numbers.encode("ascii"),
            gram_keys.tobytes(),
            array("b", [weights[k] for k in grams]).tobytes(),
            word_block,
            array("b", [weights[k] for k in words]).tobytes(),
        )
    )


def decode_model(data: bytes, path: Path) -> HumourModel:
    """Parse a model file's bytes; any defect is a ConfigError naming `path`."""

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{path}: not a valid postlint humour model ({why})")

    if not data.startswith(MAGIC):
        raise bad("wrong header")
    meta_end = data.find(b"\n", len(MAGIC))
    numbers_end = data.find(b"\n", meta_end + 1) if meta_end >= 0 else -1
    fields = data[meta_end + 1 : numbers_end].split() if numbers_end >= 0 else []
    if not fields or fields[0] != str(VERSION).encode():
        raise bad(_version_problem(data[len(MAGIC) : meta_end] if meta_end >= 0 else b""))
    try:
        bias, scale, threshold = (float(x) for x in fields[1:4])
        n_grams, n_words, word_bytes = (int(x) for x in fields[4:7])
    except ValueError as exc:
        raise bad(f"unreadable header: {exc}") from None
    if len(fields) != 7 or min(n_grams, n_words, word_bytes) < 0:
        raise bad("unreadable header")
    start = numbers_end + 1
    words_at = start + 9 * n_grams
    if len(data) != words_at + word_bytes + n_words:
        raise bad("file is truncated or has trailing bytes")
    view = memoryview(data)
    gram_keys = array("Q")
    gram_keys.frombytes(view[start : start + 8 * n_grams])
    gram_weights = array("b")
    gram_weights.frombytes(view[start + 8 * n_grams : words_at])
    try:
        text = str(view[words_at : words_at + word_bytes], "utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raise bad("words are not UTF-8") from None
    words = text.split("\n") if n_words else []
    if len(words) != n_words:
        raise bad("word count does not match the header")
    word_weights = array("b")
    word_weights.frombytes(view[words_at + word_bytes :])
    if len(gram_weights) != n_grams or len(word_weights) != n_words:
        raise bad("file is truncated or has trailing bytes")
    meta = bytes(view[len(MAGIC) : meta_end])
    return HumourModel(
        gram_keys, gram_weights, words, word_weights, scale, bias, threshold, path, meta
    )


def _version_problem(meta: bytes) -> str:
    """Why a file whose numbers line is not version 2 is refused (an older format?)."""
    import json

    try:
        version = json.loads(meta)["version"]
    except (ValueError, KeyError, TypeError):
        return "unreadable header"
    return f"format version {version}, this postlint reads {VERSION}"


@lru_cache(maxsize=8)
def _load(path: Path, where: str, stamp: tuple[int, int]) -> HumourModel:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read humour model: {exc.strerror or exc}") from None
    return decode_model(data, path)


def load_model(path: Path | None = None) -> HumourModel:
    """Load a humour model (None: the shipped one); cached per process, file and version.

    The cache key is the absolute path and the file's modification time and size, so a
    long-running process (the language server) or a changed working directory never
    scores with a model that was retrained or replaced since.
    """
    path = Path(path) if path is not None else SHIPPED
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read humour model: {exc.strerror or exc}") from None
    return _load(path, os.path.abspath(path), (info.st_mtime_ns, info.st_size))
