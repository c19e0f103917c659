"""`concise`: `path:line:col: severity [rule] message`, one line per problem (editors, grep)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from postlint.report import Summary
    from postlint.runner import Result


def line_for(path: str, line: int, column: int, severity: str, rule: str, message: str) -> str:
    """One problem as a concise line (newlines in the message folded)."""
    message = " ".join(message.split())
    return f"{path}:{line}:{column}: {severity} [{rule}] {message}"


class Reporter:
    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream

    def file(self, result: Result) -> None:
        for p in result.problems:
            self.stream.write(
                line_for(p.path, p.line, p.column, p.severity, p.rule, p.message) + "\n"
            )

    def finish(self, summary: Summary) -> None:
        pass
