"""`text` (default): problems grouped by file, the offending line with a marker under the
span, and a summary. Colour only on a terminal (the CLI decides, honouring NO_COLOR)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING, TextIO

from postlint.report import plural

if TYPE_CHECKING:
    from postlint.drafts import Source
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
    return len(text) - len(others) + sum(map(_cells, others))


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
    width = _width(line_text)  # measured again only when the line was clipped
    if width > _MAX_WIDTH and start > _MAX_WIDTH // 2:
        offset = start - 20
        line_text = "…" + line_text[offset:]
        start, end = start - offset + 1, end - offset + 1
        width = _width(line_text)
    if width > _MAX_WIDTH:
        line_text = line_text[: _MAX_WIDTH - 1] + "…"
        end = min(end, _MAX_WIDTH)
    if "\t" in line_text:
        line_text = line_text.replace("\t", " ")
    if line_text.isascii():  # one cell per character, so each width is a length
        return line_text, " " * len(line_text[:start]) + "^" * max(1, len(line_text[start:end]))
    marker = " " * _width(line_text[:start]) + "^" * max(1, _width(line_text[start:end]))
    return line_text, marker


class Reporter:
    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream
        self.color = color
        self._open: str | None = None
        #: (severity, rule, fixable) → the styled text before and after the message
        self._styles: dict[tuple[str, str, bool], tuple[str, str]] = {}
        self._last_line: tuple[Source | None, int, str] = (None, 0, "")

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
        severity = p.severity
        styles = self._styles.get((severity, p.rule, p.fix is not None))
        if styles is None:  # styled once per severity, rule and fixability, not per problem
            styles = self._styles[severity, p.rule, p.fix is not None] = (
                self._style(severity, fg=_COLORS.get(severity), bold=True)
                + " " * (7 - len(severity)),
                self._style(f"[{p.rule}]", dim=True)
                + (self._style(" [*]", fg="cyan") if p.fix is not None else ""),
            )
        head, tail = styles
        position = f"{p.line}:{p.column}"
        text = f"  {position:<7} {head}  {p.message}  {tail}\n"
        line_text = self._line_text(result, p.line)
        if line_text.strip():
            end_column = p.end_column if p.end_line == p.line else None
            shown, marker = snippet(line_text, p.column, end_column)
            gutter = str(p.line)
            marker = self._style(marker, fg=_COLORS.get(severity))
            text += f"  {gutter:>5} │ {shown}\n  {'':>5} │ {marker}\n"
        self.stream.write(text)

    def _line_text(self, result: Result, line: int) -> str:
        """The source line (the last one asked for is kept: a post's problems come
        together, mostly on its one line)."""
        source, last, text = self._last_line
        if source is not result.source or last != line:
            text = result.source.line_text(line)
            self._last_line = (result.source, line, text)
        return text

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
