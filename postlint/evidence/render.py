"""Present a report: a text table, the JSON document, one self-contained HTML page.

Every string that comes from the export (group names such as account names, column
names in the metric) is untrusted: HTML-escaped in `html`, control characters made
visible in `text`, and left to the JSON encoder in `json`.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from postlint.evidence.stats import RuleResult, format_p

FORMATS = ("text", "json", "html")

ASSOCIATION_NOTE = (
    "These are associations on this history, not causes: flagged and passed posts also "
    "differ in topic, timing, media and audience size at the time."
)


class Report(NamedTuple):
    """What `postlint report` found, ready to render."""

    metric: str
    normalize: str
    by: str | None
    posts: int
    skipped: dict[str, int]
    groups: list[str]
    results: list[RuleResult]
    min_posts: int
    seed: int
    resamples: int

    @property
    def tested(self) -> int:
        """How many rows entered the Benjamini-Hochberg family."""
        return sum(1 for result in self.results if result.tested)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def to_json(report: Report) -> str:
    """The JSON document: metric, posts, skipped, groups, rules (group null = pooled)."""
    document: dict[str, Any] = {
        "metric": report.metric,
        "posts": report.posts,
        "skipped": report.skipped,
        "groups": report.groups,
        "rules": [
            {
                "rule": r.rule,
                "group": r.group,
                "flagged": r.flagged,
                "passed": r.passed,
                "median_flagged": r.median_flagged,
                "median_passed": r.median_passed,
                "ratio": _finite(r.ratio),
                "ci_low": _finite(r.ci_low),
                "ci_high": _finite(r.ci_high),  # null when unbounded (a passed median of 0)
                "p_value": r.p_value,
                "p_adjusted": r.p_adjusted,
                "effect_size": r.effect_size,
                "verdict": r.verdict,
            }
            for r in report.results
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def format_value(value: float | None, normalized: bool) -> str:
    """A median as a reader wants it: `60,123`, `12.5`, `0.87` (normalised), `–`."""
    if value is None:
        return "–"
    if normalized or abs(value) < 10:
        return f"{value:.2f}"
    if abs(value) < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def format_ratio(value: float | None) -> str:
    """A ratio or CI bound with two decimals; `∞` for an unbounded CI end."""
    if value is None:
        return "–"
    return "∞" if math.isinf(value) else f"{value:.2f}"


def _ci(result: RuleResult) -> str:
    if result.ci_low is None or result.ci_high is None:
        return "–"
    return f"{format_ratio(result.ci_low)}–{format_ratio(result.ci_high)}"


def _p(value: float | None) -> str:
    return "–" if value is None else format_p(value).removeprefix("= ")


def _effect(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def printable(text: str) -> str:
    """Text safe for a terminal: control characters (escape codes…) shown escaped."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode() for char in text
    )


def metric_label(report: Report) -> str:
    """The metric as the table heads it, with its normalisation."""
    if report.normalize == "group-median":
        where = f"its {report.by}'s" if report.by else "the history's"
        return f"{report.metric} / {where} median"
    return report.metric


def summary_lines(report: Report) -> list[str]:
    """What was read and left out, and how the numbers were made."""
    skipped = (
        ", ".join(
            f"{count:,} {reason.replace('_', ' ')}"
            for reason, count in report.skipped.items()
            if count
        )
        or "none"
    )
    lines = [
        f"metric: {metric_label(report)}; {report.posts:,} posts"
        + (f" in {len(report.groups)} groups by {report.by}" if report.by else ""),
        f"left out: {skipped}",
        *(
            [
                f"{report.by}: {', '.join(report.groups[:20])}"
                + (" …" if len(report.groups) > 20 else "")
            ]
            if report.by
            else []
        ),
        f"ratio = median flagged / median passed, {report.resamples:,}-resample bootstrap "
        f"95% CI (seed {report.seed}); p_adj: Mann-Whitney U, Benjamini-Hochberg over the "
        f"{report.tested} rows tested; effect: rank-biserial (< 0: flagged posts ranked lower)",
    ]
    if report.by and report.normalize == "none" and len(report.groups) > 1:
        lines.append(
            "note: the pooled rows mix groups of different sizes; "
            "--normalize group-median compares each post with its own group"
        )
    return lines


_COLUMNS = (
    "group",
    "flagged",
    "passed",
    "med. flagged",
    "med. passed",
    "ratio",
    "95% CI",
    "p_adj",
    "effect",
)


def _cells(result: RuleResult, normalized: bool) -> list[str]:
    return [
        printable(result.group) if result.group is not None else "all posts",
        f"{result.flagged:,}",
        f"{result.passed:,}",
        format_value(result.median_flagged, normalized),
        format_value(result.median_passed, normalized),
        format_ratio(result.ratio),
        _ci(result),
        _p(result.p_adjusted),
        _effect(result.effect_size),
    ]


def _by_rule(results: Sequence[RuleResult]) -> dict[str, list[RuleResult]]:
    rules: dict[str, list[RuleResult]] = {}
    for result in results:
        rules.setdefault(result.rule, []).append(result)
    return rules


def split_untested(
    results: Sequence[RuleResult],
) -> tuple[dict[str, list[RuleResult]], dict[str, list[RuleResult]]]:
    """Rules with at least one tested row, and rules with none (shown in one line each)."""
    tested: dict[str, list[RuleResult]] = {}
    untested: dict[str, list[RuleResult]] = {}
    for rule, rows in _by_rule(results).items():
        (tested if any(row.tested for row in rows) else untested)[rule] = rows
    return tested, untested


def untested_line(rule: str, rows: Sequence[RuleResult]) -> str:
    """`alt-text: 0 flagged, 6,439 passed` (the pooled row's counts)."""
    pooled = rows[0]
    return f"{rule}: {pooled.flagged:,} flagged, {pooled.passed:,} passed"


def to_text(report: Report) -> str:
    """A table per tested rule (pooled row, then one per group) with each row's verdict;
    rules with too few posts on a side everywhere, one line each after them."""
    normalized = report.normalize != "none"
    lines = [f"postlint report: {printable(metric_label(report))}", ""]
    tested, untested = split_untested(report.results)
    table = [list(_COLUMNS)]
    for rows in tested.values():
        table.extend(_cells(result, normalized) for result in rows)
    widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = "  ".join(
            cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)
        )
        return f"  {first}  {rest}".rstrip()

    for rule, results in tested.items():
        lines.append(rule)
        lines.append(line(_COLUMNS))
        for result in results:
            lines.append(line(_cells(result, normalized)))
        for result in results:
            where = printable(result.group) if result.group is not None else "all posts"
            lines.append(f"  → {where}: {printable(result.verdict)}")
        lines.append("")
    if untested:
        lines.append(
            f"too few posts to test (fewer than {report.min_posts} flagged or passed in every row):"
        )
        lines += [f"  {untested_line(rule, rows)}" for rule, rows in untested.items()]
        lines.append("")
    if not report.results:
        lines += ["no rules to test", ""]
    lines += [printable(text) for text in summary_lines(report)]
    lines.append(ASSOCIATION_NOTE)
    return "\n".join(lines) + "\n"


_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;
max-width:1200px;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:right;vertical-align:top}
th:first-child,td:first-child,td.verdict,th.verdict{text-align:left}
tr.pooled td{font-weight:600;border-top:2px solid #999}
td.verdict{font-weight:400;max-width:34rem}
tr.evidence td.verdict{color:#0b5394}
img{max-width:100%;height:auto}
.meta{color:#555}
"""


def to_html(report: Report, picture_svg: bytes | None = None) -> str:
    """One self-contained page: summary, table, verdicts, the picture inlined."""
    e = html.escape
    normalized = report.normalize != "none"
    head = ["rule", *_COLUMNS, "verdict"]
    rows = []
    tested, untested = split_untested(report.results)
    for result in (row for group in tested.values() for row in group):
        cells = [result.rule, *_cells(result, normalized)]
        if result.group is not None:
            cells[1] = result.group  # unescaped original; escaped below like every cell
        classes = ["pooled"] if result.group is None else []
        if result.evidence:
            classes.append("evidence")
        tds = "".join(f"<td>{e(cell)}</td>" for cell in cells)
        rows.append(
            f'<tr class="{" ".join(classes)}">{tds}'
            f'<td class="verdict">{e(result.verdict)}</td></tr>'
        )
    picture = ""
    if picture_svg is not None:
        # As an <img> data URI the SVG cannot run script even if a label carried some.
        encoded = base64.b64encode(picture_svg).decode("ascii")
        picture = (
            f'<figure><img alt="{e(report.metric)} of flagged and passed posts per rule" '
            f'src="data:image/svg+xml;base64,{encoded}"></figure>'
        )
    untested_html = ""
    if untested:
        items = "".join(f"<li>{e(untested_line(rule, rs))}</li>" for rule, rs in untested.items())
        untested_html = (
            f"<p>Too few posts to test (fewer than {report.min_posts} flagged or passed in "
            f"every row):</p><ul>{items}</ul>"
        )
    meta = "".join(f'<p class="meta">{e(text)}</p>' for text in summary_lines(report))
    th = "".join(
        f'<th class="verdict">{e(name)}</th>' if name == "verdict" else f"<th>{e(name)}</th>"
        for name in head
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>postlint report: {e(metric_label(report))}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>postlint report: {e(metric_label(report))}</h1>{meta}"
        f"{picture}"
        f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{untested_html}"
        f"<p>{e(ASSOCIATION_NOTE)}</p>"
        "</body></html>\n"
    )


def render(report: Report, fmt: str, picture_svg: bytes | None = None) -> str:
    """The report in `fmt` (text, json or html)."""
    if fmt == "json":
        return to_json(report)
    if fmt == "html":
        return to_html(report, picture_svg)
    return to_text(report)
