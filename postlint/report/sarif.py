"""`sarif`: one SARIF 2.1.0 log for code scanning (GitHub, Azure DevOps, IDE viewers).

Written to the OASIS SARIF 2.1.0 schema (tests validate the output against it,
tests/data/sarif/). Columns are 1-based code points, declared with
`run.columnKind = "unicodeCodePoints"` (SARIF §3.14.17); end columns are exclusive,
as in SARIF (§3.30.8: "the column following the end of the region").
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from postlint import __version__
from postlint.linter import DIRECTIVE_ERROR, DRAFT_ERROR, RULE_ERROR

if TYPE_CHECKING:
    from postlint.linter import Problem
    from postlint.packs import Catalog, Rule
    from postlint.report import Summary
    from postlint.runner import Result

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

#: postlint severity → SARIF `level` (§3.27.10: error, warning, note, none)
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

#: problems the linter itself reports, which have no rule file
PSEUDO_RULES = {
    DRAFT_ERROR: (
        "The draft file cannot be read or parsed (encoding, front matter, CSV or JSON).",
        "A draft postlint cannot read is a draft it cannot check; fix the file first.",
        "error",
    ),
    DIRECTIVE_ERROR: (
        "A postlint directive names a rule that does not exist.",
        "A misspelled rule name in a disable directive silently disables nothing.",
        "warning",
    ),
    RULE_ERROR: (
        "A rule could not run on a post (for example, its pattern took too long).",
        "A check that did not run is a check that did not pass; fix the rule.",
        "error",
    ),
}


def artifact_uri(path: str) -> str:
    """A draft's path as a SARIF artifact URI: relative with forward slashes, or file://."""
    if os.path.isabs(path):
        return PurePath(path).as_uri()
    return quote(path.replace(os.sep, "/"), safe="/-_.~")


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text[: end + 1] if end >= 0 else text


def _region(source: Any, start: int, end: int) -> dict[str, int]:
    line, column = source.line_col(start)
    end_line, end_column = source.line_col(end)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


class Reporter:
    """Collects results per file; writes the whole log when the run finishes."""

    def __init__(self, stream: TextIO, color: bool) -> None:
        self.stream = stream
        self.results: list[dict[str, Any]] = []
        self.rules: dict[str, dict[str, Any]] = {}
        self._catalogs: dict[tuple[Any, ...], Catalog] = {}

    def _catalog(self, result: Result) -> Catalog:
        from postlint.packs import builtin_catalog

        key = tuple(result.config.packs)
        if key not in self._catalogs:
            self._catalogs[key] = builtin_catalog(result.config.packs)
        return self._catalogs[key]

    def _rule(self, name: str, result: Result) -> int:
        """The index of rule `name` in tool.driver.rules (added on first use)."""
        if name not in self.rules:
            self.rules[name] = self._descriptor(name, result)
        return list(self.rules).index(name)

    def _descriptor(self, name: str, result: Result) -> dict[str, Any]:
        if name in PSEUDO_RULES:
            what, why, severity = PSEUDO_RULES[name]
            return {
                "id": name,
                "shortDescription": {"text": what},
                "fullDescription": {"text": what},
                "help": {"text": why},
                "defaultConfiguration": {"level": LEVELS[severity]},
            }
        catalog = self._catalog(result)
        rule: Rule | None = catalog.rules.get(name)
        if rule is None:
            catalog.add_plugins()
            rule = catalog.rules.get(name)
        if rule is None:
            return {"id": name}
        doc = rule.doc
        markdown = (
            f"{doc.why}\n\nExample:\n\n    {doc.example}\n\nUse instead:\n\n    {doc.use_instead}"
        )
        return {
            "id": name,
            "name": name,
            "shortDescription": {"text": _first_sentence(doc.what)},
            "fullDescription": {"text": " ".join(doc.what.split())},
            "help": {"text": " ".join(doc.why.split()), "markdown": markdown},
            "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
            "properties": {"tags": [rule.pack, rule.kind]},
        }

    def file(self, result: Result) -> None:
        for p in result.problems:
            self.results.append(self._result(p, result))

    def _result(self, p: Problem, result: Result) -> dict[str, Any]:
        uri = artifact_uri(p.path)
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {
                    "startLine": p.line,
                    "startColumn": p.column,
                    "endLine": p.end_line,
                    "endColumn": p.end_column,
                },
            }
        }
        out: dict[str, Any] = {
            "ruleId": p.rule,
            "ruleIndex": self._rule(p.rule, result),
            "level": LEVELS.get(p.severity, "warning"),
            "message": {"text": p.message},
            "locations": [location],
        }
        if p.fix is not None:
            replacements = [
                {
                    "deletedRegion": _region(result.source, e.start, e.end),
                    "insertedContent": {"text": e.replacement},
                }
                for e in p.fix.edits
            ]
            out["fixes"] = [
                {
                    "description": {"text": p.fix.description},
                    "artifactChanges": [
                        {"artifactLocation": {"uri": uri}, "replacements": replacements}
                    ],
                }
            ]
        return out

    def finish(self, summary: Summary) -> None:
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "postlint",
                            "version": __version__,
                            "semanticVersion": __version__,
                            "rules": list(self.rules.values()),
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": self.results,
                }
            ],
        }
        self.stream.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
