"""Benchmark postlint against its peers on the same inputs, in the same run, and print ratios.

Peers: proselint (`proselint check`, from the same virtualenv) and, when Node is present and
`npm` can install it into a temporary folder, textlint with three rules (max-comma,
sentence-length, no-todo). Each figure is the fastest of `--repeat` runs (wall clock),
after one warm-up run that writes both tools' bytecode caches; peak memory is the
process's maximum resident set size.

    python benchmarks/run.py [--captions PATH] [--out DIR] [--repeat N] [--quick] [--no-textlint]

`--captions` reads real captions by path (for example the TweetEval emoji captions); by
default captions are generated in code (benchmarks/corpora.py). Nothing is written to the
repository. Timing is never asserted in tests: run this script and read the table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora

_TEXTLINT_RULES = (
    "textlint-rule-max-comma",
    "textlint-rule-sentence-length",
    "textlint-rule-no-todo",
)
_TEXTLINTRC = '{"rules": {"max-comma": true, "sentence-length": true, "no-todo": true}}\n'


@dataclass
class Timing:
    """The fastest wall time of a command and the largest peak memory seen."""

    seconds: float
    peak_mib: float
    exit_code: int


def _env(pycache: Path) -> dict[str, str]:
    """What a user's shell has: bytecode caches on, buffered output."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONUNBUFFERED", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    return env


def measure(
    command: Sequence[str], env: dict[str, str], cwd: Path, repeat: int, setup: object = None
) -> Timing:
    """Run `command` `repeat` times (output discarded): fastest wall time, peak RSS."""
    best = float("inf")
    peak = 0.0
    code = 0
    for _ in range(repeat):
        if callable(setup):
            setup()
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        code = proc.returncode
        best = min(best, elapsed)
        peak = max(peak, usage.ru_maxrss / 1024)  # KiB on Linux
    return Timing(best, peak, code)


def find_textlint(work: Path) -> list[str] | None:
    """textlint with three rules, installed into `work` with npm; None when unavailable."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return None
    folder = work / "textlint"
    folder.mkdir(exist_ok=True)
    binary = folder / "node_modules" / ".bin" / "textlint"
    if not binary.exists():
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "textlint", *_TEXTLINT_RULES],
            cwd=folder,
            capture_output=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not binary.exists():
            return None
    rc = folder / ".textlintrc.json"
    rc.write_text(_TEXTLINTRC, encoding="utf-8")
    return [str(binary), "--config", str(rc)]


@dataclass
class Row:
    what: str
    postlint: str
    peer: str
    ratio: str
    target: str
    met: str


def _fmt(seconds: float) -> str:
    return f"{seconds:.3f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--captions", type=Path, help="caption file, one per line (read only)")
    parser.add_argument("--out", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per small measurement")
    parser.add_argument("--quick", action="store_true", help="smaller corpora (a smoke run)")
    parser.add_argument("--no-textlint", action="store_true", help="skip textlint")
    args = parser.parse_args(argv)

    work = args.out or Path(tempfile.mkdtemp(prefix="postlint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_rows = (2_000, 10_000) if args.quick else (20_000, 100_000)
    trees = (500, 2_000) if args.quick else (2_000, 10_000)
    print(
        f"corpora in {work} ({'captions: ' + str(args.captions) if args.captions else 'generated captions'})"
    )
    paths = corpora.build(work / "corpora", args.captions, csv_rows=csv_rows, tree_files=trees)
    env = _env(work / "pycache")
    cwd = work / "corpora"
    python = sys.executable
    # both tools as users run them: their console scripts, from the same virtualenv
    # (`python -m postlint` would add runpy's import, ~10 ms, that `postlint` does not pay)
    script = Path(python).with_name("postlint")
    postlint = [str(script)] if script.exists() else [python, "-m", "postlint"]
    proselint = [str(Path(python).with_name("proselint")), "check"]
    textlint = None if args.no_textlint else find_textlint(work)
    r = args.repeat
    rows: list[Row] = []

    # warm-up: bytecode caches for both tools
    measure([*postlint, "--no-cache", str(paths["single"])], env, cwd, 1)
    measure([*proselint, str(paths["single"])], env, cwd, 1)

    python_start = measure([python, "-c", "pass"], env, cwd, r).seconds
    version = measure([*postlint, "--version"], env, cwd, r).seconds
    print(f"python start-up {_fmt(python_start)}; postlint --version {_fmt(version)}")

    # 1. cold single draft
    pl = measure([*postlint, "--no-cache", str(paths["single"])], env, cwd, r)
    pr = measure([*proselint, str(paths["single"])], env, cwd, r)
    rows.append(
        Row("cold single draft", _fmt(pl.seconds), f"proselint {_fmt(pr.seconds)}",
            f"{pl.seconds / pr.seconds:.2f}x", "<= 0.5x", _yes(pl.seconds <= 0.5 * pr.seconds))
    )  # fmt: skip
    if textlint:
        tl = measure([*textlint, str(paths["single"])], env, cwd, max(1, r // 2))
        rows.append(Row("cold single draft", _fmt(pl.seconds), f"textlint {_fmt(tl.seconds)}",
                        f"{pl.seconds / tl.seconds:.2f}x", "", ""))  # fmt: skip

    # 2. 1,000 captions in one file (postlint: a CSV export; peers: one caption a line)
    pl1k = measure([*postlint, "--no-cache", str(paths["csv-1000"])], env, cwd, r)
    pr1k = measure([*proselint, str(paths["lines-1000"])], env, cwd, r)
    rows.append(
        Row("1,000 captions, one file", _fmt(pl1k.seconds), f"proselint {_fmt(pr1k.seconds)}",
            f"{pl1k.seconds / pr1k.seconds:.2f}x", "<= 0.5x",
            _yes(pl1k.seconds <= 0.5 * pr1k.seconds))
    )  # fmt: skip
    if textlint:
        tl1k = measure([*textlint, str(paths["lines-1000"])], env, cwd, 1)
        rows.append(Row("1,000 captions, one file", _fmt(pl1k.seconds),
                        f"textlint {_fmt(tl1k.seconds)}", f"{pl1k.seconds / tl1k.seconds:.2f}x",
                        "", ""))  # fmt: skip
    proselint_rate = 1000 / pr1k.seconds

    # 3. the 20,000-row CSV, captions per second (start-up included)
    small_csv, big_csv = (f"csv-{n}" for n in csv_rows)
    pl20 = measure([*postlint, "--no-cache", str(paths[small_csv])], env, cwd, 2)
    rate = csv_rows[0] / pl20.seconds
    rows.append(
        Row(f"{csv_rows[0]:,}-row CSV, captions/s", f"{rate:,.0f}/s ({_fmt(pl20.seconds)})",
            f"proselint {proselint_rate:,.0f}/s", f"{rate / proselint_rate:.1f}x", ">= 20x",
            _yes(rate >= 20 * proselint_rate))
    )  # fmt: skip
    pl20j1 = measure([*postlint, "--no-cache", "-j", "1", str(paths[small_csv])], env, cwd, 1)
    rate1 = csv_rows[0] / pl20j1.seconds
    rows.append(
        Row(f"{csv_rows[0]:,}-row CSV, one process", f"{rate1:,.0f}/s ({_fmt(pl20j1.seconds)})",
            f"proselint {proselint_rate:,.0f}/s", f"{rate1 / proselint_rate:.1f}x", "", "")
    )  # fmt: skip

    # where the bulk time goes: the same run without the humour model, and without printing
    for label, extra in (
        ("without humour", ["--ignore", "humour"]),
        ("counts only (--statistics)", ["--statistics"]),
    ):
        part = measure([*postlint, "--no-cache", *extra, str(paths[small_csv])], env, cwd, 1)
        part_rate = csv_rows[0] / part.seconds
        rows.append(
            Row(f"{csv_rows[0]:,}-row CSV, {label}", f"{part_rate:,.0f}/s ({_fmt(part.seconds)})",
                f"proselint {proselint_rate:,.0f}/s", f"{part_rate / proselint_rate:.1f}x", "", "")
        )  # fmt: skip

    # 4. the 100,000-row CSV: time and peak memory (one process: the whole run's memory)
    pl100 = measure([*postlint, "--no-cache", "-j", "1", str(paths[big_csv])], env, cwd, 1)
    rows.append(
        Row(f"{csv_rows[1]:,}-row CSV, peak memory", f"{pl100.peak_mib:.0f} MiB "
            f"({_fmt(pl100.seconds)}, {csv_rows[1] / pl100.seconds:,.0f}/s)", "", "",
            "< 150 MiB", _yes(pl100.peak_mib < 150))
    )  # fmt: skip
    pl100j = measure([*postlint, "--no-cache", str(paths[big_csv])], env, cwd, 1)
    rows.append(
        Row(f"{csv_rows[1]:,}-row CSV, --jobs auto", f"{_fmt(pl100j.seconds)} "
            f"({csv_rows[1] / pl100j.seconds:,.0f}/s; parent {pl100j.peak_mib:.0f} MiB)", "", "",
            "", "")
    )  # fmt: skip

    # 5. draft trees: first run into an empty cache, then a re-run of the unchanged tree
    for files in trees:
        tree = paths[f"tree-{files}"]
        cache = work / f"cache-{files}"

        def empty_cache(cache: Path = cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)

        command = [*postlint, "--cache-dir", str(cache), str(tree)]
        first = measure(command, env, cwd, 1, setup=empty_cache)
        again = measure(command, env, cwd, r)
        share = (again.seconds - version) / max(first.seconds - version, 1e-9)
        rows.append(
            Row(f"{files:,}-file tree, first run", _fmt(first.seconds),
                f"{files / first.seconds:,.0f} files/s", "", "", "")
        )  # fmt: skip
        rows.append(
            Row(f"{files:,}-file tree, cached re-run", _fmt(again.seconds),
                f"first {_fmt(first.seconds)}", f"{share:.1%} of first (above start-up)",
                "<= 10%", _yes(share <= 0.10))
        )  # fmt: skip

    widths = [max(len(getattr(row, f)) for row in rows) for f in Row.__dataclass_fields__]
    heads = ("measure", "postlint", "peer", "ratio", "target", "met")
    widths = [max(w, len(h)) for w, h in zip(widths, heads, strict=True)]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        cells = [getattr(row, f) for f in Row.__dataclass_fields__]
        print("| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |")
    return 0


def _yes(ok: bool) -> str:
    return "yes" if ok else "no"


if __name__ == "__main__":
    raise SystemExit(main())
