"""Humour model speed: captions scored per second on one core, and the cold-start cost.

    python benchmarks/humour/speed.py [--captions PATH] [--runs 15]

Cold start: fresh interpreters that have imported the CLI and the humour kind (as a
lint run has) time importing the scorer, loading the shipped model and scoring one
post: what the model adds to a cold one-draft run. When the `postlint` command is
installed, it also times `postlint check` on one draft with detector "signals"
against "both", interleaved (end to end, noisier). Throughput is CPU time of this
process on one core (the machine may be shared). The child interpreters may write and
use byte-code (`PYTHONDONTWRITEBYTECODE` is dropped for them, and one warm-up run
writes it): an installed postlint has compiled modules, so compiling the scorer on
every run would measure something users never pay.
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
        start = time.process_time()
        for t in texts:
            model.score(t)
        best = max(best, len(texts) / (time.process_time() - start))
    return best


#: the children's environment: byte-code allowed, as in an installed postlint
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run_ms(code: str) -> float:
    """Run `code` in a fresh interpreter; it prints the milliseconds it measured."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=CHILD_ENV,
    )
    return float(out.stdout.strip())


COLD = (
    "import time\n"
    "import postlint.cli, postlint.kinds.humour  # what a lint run has imported anyway\n"
    "t = time.perf_counter()\n"
    "from postlint.humour_model import load_model\n"
    "load_model().score('New flavours drop on Thursday.')\n"
    "print((time.perf_counter() - t) * 1000)\n"
)


def cold_start(runs: int) -> tuple[float, float]:
    """Median and max ms to import the scorer, load the shipped model and score one post.

    Measured inside fresh interpreters that already imported the CLI and the kind, as
    a lint run has: what the model adds to a cold one-draft run.
    """
    _run_ms(COLD)  # warm-up: writes the byte-code
    times = [_run_ms(COLD) for _ in range(runs)]
    return statistics.median(times), max(times)


def cli_one_draft(runs: int) -> tuple[float, float] | None:
    """Median ms of `postlint check` on one draft: detector signals vs both."""
    exe = shutil.which("postlint")
    if exe is None:
        return None
    times: dict[str, list[float]] = {"signals": [], "both": []}
    # a result cache would skip the very linting being measured
    helptext = subprocess.run([exe, "check", "--help"], capture_output=True, text=True).stdout
    no_cache = ["--no-cache"] if "--no-cache" in helptext else []
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp, "draft.txt")
        draft.write_text("New flavours drop on Thursday at 9am in all our stores.\n")
        for detector in times:
            Path(tmp, detector).mkdir()
            Path(tmp, detector, "postlint.toml").write_text(
                f'[rules.humour]\ndetector = "{detector}"\n'
            )
        for i in range(runs + 1):  # the first round is a warm-up (byte-code, disk cache)
            for detector, acc in times.items():
                start = time.perf_counter()
                subprocess.run(
                    [
                        exe,
                        "check",
                        *no_cache,
                        "--config",
                        str(Path(tmp, detector, "postlint.toml")),
                        str(draft),
                    ],
                    cwd=tmp,
                    capture_output=True,
                    env={**CHILD_ENV, "NO_COLOR": "1"},
                )
                if i:
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
    median, worst = cold_start(args.runs)
    print(
        f"cold start: import + load + first score {median:.1f} ms "
        f"(median of {args.runs} fresh interpreters; slowest {worst:.1f} ms)"
    )
    cli = cli_one_draft(args.runs)
    if cli:
        print(
            f"postlint check, one draft: detector signals {cli[0]:.0f} ms, both {cli[1]:.0f} ms "
            f"(+{cli[1] - cli[0]:.1f} ms)"
        )


if __name__ == "__main__":
    main()
