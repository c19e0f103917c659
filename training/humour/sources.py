"""Training data for the shipped humour model: the repository's own copies, split deterministically.

Every text is normalised exactly as at run time (`postlint.humour_model.normalise`).
ColBERT rows whose normalised text hashes into bucket 0 of 5 are held out for
evaluation (`benchmarks/humour/evaluate.py`) and never reach training.
"""

from __future__ import annotations

import csv
import zlib
from pathlib import Path
from typing import NamedTuple

from postlint.humour_model import normalise

DATA = Path(__file__).parent / "data"
#: written examples weigh this much more than one ColBERT row (they are few and on target)
WRITTEN_WEIGHT = 8.0
#: tweets weigh this much (serious conversational text is what the jokes-vs-headlines data lacks)
TWEET_WEIGHT = 2.0


class Example(NamedTuple):
    """One training text: where it came from, its row there, label (or None), weight."""

    source: str
    row: int
    text: str
    label: int | None
    weight: float


def held_out(text: str) -> bool:
    """True for ColBERT texts kept for evaluation (20%, by a hash of the normalised text)."""
    return zlib.crc32(normalise(text).encode("utf-8")) % 5 == 0


def colbert(split: str) -> list[Example]:
    """ColBERT rows of `split` ("train" or "test"), labelled."""
    out = []
    with open(DATA / "colbert-40k.csv", encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if held_out(row["text"]) == (split == "test"):
                out.append(Example("colbert", i, row["text"], int(row["humor"]), 1.0))
    return out


def tweets() -> list[Example]:
    """FiveThirtyEight tweets (two political accounts), labelled serious; retweets skipped."""
    out = []
    for name in ("BarackObama_utf8.csv", "realDonaldTrump_utf8.csv"):
        with open(DATA / name, encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                text = row["text"].replace("\u2030\u00db_", "...")  # mojibake ellipsis
                if text.startswith("RT @") or len(normalise(text).split()) < 3:
                    continue
                out.append(Example(name.split("_")[0], i, text, 0, TWEET_WEIGHT))
    return out


def written() -> list[Example]:
    """Examples written for postlint (serious brand posts and replies; casual and brand jokes)."""
    with open(DATA / "postlint-written.csv", encoding="utf-8", newline="") as f:
        return [
            Example("written", i, row["text"], int(row["humor"]), WRITTEN_WEIGHT)
            for i, row in enumerate(csv.DictReader(f))
        ]


def training_examples() -> list[Example]:
    """Everything the shipped model trains on, in a fixed order."""
    return colbert("train") + tweets() + written()
