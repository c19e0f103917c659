"""Evaluation sets for the humour model: data the shipped model never trained on.

- `replies`: brand replies from the Customer Support on Twitter pairs (CC BY-NC-SA,
  read by path, evaluation only). Split by a hash of the normalised reply: the
  "choose" half picks the threshold (at most `CHOOSE_RATE`, 4%, called humorous), the
  "test" half reports the rate, which must stay within 5%. Both halves are serious
  brand posts.
- `pyjokes`: the English jokes of the `pyjokes` package (BSD-3; programmer one-liners
  and Chuck Norris facts): a public humour source the model never trained on.
- `colbert`: the 20% of ColBERT held out by `training/humour/sources.py` (unseen
  rows, but the same distribution as training).
- `unseen posts` (the headline set): humorous = every pyjokes joke plus held-out
  ColBERT jokes, as many as there are test replies; serious = the test replies.

Any evaluation text whose normalised form also occurs in training is dropped.
"""

from __future__ import annotations

import csv
import random
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training" / "humour"))

import sources  # noqa: E402

from postlint.humour_model import normalise  # noqa: E402

REPLIES = Path("/work/shared/data/replies/twcs-pairs-dev.csv")
#: the rate of serious replies a threshold may call humorous on the half that chooses it.
#: Below the 5% required of unseen posts: choosing at exactly 5% on ~900 replies gave
#: 6.0% [4-8%] on the other half (sampling noise of about 1.5 points either way)
CHOOSE_RATE = 0.04


class EvalSet(NamedTuple):
    """Texts with labels (1 humorous, 0 serious) and a name."""

    name: str
    texts: list[str]
    labels: list[int]


def _training_keys() -> set[str]:
    return {normalise(e.text) for e in sources.training_examples()}


def load(replies: Path = REPLIES) -> dict[str, Any]:
    """All evaluation sets, deduplicated against training."""
    seen = _training_keys()
    with open(replies, encoding="utf-8", newline="") as f:
        brand = [r["brand_reply"] for r in csv.DictReader(f)]
    brand = [t for t in brand if normalise(t) not in seen]
    choose = [t for t in brand if zlib.crc32(normalise(t).encode()) % 2 == 0]
    test = [t for t in brand if zlib.crc32(normalise(t).encode()) % 2 == 1]
    import pyjokes.jokes_en

    jokes = [t for t in pyjokes.jokes_en.jokes_en["all"] if normalise(t) not in seen]
    held = [e for e in sources.colbert("test") if normalise(e.text) not in seen]
    held_jokes = [e.text for e in held if e.label == 1]
    n_colbert = max(0, len(test) - len(jokes))
    positives = jokes + held_jokes[:n_colbert]
    return {
        "replies_choose": choose,
        "replies_test": test,
        "pyjokes": jokes,
        "colbert": EvalSet("colbert held-out", [e.text for e in held], [e.label for e in held]),
        "posts": EvalSet("unseen posts", positives + test, [1] * len(positives) + [0] * len(test)),
        "n_pyjokes": len(jokes),
        "n_colbert_jokes": n_colbert,
    }


#: the signal patterns that changed for issue 9, as they were before (for the "before" row)
PATTERNS_BEFORE = {
    1: r"""(?<!\S)(?::-?\)|:-?D|;-?\)|:-?[Pp]|xD|XD|:'-?\)|=\)|\^_\^|>:\)|¯\\_\(ツ\)_/¯)(?!\S)""",
    3: r"""(?m)(?:^|[.!?]\s+|\n)\s*(?:me\s+)?when\s+(?:you|u|your|ur)\b""",
}


def humour_signals(before: bool = False) -> Callable[[str], bool]:
    """The shipped rule's signal detector (patterns and emoji of rules/engagement/humour.toml).

    `before`: with the two patterns as they were before issue 9 (plain smiles counted,
    "when you have a moment" counted as a meme).
    """
    from postlint._toml import tomllib
    from postlint.kinds.humour import Options, signals
    from postlint.text import TextView

    with open(ROOT / "rules" / "engagement" / "humour.toml", "rb") as f:
        raw = tomllib.load(f)["options"]
    patterns = list(raw["patterns"])
    if before:
        for i, pattern in PATTERNS_BEFORE.items():
            patterns[i] = pattern
    options = Options(patterns=tuple(patterns), emoji=tuple(raw["emoji"]))

    def has_signal(text: str) -> bool:
        post: Any = SimpleNamespace(text=text, view=TextView(text))
        return bool(signals(post, options))

    return has_signal


def threshold_at(
    serious_scores: Sequence[float],
    rate: float = CHOOSE_RATE,
    flagged: Sequence[bool] | None = None,
) -> float:
    """The lowest threshold (2 decimals) calling at most `rate` of serious texts humorous.

    `flagged` marks texts already called humorous by the signals: for the combined
    detector the threshold must keep signals OR model within `rate`.
    """
    already = list(flagged) if flagged is not None else [False] * len(serious_scores)
    for t in [i / 100 for i in range(1, 100)]:
        called = sum(s >= t or g for s, g in zip(serious_scores, already, strict=True))
        if called <= rate * len(serious_scores):
            return t
    return 0.99


def prf(labels: Sequence[int], flags: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall, F1 of boolean flags against labels."""
    tp = sum(1 for y, f in zip(labels, flags, strict=True) if y and f)
    fp = sum(1 for y, f in zip(labels, flags, strict=True) if not y and f)
    fn = sum(1 for y, f in zip(labels, flags, strict=True) if y and not f)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bootstrap(
    labels: Sequence[int], flags: Sequence[bool], n: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float, float]]:
    """Point estimate and 95% percentile interval of precision, recall and F1."""
    rng = random.Random(seed)
    size = len(labels)
    draws: list[tuple[float, float, float]] = []
    for _ in range(n):
        idx = [rng.randrange(size) for _ in range(size)]
        draws.append(prf([labels[i] for i in idx], [flags[i] for i in idx]))
    point = prf(labels, flags)
    out = {}
    for k, name in enumerate(("precision", "recall", "f1")):
        values = sorted(d[k] for d in draws)
        out[name] = (point[k], values[int(0.025 * n)], values[int(0.975 * n) - 1])
    return out


def rate_ci(flags: Sequence[bool], n: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Share of True flags with a 95% bootstrap interval."""
    rng = random.Random(seed)
    size = len(flags)
    values = sorted(sum(flags[rng.randrange(size)] for _ in range(size)) / size for _ in range(n))
    return sum(flags) / size, values[int(0.025 * n)], values[int(0.975 * n) - 1]
