"""List written training rows that nearly copy an evaluation text (word 3-gram Jaccard).

    python training/humour/leakage.py [--replies DIR] [--captions DIR] [--min 0.5]

The brand replies (`/work/shared/data/replies/`) and real captions
(`/work/shared/data/captions/`) are evaluation-only: no written example may be
modelled on one. This compares every row of `data/postlint-written.csv` with every
text there (CSV files: every text column; other files: one text per line), by the
Jaccard similarity of their sets of word 3-grams (lower-cased normalised words; a
text under three words is one n-gram of all its words), and prints the rows at or
above `--min` with the nearest evaluation text's file and line, never its text.
Exit status 1 when a row is listed, so it can guard a data change.

`--remove` deletes the listed rows and their cached teacher probabilities
(`data/teacher_probs.csv`, keyed by row number: the later written rows are
renumbered, so each keeps its own probability; the build would otherwise pair
rows with their neighbours' labels).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent.parent))

from postlint.humour_model import normalise  # noqa: E402

WRITTEN = HERE / "data" / "postlint-written.csv"
TEACHER = HERE / "data" / "teacher_probs.csv"
REPLIES = Path("/work/shared/data/replies")
CAPTIONS = Path("/work/shared/data/captions")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """The word 3-grams of a text (its words as one n-gram when it has fewer than three)."""
    words = _WORD.findall(normalise(text))
    if len(words) < 3:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def evaluation_texts(folders: list[Path]) -> Iterator[tuple[str, str]]:
    """(where, text) for every evaluation text: `file:line` (and the column, for CSV)."""
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix == ".csv":
                with open(path, encoding="utf-8", newline="") as f:
                    for line, row in enumerate(csv.DictReader(f), start=2):
                        for column, text in row.items():
                            if text and len(text.split()) > 1:
                                yield f"{path.name}:{line} ({column})", text
            elif path.suffix == ".txt":
                with open(path, encoding="utf-8") as f:
                    for line, text in enumerate(f, start=1):
                        yield f"{path.name}:{line}", text


def near_copies(
    written: list[str], folders: list[Path], minimum: float
) -> list[tuple[int, float, str]]:
    """(written row index, Jaccard, where) of the nearest evaluation text, for rows >= minimum."""
    grams = [shingles(t) for t in written]
    index: dict[tuple[str, ...], list[int]] = {}
    for i, g in enumerate(grams):
        for gram in g:
            index.setdefault(gram, []).append(i)
    best: dict[int, tuple[float, str]] = {}
    for where, text in evaluation_texts(folders):
        other = shingles(text)
        shared: dict[int, int] = {}
        for gram in other:
            for i in index.get(gram, ()):
                shared[i] = shared.get(i, 0) + 1
        for i, n in shared.items():
            jaccard = n / (len(grams[i]) + len(other) - n)
            if jaccard > best.get(i, (0.0, ""))[0]:
                best[i] = (jaccard, where)
    return sorted((i, j, w) for i, (j, w) in best.items() if j >= minimum)


def remove_rows(drop: set[int]) -> None:
    """Delete written rows (by index) and their teacher probabilities; renumber the rest."""
    with open(WRITTEN, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with open(WRITTEN, "w", encoding="utf-8", newline="") as f:
        kept = [r for i, r in enumerate(rows[1:]) if i not in drop]
        csv.writer(f, lineterminator="\n").writerows([rows[0], *kept])
    with open(TEACHER, encoding="utf-8", newline="") as f:
        probs = list(csv.reader(f))
    out = [probs[0]]
    written = 0
    for source, row, prob in probs[1:]:
        if source != "written":
            out.append([source, row, prob])
        elif int(row) not in drop:
            out.append([source, str(written), prob])
            written += 1
    if written != len(kept):
        raise SystemExit(f"{TEACHER}: {written} written rows, the CSV has {len(kept)}")
    with open(TEACHER, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


def main() -> None:
    """Print the flagged rows; exit 1 if there are any."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=Path, default=REPLIES)
    parser.add_argument("--captions", type=Path, default=CAPTIONS)
    parser.add_argument("--min", type=float, default=0.5, dest="minimum")
    parser.add_argument("--remove", action="store_true", help="delete the listed rows")
    args = parser.parse_args()
    with open(WRITTEN, encoding="utf-8", newline="") as f:
        written = [row["text"] for row in csv.DictReader(f)]
    flagged = near_copies(written, [args.replies, args.captions], args.minimum)
    for i, jaccard, where in flagged:
        # CSV line = row index + 2 (header line, 1-based)
        print(f"{WRITTEN.name}:{i + 2}: Jaccard {jaccard:.2f} with {where}: {written[i]}")
    print(f"{len(flagged)} of {len(written)} written rows at or above {args.minimum}")
    if args.remove and flagged:
        remove_rows({i for i, _, _ in flagged})
        print(f"removed {len(flagged)} rows and their teacher probabilities")
        return
    raise SystemExit(1 if flagged else 0)


if __name__ == "__main__":
    main()
