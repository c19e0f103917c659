"""Benchmark corpora: realistic captions generated in code (or read from a path given on
the command line), written as the single draft, caption files, CSV exports and draft trees
that `benchmarks/run.py` lints with postlint and its peers.

Nothing here is copied into the repository: a caption file given with `--captions` is read
by path, and every corpus is written under the output folder (a temporary folder by default).

    python benchmarks/corpora.py OUT [--captions PATH] [--seed N]
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

# Building blocks of generated captions: the shapes brand and creator captions take
# (a hook, a detail, a call to action, hashtags, mentions, links, emoji), so every rule
# kind (length, count, phrases, humour) has real work on every post.
_HOOKS = (
    "New drop alert",
    "Slow Sunday by the harbour with a flat white",
    "POV: you finally tried our cold brew",
    "Behind the scenes at today's shoot",
    "We asked, you answered",
    "Three reasons to love autumn",
    "Nobody: me at 6am with a latte",
    "Season 4 lands this Friday",
    "Throwback to the best weekend of the summer",
    "Our team just hit a milestone",
    "Why did the barista quit? Too much pressure",
    "Fresh out of the oven",
    "Can't stop thinking about this view",
    "Weekend plans sorted",
)
_DETAILS = (
    "with the whole crew",
    "at the new store on 5th Avenue",
    "and honestly it was worth the wait",
    "thanks to everyone who showed up",
    "limited stock, so be quick",
    "swipe to see the before and after",
    "link in bio for the full story",
    "more on our blog",
    "the recipe is easier than you think",
    "sound on for this one",
    "",
)
_CTAS = (
    "Tag a friend who needs this!",
    "Tag your bestie",
    "Share this with someone who gets it",
    "Which one is your favourite?",
    "Drop a comment below",
    "Double tap if you agree",
    "",
    "",
)
_HASHTAGS = (
    "#friends", "#bff", "#celebrate", "#blessed", "#sundayfunday", "#coffee", "#travel",
    "#foodie", "#ootd", "#tbt", "#motivation", "#fitness", "#nature", "#love", "#instagood",
)  # fmt: skip
_MENTIONS = ("@user", "@netflix", "@stranger_things", "@jane_doe", "@cafe_luna", "@team")
_EMOJI = ("😂", "🔥", "❤️", "✨", "🙌", "😍", "☕", "🍕", "👩‍👩‍👧", "🇫🇷", "👍🏽", "🎉", "🙃", "🌞")
_LINKS = ("https://example.com/spring", "example.org/menu", "https://t.co/abc123XYZ", "")


def generated_captions(count: int, seed: int = 8) -> list[str]:
    """`count` realistic captions built from the blocks above (deterministic per seed)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [rng.choice(_HOOKS)]
        detail = rng.choice(_DETAILS)
        if detail:
            parts[0] += " " + detail
        if rng.random() < 0.5:
            parts[0] += " " + " ".join(rng.choices(_EMOJI, k=rng.randint(1, 3)))
        parts.append(rng.choice(_CTAS))
        if rng.random() < 0.5:
            parts.append(" ".join(rng.sample(_MENTIONS, rng.randint(1, 2))))
        link = rng.choice(_LINKS)
        if link:
            parts.append(link)
        if rng.random() < 0.7:
            parts.append(" ".join(rng.sample(_HASHTAGS, rng.randint(1, 6))))
        out.append(" ".join(p for p in parts if p))
    return out


def read_captions(path: Path) -> list[str]:
    """One caption per non-empty line of a UTF-8 text file (read by path, never copied)."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        return [line.strip() for line in fh if line.strip()]


def captions(count: int, source: Path | None = None, seed: int = 8) -> list[str]:
    """`count` captions: from `source` (cycled when it is shorter) or generated."""
    if source is None:
        return generated_captions(count, seed)
    pool = read_captions(source)
    if not pool:
        raise SystemExit(f"{source}: no captions")
    return [pool[i % len(pool)] for i in range(count)]


def write_lines(path: Path, texts: Sequence[str]) -> Path:
    """One caption per line (what proselint and textlint read as one document)."""
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, texts: Sequence[str]) -> Path:
    """A scheduler-style export: id, platform, scheduled time and the caption."""
    platforms = ("instagram", "x", "facebook", "linkedin")
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "platform", "scheduled", "text"])
        for i, text in enumerate(texts):
            day = 1 + i % 28
            writer.writerow([i + 1, platforms[i % 4], f"2026-03-{day:02d} 09:00", text])
    return path


def _tree_files(texts: Sequence[str]) -> Iterator[tuple[str, str]]:
    for i, text in enumerate(texts):
        folder = f"campaign-{i // 250:03d}"
        if i % 3 == 0:
            yield f"{folder}/post-{i:05d}.md", f"---\nplatform: instagram\n---\n{text}\n"
        else:
            yield f"{folder}/post-{i:05d}.txt", text + "\n"


def write_tree(root: Path, texts: Sequence[str]) -> Path:
    """A content repo: one draft per caption (.txt, and .md with front matter), 250 a folder."""
    for name, body in _tree_files(texts):
        file = root / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(body, encoding="utf-8")
    return root


def build(
    out: Path,
    source: Path | None = None,
    seed: int = 8,
    *,
    csv_rows: Sequence[int] = (20_000, 100_000),
    tree_files: Sequence[int] = (2_000, 10_000),
) -> dict[str, Path]:
    """Write every corpus under `out`; returns name → path."""
    out.mkdir(parents=True, exist_ok=True)
    biggest = max((1_000, *csv_rows, *tree_files))
    texts = captions(biggest, source, seed)
    paths = {
        "single": write_lines(out / "single.txt", [generated_captions(1, seed)[0]]),
        "lines-1000": write_lines(out / "captions-1000.txt", texts[:1000]),
        "csv-1000": write_csv(out / "captions-1000.csv", texts[:1000]),
    }
    for rows in csv_rows:
        paths[f"csv-{rows}"] = write_csv(out / f"export-{rows}.csv", texts[:rows])
    for files in tree_files:
        paths[f"tree-{files}"] = write_tree(out / f"tree-{files}", texts[:files])
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the corpora into")
    parser.add_argument("--captions", type=Path, help="caption file, one per line (read only)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    for name, path in build(args.out, args.captions, args.seed).items():
        print(f"{name:12} {path}")


if __name__ == "__main__":
    main()
