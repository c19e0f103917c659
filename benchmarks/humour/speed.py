"""Humour model speed: captions scored per second on one core, and the cold-start cost.

    python benchmarks/humour/speed.py [--captions PATH] [--runs 15]

Cold start: fresh interpreters run `import postlint.humour_model; load_model().score(x)`
against a baseline that imports postlint only; the median difference is what the
model adds to a cold one-draft run. When the `postlint` command is installed, it also
times `postlint check` on one draft with detector "signals" against "both".
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from postlint.humour_model import load_model  # noqa: E402

SAMPLE = [
    "Our printer has decided it works from home now.",
    "Hi Sam, sorry to hear your order hasn't arrived. Can you DM us your order number?",
    "New flavours drop on Thursday at 9am in all our stores.",
    "I told my wife she was drawing her eyebrows too high. She looked surprised.",
]


def throughput(texts: list[str]) -> float:
    """Texts per second, best of three passes."""
    model = load_model()
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for t in texts:
            model.score(t)
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best


def _run_ms(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return (time.perf_counter() - start) * 1000


def cold_start(runs: int) -> tuple[float, float]:
    """Median ms of (import + load + one score) minus (import postlint) in fresh processes."""
    base, full = [], []
    for _ in range(runs):
        base.append(_run_ms("import postlint"))
        full.append(
            _run_ms("from postlint.humour_model import load_model; load_model().score('x')")
        )
    return statistics.median(full) - statistics.median(base), statistics.median(full)


def cli_one_draft(runs: int) -> tuple[float, float] | None:
    """Median ms of `postlint check` on one draft: detector signals vs both."""
    exe = shutil.which("postlint")
    if exe is None:
        return None
    times: dict[str, list[float]] = {"signals": [], "both": []}
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp, "draft.txt")
        draft.write_text("New flavours drop on Thursday at 9am in all our stores.\n")
        for detector in times:
            Path(tmp, detector).mkdir()
            Path(tmp, detector, "postlint.toml").write_text(
                f'[rules.humour]\ndetector = "{detector}"\n'
            )
        for _ in range(runs):
            for detector, acc in times.items():
                start = time.perf_counter()
                subprocess.run(
                    [
                        exe,
                        "check",
                        "--config",
                        str(Path(tmp, detector, "postlint.toml")),
                        str(draft),
                    ],
                    cwd=tmp,
                    capture_output=True,
                    env={**os.environ, "NO_COLOR": "1"},
                )
                acc.append((time.perf_counter() - start) * 1000)
    return statistics.median(times["signals"]), statistics.median(times["both"])


def main() -> None:
    """Print the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--captions", type=Path)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.captions:
        texts = args.captions.read_text(encoding="utf-8").splitlines()[:20000]
        what = f"{len(texts)} real captions from {args.captions.name}"
    else:
        texts = SAMPLE * 5000
        what = f"{len(texts)} sample posts"
    model = load_model()
    print(f"model: {model.path}, {model.path.stat().st_size:,} bytes")
    print(f"throughput: {throughput(texts):,.0f} captions/s on one core ({what})")
    added, full = cold_start(args.runs)
    print(
        f"cold start: +{added:.1f} ms over `import postlint` (median of {args.runs}; {full:.0f} ms in all)"
    )
    cli = cli_one_draft(args.runs)
    if cli:
        print(
            f"postlint check, one draft: detector signals {cli[0]:.0f} ms, both {cli[1]:.0f} ms "
            f"(+{cli[1] - cli[0]:.1f} ms)"
        )


if __name__ == "__main__":
    main()
