"""`github`: GitHub Actions workflow commands, one annotation per problem.

Format and escaping follow GitHub's "Workflow commands for GitHub Actions" (setting an
error / warning / notice message): `::warning file=…,line=…,col=…,endLine=…,
endColumn=…,title=…::message`. In the message `%`, CR and LF are escaped as `%25`,
`%0D`, `%0A`; in property values `:` and `,` are also escaped, as `%3A` and `%2C`
(the escaping of the runner's `ActionCommand`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from postlint.linter import Problem
    from postlint.report import Summary
    from postlint.runner import Result

#: postlint severity → workflow command
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(p: Problem) -> str:
    """One problem as a workflow command line."""
    command = COMMANDS.get(p.severity, "warning")
    properties = ",".join(
        f"{key}={value}"
        for key, value in (
            ("file", escape_property(p.path.replace("\\", "/"))),
            ("line", p.line),
            ("col", p.column),
            ("endLine", p.end_line),
            ("endColumn", p.end_column),
            ("title", escape_property(f"postlint ({p.rule})")),
        )
    )
    return f"::{command} {properties}::{escape_data(p.message)}"


class Reporter:
    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream

    def file(self, result: Result) -> None:
        for p in result.problems:
            self.stream.write(annotation(p) + "\n")

    def finish(self, summary: Summary) -> None:
        pass
