"""Time `postlint report` on a generated history of 100,000 posts, stage by stage.

    python benchmarks/report_bench.py [--posts 100000] [--naive]

Generates a scheduler-style CSV (five accounts, messy numbers such as `1.2K` and
`1,419`, a few blanks and duplicate rows), then times: reading the export, flagging
with the real lint engine (the default config's rules), the statistics, the text
report and the PNG picture, the whole command through the CLI and, beside it, a plain
`postlint check --statistics` lint of the same export, with its default worker processes
and with `--jobs 1` (the report flags in one process, so `--jobs 1` is the like-for-like
comparison). Each line shows wall-clock time and CPU time (this process and its
workers): on a shared machine the CPU time is the steadier number. With `--naive` it
also times, for one rule's pooled row, the textbook bootstrap (resample the posts, take
medians) and `scipy.stats.bootstrap` (vectorised, batched), to compare with the exact
order-statistic bootstrap postlint uses.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

WORDS = [
    "new",
    "season",
    "drop",
    "today",
    "launch",
    "sale",
    "free",
    "shipping",
    "weekend",
    "recipe",
    "coffee",
    "morning",
    "team",
    "behind",
    "the",
    "scenes",
    "thank",
    "you",
    "fans",
    "community",
    "update",
    "event",
    "live",
    "stream",
    "giveaway",
]


def generate(path: Path, posts: int, seed: int) -> None:
    """Write a history of `posts` rows to `path`."""
    rng = random.Random(seed)
    accounts = [("brand_us", 2000), ("brand_uk", 600), ("brand_de", 300), ("shop", 90), ("ceo", 40)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Date", "Account", "Text", "Likes", "Comments", "Impressions"])
        for index in range(posts):
            account, scale = accounts[index % len(accounts)]
            words = [rng.choice(WORDS) for _ in range(rng.randint(2, 40))]
            if rng.random() < 0.3:
                words.insert(rng.randint(0, len(words)), f"@{rng.choice(WORDS)}_official")
            if rng.random() < 0.05:
                words.append("tag a friend who needs this")
            if rng.random() < 0.1:
                words.append("lol 😂")
            text = " ".join(words).capitalize()
            likes = rng.lognormvariate(0, 1.2) * scale * (0.7 if len(text) > 120 else 1.0)
            likes_cell = f"{likes / 1000:.1f}K" if likes > 10_000 else f"{round(likes):,}"
            if rng.random() < 0.01:
                likes_cell = rng.choice(["", "N/A", "-"])
            day = 1 + index % 28
            writer.writerow(
                [
                    f"2024-{1 + index % 12:02d}-{day:02d} {index % 24:02d}:05:00",
                    account,
                    text,
                    likes_cell,
                    round(likes / 40),
                    round(likes * 30),
                ]
            )
            if rng.random() < 0.002:  # an export appended twice
                writer.writerow(
                    [f"2024-{1 + index % 12:02d}-{day:02d} {index % 24:02d}:05:00", account,
                     text, likes_cell, round(likes / 40), round(likes * 30)]
                )  # fmt: skip


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, action: Callable[[], T], times: dict[str, float]) -> T:
    start, cpu = time.perf_counter(), _cpu()
    result = action()
    times[label] = time.perf_counter() - start
    print(f"{label:<52} {times[label]:8.2f} s wall {_cpu() - cpu:8.2f} s CPU", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive", action="store_true", help="also time the textbook bootstrap")
    args = parser.parse_args()

    import numpy as np
    from click.testing import CliRunner

    from postlint.cli import cli
    from postlint.evidence.flagger import LintFlagger
    from postlint.evidence.history import read_history
    from postlint.evidence.plot import figure_bytes
    from postlint.evidence.render import Report, to_text
    from postlint.evidence.stats import analyse

    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        timed(
            f"generate {args.posts:,} posts", lambda: generate(path, args.posts, args.seed), times
        )
        history = timed(
            "read export (--by Account, group-median)",
            lambda: read_history([path], metric="likes", by="Account", normalize="group-median"),
            times,
        )
        flagger = LintFlagger(path)
        flagger(["warm the models up once, as a lint's start-up does"])
        flags = timed(
            f"flag with the lint engine ({len(flagger.rules)} rules)",
            lambda: flagger(list(history.texts)),
            times,
        )
        results = timed(
            f"statistics ({len(flags)} rules x {1 + len(history.group_names)} rows, 2,000 resamples)",
            lambda: analyse(flags, history.values, history.groups, metric="likes"),
            times,
        )
        report = Report("likes", "group-median", "Account", len(history.values),
                        history.skipped, history.group_names, results, 10, 0, 2000)  # fmt: skip
        timed("text report", lambda: to_text(report), times)
        timed("picture (PNG)", lambda: figure_bytes(report, history.values, flags, "png"), times)
        out = Path(folder) / "plot.png"
        command = ["report", str(path), "--metric", "likes", "--by", "Account",
                   "--normalize", "group-median", "--plot", str(out)]  # fmt: skip
        result = timed(
            "whole command: postlint report ... --plot",
            lambda: CliRunner().invoke(cli, command),
            times,
        )
        if result.exit_code != 0:
            sys.exit(f"postlint report failed: {result.output}")
        # The same export linted as drafts, in the same run: what the report adds on top.
        for jobs in ([], ["--jobs", "1"]):
            timed(
                f"for comparison: postlint check --statistics {' '.join(jobs)}".rstrip(),
                lambda jobs=jobs: CliRunner().invoke(  # type: ignore[misc]
                    cli, ["check", "--statistics", "--no-cache", *jobs, str(path)]
                ),
                times,
            )
        if args.naive:
            values = np.asarray(history.values)
            side = np.sort(values[np.asarray(next(iter(flags.values())))])
            rng = np.random.default_rng(0)

            def naive() -> None:
                for _ in range(0, 2000, 100):  # 100 resamples at a time: bounded memory
                    np.median(side[rng.integers(0, len(side), (100, len(side)))], axis=1)

            timed(f"textbook bootstrap, one side of one rule (n={len(side):,})", naive, times)
            from postlint.evidence.stats import bootstrap_medians

            timed(
                "postlint's exact bootstrap, same side",
                lambda: bootstrap_medians(side, 2000, np.random.default_rng(0)),
                times,
            )
            from scipy.stats import bootstrap  # type: ignore[import-untyped]

            flagged = np.asarray(next(iter(flags.values())))

            def library() -> None:
                bootstrap(
                    (values[flagged], values[~flagged]),
                    lambda a, b, axis=-1: np.median(a, axis=axis) / np.median(b, axis=axis),
                    n_resamples=2000,
                    method="percentile",
                    vectorized=True,
                    batch=100,
                    random_state=np.random.default_rng(0),
                )

            timed(f"scipy.stats.bootstrap, one pooled row (n={len(values):,})", library, times)

            def ours() -> None:
                rng = np.random.default_rng(0)
                bootstrap_medians(np.sort(values[flagged]), 2000, rng)
                bootstrap_medians(np.sort(values[~flagged]), 2000, rng)

            timed("postlint's exact bootstrap, same row", ours, times)
    print()
    print(result.output.split("\n\n")[-1].strip())


if __name__ == "__main__":
    main()
