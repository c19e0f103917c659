"""Output formats: one module per format, each with a `Reporter`; imported only when used."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from postlint.linter import Problem

#: format name → module; every module defines `Reporter(stream, color)`
FORMATS: dict[str, str] = {
    "text": "postlint.report.text",
    "concise": "postlint.report.concise",
    "json": "postlint.report.json",
    "sarif": "postlint.report.sarif",
    "github": "postlint.report.github",
}


@dataclass
class Summary:
    """Totals of one run, for the closing line and the exit code."""

    files: int = 0
    files_with_problems: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    rule_severity: dict[str, str] = field(default_factory=dict)
    fixable: int = 0
    fixed: int = 0
    #: whether the current file already counts as one with problems (parts of a big file)
    _counted: bool = False

    def add(self, problems: list[Problem], fixable: int, new_file: bool = True) -> None:
        """Count one linted file (`new_file` false: another part of the same big file)."""
        self.add_counts(problem_counts(problems), fixable, new_file)

    def add_counts(self, counts: tuple[Any, ...], fixable: int, new_file: bool = True) -> None:
        """Count one linted file from what its problems count as (`problem_counts`, or
        what a result replayed from the cache brings)."""
        by_severity, by_rule, rule_severity = counts[:3]
        self._file(new_file, bool(by_severity))
        for severity, n in by_severity.items():  # not Counter.update: a Python loop too
            self.by_severity[severity] += n
        for rule, n in by_rule.items():
            self.by_rule[rule] += n
        self.rule_severity.update(rule_severity)
        self.fixable += fixable

    def _file(self, new_file: bool, has_problems: bool) -> None:
        """Count a file, and once as a file with problems (a big file's parts count once)."""
        if new_file:
            self.files += 1
            self._counted = False
        if has_problems and not self._counted:
            self.files_with_problems += 1
            self._counted = True

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


def problem_counts(problems: Sequence[Any]) -> tuple[Any, ...]:
    """What the summary and the exit code take from a part's problems: (count by severity,
    count by rule, each rule's severity (the last seen), fixes, safe fixes), in the order
    the problems come (`Summary.add_counts` adds them; a result replayed from the cache
    brings them, kept in its entry)."""
    by_severity: dict[str, int] = {}
    by_rule: dict[str, int] = {}
    rule_severity: dict[str, str] = {}
    fixes = safe = 0
    for p in problems:
        by_severity[p.severity] = by_severity.get(p.severity, 0) + 1
        by_rule[p.rule] = by_rule.get(p.rule, 0) + 1
        rule_severity[p.rule] = p.severity
        if p.fix:
            fixes += 1
            safe += bool(p.fix.safe)
    return (by_severity, by_rule, rule_severity, fixes, safe)


class Reporter(Protocol):
    def __init__(self, stream: TextIO, color: bool) -> None: ...
    def file(self, result: Any) -> None: ...
    def finish(self, summary: Summary) -> None: ...


def get_reporter(name: str, stream: TextIO, color: bool) -> Reporter:
    """Build the reporter of format `name`."""
    module = importlib.import_module(FORMATS[name])
    reporter: Reporter = module.Reporter(stream, color)
    return reporter


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
