"""`text` (default): problems grouped by file, the offending line with a marker under the
span, and a summary. Colour only on a terminal (the CLI decides, honouring NO_COLOR)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, TextIO

from postlint.report import plural

if TYPE_CHECKING:
    from postlint.linter import Problem
    from postlint.report import Summary
    from postlint.runner import Result

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}
_MAX_WIDTH = 100


def _width(text: str) -> int:
    """Terminal cells taken by `text` (wide emoji and CJK take two, marks none)."""
    if text.isascii():  # one cell per character: no wide or combining ones in ASCII
        return len(text)
    # ASCII characters take one cell each; look only at the others (found in C)
    others = _NON_ASCII.findall(text)
    return len(text) - len(others) + sum(_cells(ch) for ch in others)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def _cells(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200d\ufe0f\ufe0e":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def snippet(line_text: str, column: int, end_column: int | None) -> tuple[str, str]:
    """The line (clipped around the span when long) and its marker line."""
    start = column - 1
    end = len(line_text) if end_column is None else max(end_column - 1, start + 1)
    end = min(end, max(len(line_text), start + 1))
    offset = 0
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


class Reporter:
    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream
        self.color = color
        self._open: str | None = None

    def _style(self, text: str, **kwargs: object) -> str:
        if not self.color:
            return text
        import click  # only for colour: the plain run imports no click (postlint.cli)

        return click.style(text, **kwargs)  # type: ignore[arg-type]

    def file(self, result: Result) -> None:
        # a big export comes in parts: one heading, one blank line after its last part
        out = self.stream
        display = result.source.display
        if result.problems:
            if self._open != display:
                out.write(self._style(display, bold=True, underline=True) + "\n")
                self._open = display
            for p in result.problems:
                self._problem(result, p)
        if result.final and self._open == display:
            out.write("\n")
            self._open = None

    def _problem(self, result: Result, p: Problem) -> None:
        out = self.stream
        position = f"{p.line}:{p.column}"
        severity = self._style(p.severity, fg=_COLORS.get(p.severity), bold=True)
        pad = " " * (7 - len(p.severity))
        fixable = self._style(" [*]", fg="cyan") if p.fix is not None else ""
        rule = self._style(f"[{p.rule}]", dim=True)
        out.write(f"  {position:<7} {severity}{pad}  {p.message}  {rule}{fixable}\n")
        line_text = result.source.line_text(p.line)
        if not line_text.strip():
            return
        end_column = p.end_column if p.end_line == p.line else None
        shown, marker = snippet(line_text, p.column, end_column)
        gutter = str(p.line)
        out.write(f"  {gutter:>5} │ {shown}\n")
        out.write(f"  {'':>5} │ {self._style(marker, fg=_COLORS.get(p.severity))}\n")

    def finish(self, summary: Summary) -> None:
        out = self.stream
        if summary.total == 0:
            out.write(self._style("All clear", fg="green", bold=True))
            out.write(f": no problems in {plural(summary.files, 'file')}.\n")
            return
        parts = [
            plural(summary.by_severity[s], s)
            for s in ("error", "warning", "info")
            if summary.by_severity[s]
        ]
        line = (
            f"Found {plural(summary.total, 'problem')} ({', '.join(parts)}) in "
            f"{summary.files_with_problems} of {plural(summary.files, 'file')}"
        )
        if summary.fixed:
            line += f"; fixed {summary.fixed}"
        if summary.fixable:
            line += f"; {summary.fixable} fixable with --fix"
        out.write(self._style(line, bold=True) + ".\n")
