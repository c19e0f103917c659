"""The shipped humour detector: a pure-Python n-gram logistic model that scores joke-likeness.

The model is a table of n-gram weights (int8, with one scale) plus a bias, trained
by `training/humour/build.py` (see `docs/humour-model.md`). Scoring normalises the
text the way training did, sums the weights of its words and character 4-grams,
divides by the square root of the number of n-grams (training scaled each row the
same way) and applies the logistic function. No numpy at run time: loading is a
`dict(zip(...))` over the file's key block and an `array` over its weight block.

File format (version 1), all in one file:

    b"POSTLINT-HUMOUR\\n"   magic line
    one line of JSON        header: version, bias, scale, n_keys, key_bytes, ...
    key_bytes bytes         UTF-8 n-gram keys joined by "\\n"
    n_keys bytes            int8 weights, one per key, in the same order
"""

from __future__ import annotations

import json
import math
import re
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

from postlint.errors import ConfigError

MAGIC = b"POSTLINT-HUMOUR\n"
VERSION = 1

#: the model shipped inside the package
SHIPPED = Path(__file__).parent / "data" / "humour.model"

# Normalisation removes cues that tell the training sources apart rather than jokes
# from non-jokes (headlines were title-cased, curly-quoted, carried URLs and a
# trailing "(PHOTOS)"; tweets carried handles and links). Measured: F1 0.44 → 0.60
# on unseen posts for the plain n-gram model (docs/humour-model.md).
_URL = re.compile(r"(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_MEDIA_TAG = re.compile(r"\s*[\[(](?:photos?|videos?|watch|pics?|gifs?|audio|poll)[\])]\s*$")
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "`": "'",
     "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "}
)  # fmt: skip


def normalise(text: str) -> str:
    """Lower-case; straight quotes; no URLs or handles; no trailing media tag or full stop."""
    # each step is skipped when its marker is absent: this runs on every post
    if "&" in text:
        from html import unescape  # lazily: importing html costs more than most runs need

        text = unescape(text)
    text = text.translate(_QUOTES)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _HANDLE.sub(" @ ", text)
    text = " ".join(text.lower().split())
    if text.endswith((")", "]")):
        text = _MEDIA_TAG.sub("", text)
    # A final full stop separated headlines (none) from jokes (often one) in the
    # training data; brand posts end with one, so it carries no humour signal.
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text


def features(text: str) -> list[str]:
    """The n-grams of an already normalised text: its words and its character 4-grams.

    Words are split on white space, punctuation attached ("why", "why?" differ). A word
    of four characters and the same character 4-gram share one weight, harmlessly:
    training used this same function. Measured against word pairs and prefixed,
    punctuation-split words: as accurate, 2x faster (docs/humour-model.md).
    """
    padded = " " + text + " "
    grams = text.split()
    grams += [padded[i : i + 4] for i in range(len(padded) - 3)]
    return grams


class HumourModel:
    """A loaded humour model; `score(text)` is the probability-like joke score in [0, 1]."""

    __slots__ = ("_get", "bias", "header", "path", "scale")

    def __init__(
        self, weights: dict[str, int], scale: float, bias: float, header: dict[str, Any], path: Path
    ) -> None:
        self._get = weights.get
        self.scale = scale
        self.bias = bias
        self.header = header
        self.path = path

    @property
    def threshold(self) -> float:
        """The threshold chosen at build time (at most 5% of serious brand posts above it)."""
        return float(self.header.get("threshold", 0.5))

    def score(self, text: str) -> float:
        """Joke-likeness of `text` in [0, 1]; an empty text scores as the bias alone."""
        return self.score_normalised(normalise(text))

    def score_normalised(self, text: str) -> float:
        """The score of a text that is already normalised (training and benchmarks)."""
        grams = features(text)
        if not grams:
            return 1.0 / (1.0 + math.exp(-self.bias))
        # map/filter/sum run in C: unknown n-grams give None and are filtered out
        total = sum(filter(None, map(self._get, grams)))
        z = self.bias + total * self.scale / math.sqrt(len(grams))
        if z < -40.0:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


def encode_model(
    weights: dict[str, int], scale: float, bias: float, header: dict[str, Any]
) -> bytes:
    """Serialise a model (keys sorted, so the same weights give the same bytes)."""
    keys = sorted(k for k, w in weights.items() if w != 0)
    if any("\n" in k for k in keys):
        raise ValueError("n-gram keys must not contain a newline")
    key_block = "\n".join(keys).encode("utf-8")
    weight_block = array("b", [weights[k] for k in keys]).tobytes()
    head = dict(header)
    head.update(version=VERSION, bias=bias, scale=scale, n_keys=len(keys), key_bytes=len(key_block))
    head_line = json.dumps(head, sort_keys=True, ensure_ascii=True).encode("ascii") + b"\n"
    return MAGIC + head_line + key_block + weight_block


def decode_model(data: bytes, path: Path) -> HumourModel:
    """Parse a model file's bytes; any defect is a ConfigError naming `path`."""

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{path}: not a valid postlint humour model ({why})")

    if not data.startswith(MAGIC):
        raise bad("wrong header")
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise bad("truncated header")
    try:
        header = json.loads(data[len(MAGIC) : end])
        version = header["version"]
        bias = float(header["bias"])
        scale = float(header["scale"])
        n_keys = int(header["n_keys"])
        key_bytes = int(header["key_bytes"])
    except (ValueError, KeyError, TypeError) as exc:
        raise bad(f"unreadable header: {exc}") from None
    if version != VERSION:
        raise bad(f"format version {version}, this postlint reads {VERSION}")
    start = end + 1
    if len(data) != start + key_bytes + n_keys:
        raise bad("file is truncated or has trailing bytes")
    try:
        keys = data[start : start + key_bytes].decode("utf-8").split("\n") if n_keys else []
    except UnicodeDecodeError:
        raise bad("keys are not UTF-8") from None
    if len(keys) != n_keys:
        raise bad("key count does not match the header")
    raw = array("b")
    raw.frombytes(data[start + key_bytes :])
    weights = dict(zip(keys, raw, strict=True))
    return HumourModel(weights, scale, bias, header, path)


@lru_cache(maxsize=8)
def _load(path: Path) -> HumourModel:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read humour model: {exc.strerror or exc}") from None
    return decode_model(data, path)


def load_model(path: Path | None = None) -> HumourModel:
    """Load a humour model (None: the shipped one); cached per process and path."""
    return _load(Path(path) if path is not None else SHIPPED)
