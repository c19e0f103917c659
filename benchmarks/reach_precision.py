"""Precision of the reach pack on real posts it was never tuned on, against hand judgements.

Runs every rule of the `reach` pack (engagement-bait, clickbait, engagement-swap, …) over
real posts read by path at evaluation time, never copied into the repository:

- the TweetEval emoji captions (`--captions`, one post per line; see the folder's
  PROVENANCE.md: evaluation only),
- the FiveThirtyEight tweets (`--engagement`, every `*.csv` with a `text` column).

It prints the hit count per rule and source, then compares the hits with
`reach_judgements.csv`, which holds ONLY `source,row,rule,verdict,reason` (the source file
as `folder/name`, the 1-based line or CSV data row, `tp` or `fp`, a short reason in the
judge's own words; never the post's text). Per rule it prints precision over the judged
hits with a Wilson 95% interval, and lists hits that have no judgement (and judgements
whose hit no longer happens). `--show` prints each hit's text to the terminal, to judge it.

    python benchmarks/reach_precision.py
    python benchmarks/reach_precision.py --show            # read the hits to judge them
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from postlint.drafts import OffsetMap, Post
from postlint.kinds import load_kind
from postlint.linter import message_for
from postlint.packs import builtin_catalog

DATA = Path("/work/shared/data")
HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "reach_judgements.csv"
FIELDS = ("source", "row", "rule", "verdict", "reason")
VERDICTS = ("tp", "fp")
csv.field_size_limit(10_000_000)


class Hit(NamedTuple):
    """One rule firing on one post (several spans of one rule on a post are one hit)."""

    source: str
    row: int
    rule: str
    text: str
    messages: tuple[str, ...]


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default); (0, 1) when n is 0."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def caption_posts(path: Path) -> Iterator[tuple[str, int, str]]:
    """(source, 1-based line, text) per non-empty line."""
    source = f"{path.parent.name}/{path.name}"
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            text = line.rstrip("\n")
            if text.strip():
                yield source, number, text


def tweet_posts(folder: Path) -> Iterator[tuple[str, int, str]]:
    """(source, 1-based data row, text) per row of each CSV with a `text` column."""
    for path in sorted(folder.glob("*.csv")):
        source = f"{folder.name}/{path.name}"
        with path.open(encoding="utf-8", newline="") as f:
            for number, row in enumerate(csv.DictReader(f), 1):
                text = row.get("text") or ""
                if text.strip():
                    yield source, number, text


def find_hits(posts: Iterator[tuple[str, int, str]]) -> Iterator[Hit]:
    """Every reach rule on every post, with its shipped options."""
    catalog = builtin_catalog()
    rules = [catalog.rules[name].build() for name in sorted(catalog.packs["reach"].rules)]
    kinds = [load_kind(rule.kind, str(rule.path)) for rule in rules]
    for source, row, text in posts:
        post = Post(
            path=source, index=0, text=text, offsets=OffsetMap([(0, text)]), meta={}, line=row
        )
        for rule, kind in zip(rules, kinds, strict=True):
            found = list(kind.check(post, rule.options))
            if found:
                messages = tuple(message_for(rule, h.data) for h in found)
                yield Hit(source, row, rule.name, text, messages)


def read_judgements(path: Path) -> dict[tuple[str, int, str], tuple[str, str]]:
    """(source, row, rule) → (verdict, reason); a malformed row is a one-line error."""
    judged: dict[tuple[str, int, str], tuple[str, str]] = {}
    if not path.is_file():
        return judged
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != FIELDS:
            sys.exit(f"{path}: header: expected {','.join(FIELDS)}")
        for number, row in enumerate(reader, 2):
            if row["verdict"] not in VERDICTS or not row["row"].isdigit():
                sys.exit(f"{path}:{number}: verdict: expected tp or fp and a row number")
            judged[(row["source"], int(row["row"]), row["rule"])] = (row["verdict"], row["reason"])
    return judged


def report(hits: Sequence[Hit], judged: dict[tuple[str, int, str], tuple[str, str]]) -> int:
    """Print counts, precision per rule and unjudged hits; the number of unjudged hits."""
    counts = Counter((h.rule, h.source) for h in hits)
    right = Counter(
        (h.rule, h.source) for h in hits if judged.get((h.source, h.row, h.rule), ("",))[0] == "tp"
    )
    print("hits per rule and source (one per post), and how many were judged right:")
    for (rule, source), n in sorted(counts.items()):
        print(f"  {rule:18} {source:45} {n:5} hits {right[(rule, source)]:5} right")
    rules = sorted({h.rule for h in hits} | {key[2] for key in judged})
    print()
    print("| rule | hits | judged | right (tp) | precision | Wilson 95% |")
    print("|---|---:|---:|---:|---:|---|")
    for rule in rules:
        mine = [h for h in hits if h.rule == rule]
        verdicts = [judged[key][0] for h in mine if (key := (h.source, h.row, h.rule)) in judged]
        tp = verdicts.count("tp")
        low, high = wilson(tp, len(verdicts))
        precision = f"{tp / len(verdicts):.2f}" if verdicts else "–"
        print(
            f"| {rule} | {len(mine)} | {len(verdicts)} | {tp} | {precision} "
            f"| {low:.2f}–{high:.2f} |"
        )
    keys = {(h.source, h.row, h.rule) for h in hits}
    unjudged = [h for h in hits if (h.source, h.row, h.rule) not in judged]
    stale = sorted(key for key in judged if key not in keys)
    if unjudged:
        print(f"\n{len(unjudged)} hits have no judgement:")
        for h in unjudged:
            print(f"  {h.source},{h.row},{h.rule}")
    if stale:
        print(f"\n{len(stale)} judgements have no hit (the rules changed since):")
        for source, row, rule in stale:
            print(f"  {source},{row},{rule}")
    return len(unjudged)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--captions", type=Path, default=DATA / "captions" / "tweeteval-emoji-train.txt"
    )
    parser.add_argument("--engagement", type=Path, default=DATA / "engagement")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--show", action="store_true", help="print each hit's text to judge it")
    args = parser.parse_args(argv)
    for path in (args.captions, args.engagement):
        if not path.exists():
            sys.exit(f"{path}: not found (the evaluation data is read by path, not shipped)")

    def posts() -> Iterator[tuple[str, int, str]]:
        yield from caption_posts(args.captions)
        yield from tweet_posts(args.engagement)

    hits = list(find_hits(posts()))
    if args.show:
        for h in hits:
            print(f"{h.source},{h.row},{h.rule}: {h.text!r}")
            for message in h.messages:
                print(f"    {message}")
        print()
    unjudged = report(hits, read_judgements(args.judgements))
    return 1 if unjudged else 0


if __name__ == "__main__":
    sys.exit(main())
