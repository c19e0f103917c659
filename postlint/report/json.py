"""`json`: a JSON list of problem objects, streamed as files are linted."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from postlint.linter import Problem
    from postlint.report import Summary
    from postlint.runner import Result


def problem_dict(p: Problem, source: Any) -> dict[str, Any]:
    """A problem as a JSON object (fix edits located by line and column)."""
    fix = None
    if p.fix is not None:
        edits = []
        for e in p.fix.edits:
            line, column = source.line_col(e.start)
            end_line, end_column = source.line_col(e.end)
            edits.append(
                {
                    "line": line,
                    "column": column,
                    "end_line": end_line,
                    "end_column": end_column,
                    "content": e.replacement,
                }
            )
        fix = {
            "message": p.fix.description,
            "applicability": "safe" if p.fix.safe else "unsafe",
            "edits": edits,
        }
    data = {k: v for k, v in p.data.items() if isinstance(v, (str, int, float, bool, type(None)))}
    return {
        "path": p.path,
        "line": p.line,
        "column": p.column,
        "end_line": p.end_line,
        "end_column": p.end_column,
        "rule": p.rule,
        "severity": p.severity,
        "message": p.message,
        "post": p.post,
        "fix": fix,
        "data": data,
    }


class Reporter:
    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream
        self.first = True

    def file(self, result: Result) -> None:
        for p in result.problems:
            self.stream.write("[\n  " if self.first else ",\n  ")
            self.first = False
            self.stream.write(json.dumps(problem_dict(p, result.source), ensure_ascii=False))

    def finish(self, summary: Summary) -> None:
        self.stream.write("[]\n" if self.first else "\n]\n")
