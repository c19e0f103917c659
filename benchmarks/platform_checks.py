"""Benchmark: captions per second through the linter with the default packs, platforms included.

The captions are the FiveThirtyEight tweets in tests/data/engagement (real captions, CC BY 4.0)
plus generated social captions (emoji, hashtags, handles of every platform, URLs) up to
`--count`. They are written as one scheduler export (CSV) and linted in-process, file read
included, under several configurations:

- `default`: engagement + hygiene + platforms, no platform known (platform rules skip);
- `default+5`: the same, every caption meant for x, bluesky, threads, instagram and mastodon;
- `platforms+5`, `hygiene`: one pack alone;

then each platform and hygiene rule alone over the same posts (where the time goes), and the
peer prose linter proselint (124 checks) on a slice of the same captions, side by side.

Usage:
    python benchmarks/platform_checks.py                  # 20,000 captions, best of 3
    python benchmarks/platform_checks.py --count 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from postlint.config import Resolver
from postlint.drafts import ReadSettings, read_source
from postlint.errors import PostlintError
from postlint.linter import RunState, lint
from postlint.packs import builtin_catalog
from postlint.runner import lint_file

ROOT = Path(__file__).resolve().parent.parent
REAL = sorted((ROOT / "tests" / "data" / "engagement").glob("*_utf8.csv"))
FIVE = "x;bluesky;threads;instagram;mastodon"

_TEXT = (
    "the sunset at the beach with my best friends today is amazing love this view so much new "
    "drop coffee morning vibes weekend launch team thank you all for coming out tonight cannot "
    "wait to see what's next big news check it out link in bio TODO our summer sale starts"
)
_WORDS = _TEXT.split(" ")
_EXTRAS = (
    "#SummerVibes", "#throwbackthursday", "#café", "#日本語", "#smallbusiness", "@jane_doe",
    "@first.last", "@alice@mastodon.social", "@bob.bsky.social", "$TSLA",
    "https://example.com/launch?utm_source=ig", "www.shop.example.org/sale", "[link]",
    "😂", "❤️", "🔥", "🇺🇸", "👨‍👩‍👧‍👦", "👋🏽", "🏳️‍🌈", "✨", "東京", "ÉTÉ", "WOW",
)  # fmt: skip


def captions(count: int, seed: int = 4) -> list[str]:
    """Real tweets first, then generated captions, `count` in all."""
    out: list[str] = []
    for path in REAL:
        with path.open(encoding="utf-8", newline="") as fh:
            out.extend(row["text"] for row in csv.DictReader(fh) if row.get("text"))
    rng = random.Random(seed)
    while len(out) < count:
        n = rng.choice((4, 8, 15, 30, 60))
        words = [rng.choice(_WORDS) for _ in range(n)]
        for _ in range(rng.randint(0, 6)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(_EXTRAS))
        out.append(" ".join(words))
    return out[:count]


def write_export(folder: Path, texts: list[str], platforms: str) -> Path:
    path = folder / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["platform", "text"])
        writer.writerows([platforms, t] for t in texts)
    return path


def best(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_config(
    folder: Path, extends: str, texts: list[str], platforms: str, repeat: int, ignore: str = ""
) -> float:
    """Seconds to read and lint the export under `extends = [...]` (best of `repeat`)."""
    case = folder / f"{extends.replace(',', '_')}-{bool(platforms)}-{ignore}"
    case.mkdir()
    config = "extends = [" + ", ".join(f'"{p}"' for p in extends.split(",")) + "]\n"
    if ignore:
        config += f'ignore = ["{ignore}"]\n'
    (case / "postlint.toml").write_text(config)
    path = write_export(case, texts, platforms)

    def once() -> object:
        resolver = Resolver()
        return lint_file(path, resolver, RunState())

    once()  # warm: rule loading, regexes, word list, emoji matcher
    return best(repeat, once)


def bench_rules(folder: Path, texts: list[str], repeat: int) -> list[tuple[str, float]]:
    """Seconds per rule alone over the posts of the export (platforms known)."""
    path = write_export(folder, texts, FIVE)
    catalog = builtin_catalog()
    names = [*catalog.packs["platforms"].rules, *catalog.packs["hygiene"].rules]
    out = []
    for name in names:
        rule = catalog.rules[name].build()

        def once(rule: object = rule) -> object:
            source = read_source(path, ReadSettings(), display="export.csv")
            return lint(source, [rule], state=RunState())  # type: ignore[list-item]

        once()
        out.append((name, best(repeat, once)))
    read = best(repeat, lambda: read_source(path, ReadSettings(), display="export.csv"))
    return [("(read + view only)", read), *out]


def bench_proselint(texts: list[str], repeat: int) -> float | None:
    """Seconds for proselint on `texts`, one caption at a time (None if not installed)."""
    try:
        import proselint.checks as checks
        from proselint.tools import CheckRegistry, LintFile
    except ImportError:
        return None
    registry = CheckRegistry()
    if not registry.checks:
        registry.register_many(checks.__register__)

    def once() -> object:
        return [LintFile("caption", t).lint() for t in texts]

    return best(repeat, once)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-count", type=int, default=2_000)
    args = parser.parse_args()
    texts = captions(args.count)
    print(f"{len(texts)} captions ({sum(map(len, texts)) / len(texts):.0f} characters on average)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("\nwhole run (read CSV + lint), best of", args.repeat)
        for label, extends, platforms in (
            ("default", "engagement,hygiene,platforms", ""),
            ("default+5", "engagement,hygiene,platforms", FIVE),
            ("platforms+5", "platforms", FIVE),
            ("hygiene", "hygiene", ""),
        ):
            try:
                seconds = bench_config(folder, extends, texts, platforms, args.repeat)
            except PostlintError as exc:  # e.g. the humour model is not built in this checkout
                print(f"  {label:<12} cannot run ({exc}); without the humour rule:")
                seconds = bench_config(folder, extends, texts, platforms, args.repeat, "humour")
                label += "-humour"
            print(f"  {label:<12} {len(texts) / seconds:>9,.0f} captions/s  ({seconds:.2f} s)")
        print("\none rule alone (platforms known: x, bluesky, threads, instagram, mastodon)")
        for name, seconds in bench_rules(folder, texts, args.repeat):
            print(f"  {name:<24} {len(texts) / seconds:>9,.0f} captions/s  ({seconds:.2f} s)")
    peer = texts[: args.peer_count]
    seconds = bench_proselint(peer, args.repeat)
    if seconds is None:
        print("\npeer: proselint is not installed")
    else:
        print(
            f"\npeer: proselint 124 checks, {len(peer)} captions: "
            f"{len(peer) / seconds:,.0f} captions/s ({seconds:.2f} s)"
        )


if __name__ == "__main__":
    main()
