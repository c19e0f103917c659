"""Train a humour model of the shipped kind (`postlint[train]`: numpy, scipy, scikit-learn).

Nothing here is imported by a lint run. The heavy libraries are imported inside the
functions, so `import postlint.humour_train` alone stays cheap.
"""

from __future__ import annotations

import csv
import importlib
import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from postlint.errors import ConfigError, EnvironmentProblem
from postlint.humour_model import Key, decode_model, encode_model, features, normalise

#: inverse regularisation strength of the logistic regression (chosen on ColBERT train folds)
C = 4.0
#: an n-gram must occur in this many training texts to get a weight
MIN_DF = 2
#: quantised weights below this (in int8 steps of max|w|/127) are dropped: fewer keys
#: load faster (the dict is built on every cold run) at no measured cost in F1
MIN_WEIGHT = 2


def _require_training_libraries() -> None:
    try:
        for name in ("numpy", "scipy", "sklearn"):
            importlib.import_module(name)
    except ImportError as exc:
        raise EnvironmentProblem(
            f"training needs the train extra ({exc.name} is missing): pip install 'postlint[train]'"
        ) from None


def fit(
    texts: Sequence[str],
    targets: Sequence[float],
    weights: Sequence[float] | None = None,
    *,
    c: float = C,
    min_df: int = MIN_DF,
    prepare: Callable[[str], str] = normalise,
    min_weight: int = MIN_WEIGHT,
) -> tuple[dict[Key, int], float, float]:
    """Fit the n-gram logistic model on raw texts and targets in [0, 1] (soft labels allowed).

    Returns int8 weights per n-gram, their scale and the bias. A soft target p is fitted
    as the row twice, labelled 1 with weight p and 0 with weight 1 - p (the cross-entropy
    of a soft label). `prepare` is the text normalisation (the shipped one unless a
    benchmark compares). Deterministic: lbfgs on a fixed row and column order.
    """
    _require_training_libraries()
    import numpy as np

    # untyped libraries, imported as modules of type Any
    sparse = importlib.import_module("scipy.sparse")
    LogisticRegression = importlib.import_module("sklearn.linear_model").LogisticRegression

    grams = [features(prepare(t)) for t in texts]
    df: dict[Key, int] = {}
    for g in grams:
        for key in set(g):
            df[key] = df.get(key, 0) + 1
    # words (str) first, then 4-grams (int): a fixed column order for any data
    kept = sorted((k for k, n in df.items() if n >= min_df), key=_key_order)
    vocab = {k: i for i, k in enumerate(kept)}
    rows, cols, vals = [], [], []
    for r, g in enumerate(grams):
        if not g:
            continue
        counts: dict[int, int] = {}
        for key in g:
            j = vocab.get(key)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        norm = 1.0 / math.sqrt(len(g))
        for j, n in sorted(counts.items()):
            rows.append(r)
            cols.append(j)
            vals.append(n * norm)
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(grams), len(vocab)), dtype=np.float64)
    p = np.clip(np.asarray(targets, dtype=np.float64), 0.0, 1.0)
    w = np.ones(len(grams)) if weights is None else np.asarray(weights, dtype=np.float64)
    xx = sparse.vstack([x, x]).tocsr()
    yy = np.concatenate([np.ones(len(grams)), np.zeros(len(grams))])
    ww = np.concatenate([w * p, w * (1.0 - p)])
    keep = ww > 0
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=2000, tol=1e-6)
    # one BLAS thread: lbfgs stops where it stops, and the path depends on how sums
    # are split across threads; with one thread the same data give the same bytes
    threadpool_limits = importlib.import_module("threadpoolctl").threadpool_limits
    with threadpool_limits(limits=1):
        model.fit(xx[keep], yy[keep], sample_weight=ww[keep] * (len(ww) / ww.sum()))
    coef = model.coef_[0]
    scale = float(np.abs(coef).max()) / 127.0 or 1.0
    q = np.rint(coef / scale).astype(np.int64)
    keys = sorted(vocab, key=vocab.__getitem__)
    table = {k: int(q[vocab[k]]) for k in keys if abs(q[vocab[k]]) >= max(1, min_weight)}
    return table, round(scale, 9), round(float(model.intercept_[0]), 6)


def _key_order(key: Key) -> tuple[int, str, int]:
    return (0, key, 0) if isinstance(key, str) else (1, "", key)


def scores_of(
    table: dict[Key, int], scale: float, bias: float, texts: Sequence[str]
) -> list[float]:
    """Score texts with an unsaved model, exactly as `HumourModel.score` does."""
    model = decode_model(encode_model(table, scale, bias, {}), Path("<memory>"))
    return [model.score(t) for t in texts]


def metrics(labels: Sequence[int], scores: Sequence[float], threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of `score >= threshold` against labels."""
    tp = sum(1 for y, s in zip(labels, scores, strict=True) if y and s >= threshold)
    fp = sum(1 for y, s in zip(labels, scores, strict=True) if not y and s >= threshold)
    fn = sum(1 for y, s in zip(labels, scores, strict=True) if y and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def read_labelled(data_csv: Path) -> tuple[list[str], list[int]]:
    """Rows of a `text,humor` CSV (humor 1/0 or true/false); bad input is a ConfigError."""
    truth = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}
    texts: list[str] = []
    labels: list[int] = []
    try:
        with open(data_csv, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"text", "humor"} <= set(reader.fieldnames):
                raise ConfigError(f"{data_csv}: needs the columns text,humor")
            for line, row in enumerate(reader, start=2):
                value = truth.get((row["humor"] or "").strip().lower())
                if value is None:
                    raise ConfigError(
                        f"{data_csv}:{line}: humor: expected 1 or 0, got {row['humor']!r}"
                    )
                texts.append(row["text"] or "")
                labels.append(value)
    except OSError as exc:
        raise ConfigError(f"{data_csv}: cannot read: {exc.strerror or exc}") from None
    if len(set(labels)) < 2:
        raise ConfigError(f"{data_csv}: needs both humorous (1) and serious (0) rows")
    return texts, labels


def train_humour(data_csv: Path, out: Path, seed: int = 0) -> dict[str, Any]:
    """Train a humour model on a team's own `text,humor` CSV and write it to `out`.

    A seeded 20% of the rows is held out: the model trained on the other 80% is
    measured there (precision, recall, F1 at the threshold that maximises held-out F1,
    so the F1 is slightly optimistic), then the model written to `out` is refitted on
    every row with that threshold stored in it. Same data and seed, same bytes.
    """
    _require_training_libraries()
    texts, labels = read_labelled(Path(data_csv))
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    cut = max(1, len(order) // 5)
    test, train = sorted(order[:cut]), sorted(order[cut:])
    table, scale, bias = fit([texts[i] for i in train], [labels[i] for i in train])
    held = scores_of(table, scale, bias, [texts[i] for i in test])
    y = [labels[i] for i in test]
    best = max(
        (metrics(y, held, t)["f1"], -abs(t - 0.5), t) for t in [i / 100 for i in range(5, 96)]
    )
    threshold = best[2]
    result: dict[str, Any] = {
        "rows": len(texts),
        "held_out_rows": len(test),
        "threshold": threshold,
        **metrics(y, held, threshold),
    }
    table, scale, bias = fit(texts, labels)
    header = {"threshold": threshold, "trained_on": Path(data_csv).name, "seed": seed}
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(encode_model(table, scale, bias, header))
    except OSError as exc:
        raise ConfigError(f"{out}: cannot write the model: {exc.strerror or exc}") from None
    result["n_grams"] = len(table)
    return result
