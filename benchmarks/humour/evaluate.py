"""Measure the shipped humour model (or `--model PATH`) on data it never saw (issue 9).

    pip install pyjokes                      # unseen public jokes (evaluation only)
    python benchmarks/humour/evaluate.py --replies ../shared/data/replies/twcs-pairs-dev.csv

Prints precision, recall and F1 (95% bootstrap intervals) of humorous-vs-not on the
"unseen posts" set for the three detectors at the model's threshold, the rate at
which serious brand replies are called humorous, and the threshold that the "choose"
half of the replies picks (at most 4% of it called humorous, so that the unseen half
stays within 5%; `--choose` makes that the threshold measured). No numpy:
runs with postlint's own dependencies plus pyjokes. Set names: see evalsets.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import evalsets

from postlint.humour_model import load_model


def main() -> None:
    """Evaluate and print a report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=Path, default=evalsets.REPLIES)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--choose", action="store_true", help="measure at the chosen threshold")
    parser.add_argument("--captions", type=Path, help="real captions: report the rate called funny")
    args = parser.parse_args()
    model = load_model(args.model)
    ev = evalsets.load(args.replies)
    signal = evalsets.humour_signals()
    # the default detector is "both", so the threshold keeps signals OR model within the rate
    chosen = evalsets.threshold_at(
        [model.score(t) for t in ev["replies_choose"]],
        flagged=[signal(t) for t in ev["replies_choose"]],
    )
    thr = chosen if args.choose else model.threshold
    print(f"model: {model.path} (stored threshold {model.threshold:.2f})")
    print(
        f"threshold chosen on {len(ev['replies_choose'])} held-out brand replies "
        f"(<= {evalsets.CHOOSE_RATE:.0%} called humorous by signals OR model): {chosen:.2f}; "
        f"measuring at {thr:.2f}"
    )
    posts = ev["posts"]
    scores = [model.score(t) for t in posts.texts]
    sig = [signal(t) for t in posts.texts]
    test_scores = [model.score(t) for t in ev["replies_test"]]
    test_sig = [signal(t) for t in ev["replies_test"]]
    print(
        f"\nunseen posts: {ev['n_pyjokes']} pyjokes jokes + {ev['n_colbert_jokes']} held-out "
        f"ColBERT jokes (humorous) vs {len(ev['replies_test'])} held-out brand replies (serious)"
    )
    print(f"{'detector':<18} {'F1':>18} {'precision':>18} {'recall':>18} {'serious→funny':>18}")
    for name, flags, serious in (
        ("signals", sig, test_sig),
        ("model", [s >= thr for s in scores], [s >= thr for s in test_scores]),
        (
            "signals OR model",
            [s >= thr or g for s, g in zip(scores, sig, strict=True)],
            [s >= thr or g for s, g in zip(test_scores, test_sig, strict=True)],
        ),
    ):
        ci = evalsets.bootstrap(posts.labels, flags)
        cells = [ci["f1"], ci["precision"], ci["recall"], evalsets.rate_ci(serious)]
        print(f"{name:<18} " + " ".join(f"{v[0]:.3f} [{v[1]:.2f}-{v[2]:.2f}]" for v in cells))
    pj = [model.score(t) >= thr or signal(t) for t in ev["pyjokes"]]
    print(f"\npyjokes recall (signals OR model): {sum(pj) / len(pj):.3f} of {len(pj)}")
    col = ev["colbert"]
    p, r, f = evalsets.prf(col.labels, [model.score(t) >= thr for t in col.texts])
    print(
        f"ColBERT held-out, jokes vs headlines ({len(col.texts)}): P {p:.3f} R {r:.3f} F1 {f:.3f}"
    )
    if args.captions:
        lines = [x for x in args.captions.read_text(encoding="utf-8").splitlines() if x.strip()]
        rate = sum(model.score(t) >= thr for t in lines) / len(lines)
        print(
            f"real captions called humorous by the model: {rate:.3f} of {len(lines)} (unlabelled)"
        )


if __name__ == "__main__":
    main()
