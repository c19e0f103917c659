"""Draw the report: per rule, flagged vs passed distributions and the ratio with its CI.

matplotlib (the `report` extra) is imported only here and only when a picture is
asked for; it draws on a bare `Figure` (Agg canvas), never touching pyplot's
global state, so it works headless and inside other programs.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from postlint.errors import EnvironmentProblem
from postlint.evidence.render import Report, format_ratio, format_value, metric_label
from postlint.evidence.stats import EXTRA_MESSAGE, RuleResult, format_p

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PICTURE_FORMATS = ("svg", "png")
FLAGGED_COLOUR = "#D55E00"  # Okabe-Ito vermillion and blue: safe for colour-blind readers
PASSED_COLOUR = "#0072B2"
GROUP_COLOURS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
MAX_GROUPS_DRAWN = len(GROUP_COLOURS)  # more would not fit under a rule's row: see the table
POINTS_PER_SIDE = 400  # a sample of the posts drawn as dots over each box


def require_matplotlib() -> None:
    """Stop with a clear message when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise EnvironmentProblem(EXTRA_MESSAGE) from exc


def _order(results: Sequence[RuleResult]) -> list[RuleResult]:
    """Pooled rows, strongest negative effect first; untested rules last, and only
    when no rule could be tested (a picture of empty rows says nothing)."""
    tested_rules = {result.rule for result in results if result.tested}
    pooled = [
        result
        for result in results
        if result.group is None and (result.rule in tested_rules or not tested_rules)
    ]
    return sorted(
        pooled,
        key=lambda r: (r.effect_size is None, r.effect_size if r.effect_size is not None else 0),
    )


def _literal(text: str) -> str:
    """Text from the export shown as typed: matplotlib reads `$...$` as math."""
    return text.replace("$", r"\$")


def _use_log(values: Sequence[float]) -> bool:
    """Log scale when the positive values span orders of magnitude (counts usually do)."""
    positive = sorted(value for value in values if value > 0)
    if len(positive) < 2 or len(positive) < 0.5 * len(values):
        return False
    low = positive[int(0.01 * (len(positive) - 1))]
    high = positive[int(0.99 * (len(positive) - 1))]
    median = positive[len(positive) // 2]
    return high / low >= 100 or positive[-1] / median >= 50


def figure_bytes(
    report: Report,
    values: Sequence[float],
    flags: Mapping[str, Sequence[bool]],
    fmt: str = "png",
) -> bytes:
    """The picture as SVG or PNG bytes (identical bytes for identical input)."""
    if fmt not in PICTURE_FORMATS:
        raise ValueError(f"picture format must be one of {PICTURE_FORMATS}")
    require_matplotlib()
    import matplotlib
    from matplotlib.figure import Figure

    rows = _order(report.results)
    height = 2.0 + 0.95 * max(len(rows), 1)
    with matplotlib.rc_context({"svg.hashsalt": "postlint", "svg.fonttype": "path"}):
        figure = Figure(figsize=(12, height), dpi=110, layout="constrained")
        dist, forest = figure.subplots(1, 2, sharey=True, width_ratios=[3, 2])
        _draw_distributions(dist, rows, values, flags, report)
        _draw_forest(forest, rows, report)
        figure.suptitle(
            f"{_literal(metric_label(report))}: posts each rule flagged vs passed "
            f"(rules sorted by effect, strongest lower first)",
            fontsize=12,
        )
        figure.legend(
            loc="outside lower center",
            ncols=3 + min(len(report.groups), MAX_GROUPS_DRAWN),
            fontsize=9,
            frameon=False,
        )
        buffer = io.BytesIO()
        metadata: dict[str, str | None] = (
            {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        )
        figure.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _draw_distributions(
    ax: Axes,
    rows: Sequence[RuleResult],
    values: Sequence[float],
    flags: Mapping[str, Sequence[bool]],
    report: Report,
) -> None:
    import matplotlib
    import numpy as np

    # matplotlib 3.10 renamed `vert=False` to `orientation="horizontal"` (and deprecated vert)
    modern = tuple(int(part) for part in matplotlib.__version__.split(".")[:2]) >= (3, 10)
    horizontal: dict[str, Any] = {"orientation": "horizontal"} if modern else {"vert": False}
    value_array = np.asarray(values, dtype=np.float64)
    normalized = report.normalize != "none"
    log = _use_log(values)
    rng = np.random.default_rng(report.seed)
    labels = []
    for index, result in enumerate(rows):
        flag_array = np.asarray(flags[result.rule], dtype=bool)
        for offset, side, colour in (
            (-0.19, value_array[flag_array], FLAGGED_COLOUR),
            (0.19, value_array[~flag_array], PASSED_COLOUR),
        ):
            if len(side) == 0:
                continue
            y = index + offset
            ax.boxplot(
                side,
                positions=[y],
                **horizontal,
                widths=0.3,
                whis=(5, 95),
                showfliers=False,
                patch_artist=True,
                boxprops={"facecolor": colour, "alpha": 0.3, "edgecolor": colour},
                whiskerprops={"color": colour},
                capprops={"color": colour},
                medianprops={"color": colour, "linewidth": 3},
            )
            sample = side if len(side) <= POINTS_PER_SIDE else rng.choice(side, POINTS_PER_SIDE)
            jitter = rng.uniform(-0.12, 0.12, len(sample))
            ax.scatter(
                sample, y + jitter, s=4, color=colour, alpha=0.35, linewidths=0, rasterized=True
            )  # rasterized: thousands of dots as one image keep the SVG small
            ax.annotate(
                f"median {format_value(float(np.median(side)), normalized)}",
                (float(np.percentile(side, 95)), y),
                xytext=(6, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
                color=colour,
            )
        labels.append(
            f"{_literal(result.rule)}\n{result.flagged:,} flagged · {result.passed:,} passed"
        )
    ax.set_yticks(range(len(rows)), labels)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    if log:
        positive = value_array[value_array > 0]
        if len(positive) < len(value_array):
            ax.set_xscale("symlog", linthresh=float(positive.min()))
        else:
            ax.set_xscale("log")
    ax.set_xlabel(f"{_literal(metric_label(report))} per post" + (" (log scale)" if log else ""))
    ax.grid(axis="x", alpha=0.3)
    ax.scatter([], [], color=FLAGGED_COLOUR, label="flagged by the rule")
    ax.scatter([], [], color=PASSED_COLOUR, label="passed")
    ax.set_title(
        "distribution (box: quartiles and median; whiskers: 5th–95th percentile)", fontsize=10
    )


_RATIO_TICKS = (0.05, 0.1, 0.2, 0.33, 0.5, 0.67, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0)
_COARSE_TICKS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


def _draw_forest(ax: Axes, rows: Sequence[RuleResult], report: Report) -> None:
    from matplotlib.ticker import NullLocator

    group_results: dict[tuple[str, str], RuleResult] = {
        (r.rule, r.group): r for r in report.results if r.group is not None
    }
    bounds = [
        bound
        for r in report.results
        for bound in (r.ratio, r.ci_low, r.ci_high)
        if bound is not None and math.isfinite(bound) and bound > 0
    ]
    low = min([*bounds, 0.67]) / 1.2
    high = max([*bounds, 1.5]) * 1.2
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    ticks = [tick for tick in _RATIO_TICKS if low <= tick <= high]
    if len(ticks) > 8:  # a wide range: fewer, rounder ticks so the labels do not collide
        ticks = [tick for tick in ticks if tick in _COARSE_TICKS]
    ax.set_xticks(ticks, [f"{tick:g}" for tick in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.axvline(1.0, color="#555", linewidth=1, linestyle="--")
    for index, result in enumerate(rows):
        if result.ratio is None or result.ci_low is None or result.ci_high is None:
            reason = "too few posts" if not result.tested else "no ratio (median ≤ 0)"
            ax.text(1.0, index, reason, ha="center", va="center", fontsize=9, color="#555")
            continue
        ax.plot(
            [result.ci_low, min(result.ci_high, high)],
            [index, index],
            color="#222",
            linewidth=2.5,
            solid_capstyle="butt",
        )
        ax.plot(
            [result.ratio],
            [index],
            "o",
            color="#222",
            markersize=7,
            label="all posts" if index == 0 else None,
        )
        p_text = f"p_adj {format_p(result.p_adjusted)}" if result.p_adjusted is not None else ""
        ax.annotate(
            f"{format_ratio(result.ratio)} [{format_ratio(result.ci_low)}–"
            f"{format_ratio(result.ci_high)}]  {p_text}",
            (1.0, index - 0.2),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=8,
        )
        for number, group in enumerate(report.groups[:MAX_GROUPS_DRAWN]):
            member = group_results.get((result.rule, group))
            if member is None or member.ratio is None:
                continue
            colour = GROUP_COLOURS[number % len(GROUP_COLOURS)]
            y = index + 0.14 + 0.09 * number
            if member.ci_low is not None and member.ci_high is not None:
                ax.plot(
                    [member.ci_low, min(member.ci_high, high)], [y, y], color=colour, linewidth=1.2
                )
            ax.plot([member.ratio], [y], "D", color=colour, markersize=4)
    for number, group in enumerate(report.groups[:MAX_GROUPS_DRAWN]):
        ax.plot(
            [],
            [],
            "D",
            color=GROUP_COLOURS[number],
            markersize=4,
            label=_literal(f"{report.by}: {group}"),
        )
    hidden = len(report.groups) - MAX_GROUPS_DRAWN
    ax.set_xlabel(
        "median flagged / median passed"
        + (f"\n({hidden} more groups in the table)" if hidden > 0 else "")
    )
    ax.set_title("ratio of medians, 95% CI (< 1: flagged did worse)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
