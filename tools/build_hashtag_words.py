"""Build the word lists the `hashtag-case` kind reads, in postlint/data/words/.

Source: SymSpell's English frequency dictionary (`frequency_dictionary_en_82_765.txt`, shipped in
the `symspellpy` wheel, MIT licence). Keeps its lowercase ASCII words in order of frequency:

- `en.txt`: the 40,000 most frequent (the rank is the line number); the kind splits hashtags
  with them and scores a split by word rank;
- `en-rare.txt`: all the rest; the kind only asks whether a whole hashtag is one of them
  (#foodie, #melanin are words, not foo|die and mel|an|in).

Usage: pip download symspellpy==6.9.0 --no-deps -d /tmp/ssp && unzip the wheel, then
    python tools/build_hashtag_words.py /tmp/ssp/symspellpy/frequency_dictionary_en_82_765.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

KEEP = 40_000
FOLDER = Path(__file__).resolve().parent.parent / "postlint" / "data" / "words"


def main(source: str) -> None:
    words: list[str] = []
    for line in Path(source).read_text(encoding="utf-8").splitlines():
        word = line.split(" ", 1)[0]
        if re.fullmatch(r"[a-z]+", word) and word not in words[-1:]:
            words.append(word)
    for name, part in (("en.txt", words[:KEEP]), ("en-rare.txt", words[KEEP:])):
        (FOLDER / name).write_text("\n".join(part) + "\n", encoding="utf-8")
        print(f"{len(part)} words → {FOLDER / name}")


if __name__ == "__main__":
    main(sys.argv[1])
