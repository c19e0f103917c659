"""Build postlint/data/words/en.txt, the word list the `hashtag-case` kind splits hashtags with.

Source: SymSpell's English frequency dictionary (`frequency_dictionary_en_82_765.txt`, shipped in
the `symspellpy` wheel, MIT licence). Keeps the most frequent lowercase ASCII words, in order of
frequency (the rank is the line number), so the kind can score a split by word rank.

Usage: pip download symspellpy==6.9.0 --no-deps -d /tmp/ssp && unzip the wheel, then
    python tools/build_hashtag_words.py /tmp/ssp/symspellpy/frequency_dictionary_en_82_765.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

KEEP = 40_000
OUT = Path(__file__).resolve().parent.parent / "postlint" / "data" / "words" / "en.txt"


def main(source: str) -> None:
    words: list[str] = []
    for line in Path(source).read_text(encoding="utf-8").splitlines():
        word = line.split(" ", 1)[0]
        if re.fullmatch(r"[a-z]+", word) and word not in words[-1:]:
            words.append(word)
        if len(words) == KEEP:
            break
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
