"""Fuzz the draft readers: arbitrary bytes as .txt, .md, .csv and .jsonl must give posts,
problems or notices, never an exception, and every post's offsets must land inside the file.

Not collected by pytest (the name does not start with `test_`); run it for as long as you
like. With atheris installed it runs coverage-guided; otherwise it drives the same target
with hypothesis:

    python tests/fuzz_drafts.py [--examples N]          # hypothesis
    python tests/fuzz_drafts.py -atheris_runs=100000     # atheris, when installed
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from postlint.drafts import ReadSettings, read_source

SUFFIXES = (".txt", ".md", ".csv", ".jsonl")


def target(data: bytes) -> None:
    """One fuzz input: the first byte picks the reader, the rest is the file."""
    if not data:
        return
    name = "fuzz" + SUFFIXES[data[0] % len(SUFFIXES)]
    source = read_source(None, ReadSettings(), display=name, data=data[1:])
    size = len(source.text)
    for post in source.posts:
        if not post.text:
            raise AssertionError(f"empty post in {name}")
        start, end = post.offsets.span_to_file(0, len(post.text))
        if not 0 <= start <= end <= size:
            raise AssertionError(f"post span {start}..{end} outside a file of {size}")
        line, column = source.line_col(start)
        if line < 1 or column < 1:
            raise AssertionError(f"bad location {line}:{column}")
    for _message, line, column in source.errors:
        if line < 1 or column < 1:
            raise AssertionError(f"bad error location {line}:{column}")


def _with_hypothesis(examples: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    interesting = st.sampled_from(
        [b"---\n", b"+++\n", b'"', b'""', b",", b";", b"\t", b"\r\n", b"\r", b"\n", b"{", b"}",
         b'"text": ', b"\\u00e9", b"\\ud83d\\ude02", b"\\", b"<!-- postlint: disable -->",
         b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", "😂".encode(), "é".encode(), b"text,id\n"]
    )  # fmt: skip
    chunks = st.lists(st.one_of(interesting, st.binary(max_size=8)), max_size=40)

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(head=st.integers(0, 255), body=chunks)
    def run(head: int, body: list[bytes]) -> None:
        target(bytes([head]) + b"".join(body))

    run()
    print(f"fuzz_drafts: {examples} examples, no failure")


def main() -> None:
    try:
        import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        examples = 2000
        if "--examples" in sys.argv:
            examples = int(sys.argv[sys.argv.index("--examples") + 1])
        _with_hypothesis(examples)
        return
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
