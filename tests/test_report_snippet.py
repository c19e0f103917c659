"""The text report's snippet: its fast paths (a line measured once, an ASCII line measured
by its length) give what measuring every piece of the line gives."""

from __future__ import annotations

import pytest

from postlint.report.text import _MAX_WIDTH, _width, snippet


def measured(line_text: str, column: int, end_column: int | None) -> tuple[str, str]:
    """The snippet computed the plain way: every width measured, every time."""
    start = column - 1
    end = len(line_text) if end_column is None else max(end_column - 1, start + 1)
    end = min(end, max(len(line_text), start + 1))
    if _width(line_text) > _MAX_WIDTH and start > _MAX_WIDTH // 2:
        offset = start - 20
        line_text = "…" + line_text[offset:]
        start, end = start - offset + 1, end - offset + 1
    if _width(line_text) > _MAX_WIDTH:
        line_text = line_text[: _MAX_WIDTH - 1] + "…"
        end = min(end, _MAX_WIDTH)
    line_text = line_text.replace("\t", " ")
    marker = " " * _width(line_text[:start]) + "^" * max(1, _width(line_text[start:end]))
    return line_text, marker


LINES = [
    "",
    "short",
    "tab\there",
    "x" * 99,
    "x" * 100,
    "x" * 101,
    "y" * 250,
    '1,instagram,2026-03-01 09:00,"' + "walking through Venice " * 6 + '"',
    "Café ☕ 今日は 🎉🎉 #throwbackthursday " * 4,
    "e\u0301 combining and 👩\u200d👩\u200d👧 family" + " pad" * 30,
]


@pytest.mark.parametrize("line_text", LINES)
def test_snippet_matches_measuring_every_piece(line_text: str) -> None:
    n = len(line_text)
    columns = sorted({1, 2, n // 2 + 1, max(n - 1, 1), n + 1, 49, 51, 52, 120})
    for column in columns:
        for end_column in (None, column, column + 1, column + 7, n + 1, n + 5):
            assert snippet(line_text, column, end_column) == measured(
                line_text, column, end_column
            ), (column, end_column)
