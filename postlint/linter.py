"""The linter core: lint(source, rules) → problems. Pure: no I/O, no printing.

The linter, not the kind, stamps rule name, severity and message on what a kind found
(yamllint's separation), maps post offsets back to file lines and columns, applies
disable directives, and turns a kind's fix into file edits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from postlint.drafts import Post, Source
from postlint.kinds import Hit, did_you_mean, options_as_dict
from postlint.packs import Rule

#: analysis needs that require the spaCy pipeline (postlint.nlp)
NLP_NEEDS = frozenset({"tokens", "lemmas", "pos", "entities"})

#: pseudo-rules the linter itself reports
DRAFT_ERROR = "draft-error"
DIRECTIVE_ERROR = "invalid-directive"
RULE_ERROR = "rule-error"


class FileEdit(NamedTuple):
    """Replace decoded file text [start, end) with `replacement` (already escaped)."""

    start: int
    end: int
    replacement: str


class FileFix(NamedTuple):
    """A fix in file offsets."""

    edits: tuple[FileEdit, ...]
    description: str
    safe: bool = True


class Problem(NamedTuple):
    """One reported problem, located in the original file."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    severity: str
    message: str
    post: int
    fix: FileFix | None = None
    data: Mapping[str, Any] = {}
    start: int = 0
    end: int = 0


@dataclass
class RunState:
    """What lives for one run across files: per-rule state of cross-post kinds."""

    states: dict[str, Any] = field(default_factory=dict)


def _escape(replacement: str, escape: str) -> str | None:
    """Escape a replacement for the container the post text lives in (None: impossible)."""
    if escape == "csv-quoted":
        return replacement.replace('"', '""')
    if escape == "csv":
        return None if any(c in replacement for c in ',;\t"\r\n') else replacement
    if escape == "json":
        return json.dumps(replacement, ensure_ascii=False)[1:-1]
    return replacement


def _file_fix(post: Post, hit: Hit) -> FileFix | None:
    if hit.fix is None:
        return None
    edits = []
    n = len(post.text)
    for edit in hit.fix.edits:
        replacement = _escape(edit.replacement, post.escape)
        if replacement is None:
            return None
        if edit.start == edit.end:
            at = (
                post.offsets.to_file(edit.start)
                if edit.start < n
                else post.offsets.to_file(n - 1) + 1
            )
            edits.append(FileEdit(at, at, replacement))
        else:
            start, end = post.offsets.span_to_file(edit.start, edit.end)
            edits.append(FileEdit(start, end, replacement))
    return FileFix(tuple(edits), hit.fix.description, hit.fix.safe)


class _Format(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message_for(rule: Rule, data: Mapping[str, Any]) -> str:
    """Fill the rule's message template from its options and what the kind measured."""
    values = _Format(options_as_dict(rule.options))
    values.update(data)
    return rule.message.format_map(values)


def applies(rule: Rule, post: Post) -> bool:
    """Whether `rule` runs on `post` (its post kinds and platforms)."""
    if rule.post_kinds and post.kind not in rule.post_kinds:
        return False
    return not (rule.platforms and not any(p in rule.platforms for p in post.platforms))


def _problem_at(
    source: Source, message: str, line: int, column: int, rule: str, severity: str
) -> Problem:
    return Problem(source.display, line, column, line, column, rule, severity, message, -1)


def lint(
    source: Source,
    rules: Sequence[Rule],
    *,
    known_rules: Iterable[str] = (),
    state: RunState | None = None,
    nlp_settings: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """All problems of one draft source under `rules`, sorted by position."""
    state = state or RunState()
    problems = [
        _problem_at(source, message, line, column, DRAFT_ERROR, "error")
        for message, line, column in source.errors
    ]
    known = set(known_rules) or {r.name for r in rules}
    for line, column, name in source.directives.mentioned:
        if name not in known:
            problems.append(
                _problem_at(
                    source,
                    f"unknown rule {name!r} in directive{did_you_mean(name, known)}",
                    line,
                    column,
                    DIRECTIVE_ERROR,
                    "warning",
                )
            )
    if not source.posts or not rules:
        return sorted(problems, key=_order)
    needs = frozenset().union(*(r.needs for r in rules))
    if needs & NLP_NEEDS:
        from postlint import nlp  # type: ignore[attr-defined]  # until the NLP layer lands

        nlp.annotate(source.posts, needs, nlp_settings or {})
    directives = source.directives
    for post in source.posts:
        for rule in rules:
            if not applies(rule, post):
                continue
            if directives.file_rules and (
                "*" in directives.file_rules or rule.name in directives.file_rules
            ):
                continue
            for hit in _hits(rule, post, state, source, problems):
                start, end = post.offsets.span_to_file(hit.start, hit.end)
                line, column = source.line_col(start)
                if not directives.empty and directives.disabled(rule.name, line):
                    continue
                end_line, end_column = source.line_col(end)
                problems.append(
                    Problem(
                        source.display,
                        line,
                        column,
                        end_line,
                        end_column,
                        rule.name,
                        rule.severity,
                        message_for(rule, hit.data),
                        post.index,
                        _file_fix(post, hit),
                        hit.data,
                        start,
                        end,
                    )
                )
    return sorted(problems, key=_order)


def _hits(
    rule: Rule, post: Post, state: RunState, source: Source, problems: list[Problem]
) -> list[Hit]:
    module = rule.module
    try:
        if hasattr(module, "new_state"):
            if rule.name not in state.states:
                state.states[rule.name] = module.new_state()
            return list(module.check(post, rule.options, state.states[rule.name]))
        return list(module.check(post, rule.options))
    except TimeoutError:
        line, column = source.line_col(post.offsets.to_file(0))
        problems.append(
            _problem_at(
                source,
                f"rule {rule.name} ({rule.path}): a pattern took too long on this post and "
                "was stopped; simplify the rule's regular expression",
                line,
                column,
                RULE_ERROR,
                "error",
            )
        )
        return []


def _order(p: Problem) -> tuple[int, int, str]:
    return (p.line, p.column, p.rule)
