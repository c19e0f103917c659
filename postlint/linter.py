"""The linter core: lint(source, rules) → problems. Pure: no I/O, no printing.

The linter, not the kind, stamps rule name, severity and message on what a kind found
(yamllint's separation), maps post offsets back to file lines and columns, applies
disable directives, and turns a kind's fix into file edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

from postlint.drafts import Post, Source
from postlint.errors import did_you_mean
from postlint.kinds import Hit, options_as_dict
from postlint.nlp import NLP_NEEDS  # the needs only spaCy serves (nlp.py imports no spaCy)
from postlint.packs import Rule

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
    """What lives for one run across files: per-rule state of cross-post kinds, and the
    rules stopped for taking too long or for a message they cannot fill (skipped for the
    rest of the run, so a hostile pattern costs one time limit, not one per post)."""

    states: dict[str, Any] = field(default_factory=dict)
    broken_rules: set[str] = field(default_factory=set)
    #: a kind's module → whether it is cross-post (`new_state`) and its `prepare` or None,
    #: asked once (`hasattr` on a module that lacks the name raises and catches inside)
    kinds: dict[Any, tuple[bool, Any]] = field(default_factory=dict)


def _escape(replacement: str, escape: str, newline: str = "\n") -> str | None:
    """Escape a replacement for the container the post text lives in (None: impossible),
    with its line breaks written in the file's line ending."""
    if newline != "\n" and escape != "json":
        replacement = replacement.replace("\n", newline)
    if escape == "csv-quoted":
        return replacement.replace('"', '""')
    if escape == "csv":
        return None if any(c in replacement for c in ',;\t"\r\n') else replacement
    if escape == "json":
        import json  # only for fixes in JSONL drafts: not at start-up

        return json.dumps(replacement, ensure_ascii=False)[1:-1]
    return replacement


def _raw_length(text: str, at: int, char: str, escape: str) -> int:
    """How many characters of the file text at `at` the post character `char` came
    from: a JSON escape (`\\n`, `\\u00e9`, a surrogate pair), a doubled CSV quote, a CRLF."""
    if escape == "json" and text.startswith("\\", at):
        if not text.startswith("\\u", at):
            return 2
        pair = ord(char) > 0xFFFF and text.startswith("\\u", at + 6)
        return 12 if pair else 6
    if escape == "csv-quoted" and char == '"' and text.startswith('""', at):
        return 2
    if char == "\n" and text.startswith("\r\n", at):
        return 2
    return 1


def _file_span(post: Post, text: str, start: int, end: int) -> tuple[int, int] | None:
    """File offsets of the post span [start, end) for an edit, or None when the span is
    not one stretch of the file (a directive or a thread separator lies inside it)."""
    n = len(post.text)
    if start == end:
        if start < n:
            at = post.offsets.to_file(start)
            return at, at
        last = post.offsets.to_file(n - 1)
        at = last + _raw_length(text, last, post.text[n - 1], post.escape)
        return at, at
    file_start = post.offsets.to_file(start)
    pos = file_start
    for i in range(start, end):
        at = post.offsets.to_file(i)
        if at != pos:
            return None
        pos = at + _raw_length(text, at, post.text[i], post.escape)
    return file_start, pos


def _newline(text: str) -> str:
    match = _LINE_END.search(text)
    return match.group() if match else "\n"


_LINE_END = re.compile(r"\r\n|\r|\n")


def _file_fix(post: Post, hit: Hit, text: str = "") -> FileFix | None:
    """A kind's fix in file offsets of `text` (the decoded file); None when an edit
    cannot be written back without touching bytes outside it."""
    if hit.fix is None:
        return None
    edits = []
    newline = _newline(text)
    for edit in hit.fix.edits:
        if not 0 <= edit.start <= edit.end <= len(post.text):
            return None
        replacement = _escape(edit.replacement, post.escape, newline)
        if replacement is None:
            return None
        span = _file_span(post, text, edit.start, edit.end)
        if span is None:
            return None
        edits.append(FileEdit(span[0], span[1], replacement))
    return FileFix(tuple(edits), hit.fix.description, hit.fix.safe)


class _Format(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message_for(
    rule: Rule, data: Mapping[str, Any], options: Mapping[str, Any] | None = None
) -> str:
    """Fill the rule's message template from its options and what the kind measured
    (`options`: the rule's options as a dict, when the caller already has them)."""
    values = _Format(options_as_dict(rule.options) if options is None else options)
    values.update(data)
    return rule.message.format_map(values)


def nlp_needs(rules: Iterable[Rule]) -> frozenset[str]:
    """What of the spaCy pipeline `rules` need (empty: no NLP at all)."""
    return frozenset().union(*(r.needs for r in rules)) & NLP_NEEDS


def is_cross_post(rule: Rule) -> bool:
    """Whether the rule's kind keeps state across posts (`new_state`, e.g. duplicates)."""
    return hasattr(rule.module, "new_state")


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
    rules_only: bool = False,
    annotated: bool = False,
) -> list[Problem]:
    """All problems of one draft source under `rules`, sorted by position.

    `rules_only`: report what the rules find, not the draft's own errors and directive
    mistakes (the parallel runner lints a file's cross-post rules in a second pass).
    `annotated`: the posts already carry their spaCy docs for these rules' needs (the
    runner annotates many small files' posts in one batch, see `nlp_needs`).
    """
    state = state or RunState()
    problems = [
        _problem_at(source, message, line, column, DRAFT_ERROR, "error")
        for message, line, column in (() if rules_only else source.errors)
    ]
    known = set(known_rules) or {r.name for r in rules}
    for line, column, name in () if rules_only else source.directives.mentioned:
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
    needs = nlp_needs(rules)
    if needs and not annotated:
        from postlint import nlp

        nlp.annotate(source.posts, needs, nlp_settings or {})
    directives = source.directives
    # everything about a rule that does not depend on the post, once per source: the
    # loop below runs (posts x rules) times
    prepared = [
        _prepare(rule, state)
        for rule in rules
        if not (
            directives.file_rules
            and ("*" in directives.file_rules or rule.name in directives.file_rules)
        )
    ]
    broken = state.broken_rules
    text = source.text
    display = source.display
    line_col = source.line_col
    disabled = None if directives.empty else directives.disabled
    for post in source.posts:
        offsets = post.offsets
        for rule, always, option_values, check, cross in prepared:
            if not always and not applies(rule, post):
                continue
            if rule.name in broken:
                continue
            try:
                if cross:
                    hits = list(check(post, rule.options, _rule_state(rule, state)))
                else:
                    hits = list(check(post, rule.options))
            except TimeoutError:
                _stopped(rule, post, state, source, problems)
                continue
            for hit in hits:
                start, end = offsets.span_to_file(hit.start, hit.end)
                line, column = line_col(start)
                if disabled is not None and disabled(rule.name, line):
                    continue
                try:
                    message = message_for(rule, hit.data, option_values)
                except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
                    # templates are checked when rules load; a value of a type no check
                    # foresaw is this rule's error, never a crash
                    broken.add(rule.name)
                    problems.append(
                        _problem_at(
                            source,
                            f"rule {rule.name} ({rule.path}): message: the template "
                            f"{rule.message!r} cannot be filled ({exc}); the rule is skipped "
                            "for the rest of the run",
                            line,
                            column,
                            RULE_ERROR,
                            "error",
                        )
                    )
                    break
                end_line, end_column = line_col(end)
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        end_line,
                        end_column,
                        rule.name,
                        rule.severity,
                        message,
                        post.index,
                        None if hit.fix is None else _file_fix(post, hit, text),
                        hit.data,
                        start,
                        end,
                    )
                )
    problems.sort(key=_order)
    return problems


def _prepare(rule: Rule, state: RunState) -> tuple[Rule, bool, dict[str, Any], Any, bool]:
    """A rule as the lint loop uses it: whether it runs on every post (no post kinds or
    platforms to ask about), its options as message values, its kind's `check` (or what
    the kind's `prepare` gives for this source: per-source work done once), and whether
    the kind is cross-post (what the kind offers is recorded in `state`, asked once)."""
    module = rule.module
    known = state.kinds.get(module)
    if known is None:
        known = state.kinds[module] = (
            hasattr(module, "new_state"),
            getattr(module, "prepare", None),
        )
    cross, prepare = known
    always = not rule.post_kinds and not rule.platforms
    check = module.check if prepare is None else prepare(rule.options)
    return rule, always, options_as_dict(rule.options), check, cross


def _rule_state(rule: Rule, state: RunState) -> Any:
    """The run's state of a cross-post rule (made on its first post)."""
    rule_state = state.states.get(rule.name)
    if rule_state is None:
        rule_state = state.states[rule.name] = rule.module.new_state()
    return rule_state


def _stopped(
    rule: Rule, post: Post, state: RunState, source: Source, problems: list[Problem]
) -> None:
    """Report a rule whose pattern took too long on `post`; it is skipped from now on."""
    state.broken_rules.add(rule.name)
    line, column = source.line_col(post.offsets.to_file(0))
    problems.append(
        _problem_at(
            source,
            f"rule {rule.name} ({rule.path}): a pattern took too long on this post and "
            "was stopped; the rule is skipped for the rest of the run; simplify its "
            "regular expression",
            line,
            column,
            RULE_ERROR,
            "error",
        )
    )


#: problems sort by position, then rule name (a C-level key, same tuples as a lambda)
_order = attrgetter("line", "column", "rule")
