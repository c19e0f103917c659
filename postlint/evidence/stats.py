"""Compare the metric of posts a rule flagged with posts it passed: medians, CI, tests.

numpy and scipy come with the `report` extra and are imported only when a
comparison runs, so `postlint` itself starts without them.

Choices, and why:

- The effect is the ratio of medians (flagged / passed): engagement counts are
  heavy-tailed, a few viral posts would own a mean, and "a median 31% lower" reads
  plainly. Its 95% CI is a percentile bootstrap (each side resampled on its own).
- The bootstrap is exact and vectorised: resampling n sorted values with
  replacement and taking the median is the same as drawing the median's *rank*
  among the draws, which a binary descent with binomial splits of the draw counts
  samples in O(log n) per resample. 100,000 posts cost what 100 do.
- The test is two-sided Mann-Whitney U (scipy, default method), with the
  rank-biserial correlation 2U/(n1*n2) - 1 as effect size (> 0: flagged posts
  rank higher).
- Benjamini-Hochberg runs over ONE family: every row tested in a report, pooled
  and per group. The user reads one table and acts on any "evidence" line in it,
  so the false discovery rate is controlled over that whole table; per-family
  adjustment would let a `--by` with many groups print more false discoveries.
- Randomness is seeded per row from (seed, rule, group), so a row's CI does not
  change when other rules are added or removed.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from postlint.errors import EnvironmentProblem

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

EXTRA_MESSAGE = "postlint report needs the report extra: pip install 'postlint[report]'"
ALPHA = 0.05
CI_LEVEL = 0.95
DEFAULT_RESAMPLES = 2000
DEFAULT_MIN_POSTS = 10


class RuleResult(NamedTuple):
    """One rule on one group (None: all posts pooled); the JSON report's `rules` rows."""

    rule: str
    group: str | None
    flagged: int
    passed: int
    median_flagged: float | None
    median_passed: float | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_adjusted: float | None
    effect_size: float | None
    verdict: str

    @property
    def tested(self) -> bool:
        """Whether both sides had enough posts for the test to run."""
        return self.p_value is not None


def require_extra() -> None:
    """Stop with a clear message when numpy or scipy is missing."""
    try:
        import numpy  # noqa: F401
        import scipy.stats  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as exc:
        raise EnvironmentProblem(EXTRA_MESSAGE) from exc


def bootstrap_medians(
    sorted_values: NDArray[np.float64], resamples: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Medians of `resamples` bootstrap resamples of `sorted_values` (ascending).

    Exact in distribution: a resample puts a multinomial count of draws on each
    position; the k-th smallest drawn value sits where the k-th draw falls, found
    by halving the positions and drawing how many of the interval's draws land
    in the left half (a binomial). Even n follows the two middle ranks together,
    sharing the draws while they share an interval (then they are independent).
    """
    import numpy as np

    n = len(sorted_values)
    even = n % 2 == 0
    shape = (resamples,)
    lo = np.zeros(shape, dtype=np.int64)
    hi = np.full(shape, n, dtype=np.int64)
    count = np.full(shape, n, dtype=np.int64)
    rank = np.full(shape, (n - 1) // 2, dtype=np.int64)
    lo2, hi2, count2 = lo.copy(), hi.copy(), count.copy()
    rank2 = np.full(shape, n // 2, dtype=np.int64)
    while bool(np.any(hi - lo > 1)) or (even and bool(np.any(hi2 - lo2 > 1))):
        mid = (lo + hi) // 2
        left = rng.binomial(count, (mid - lo) / (hi - lo))
        if even:
            mid2 = (lo2 + hi2) // 2
            left2 = left.copy()
            apart = (lo != lo2) | (hi != hi2)  # once apart, the two ranks draw on their own
            if bool(np.any(apart)):
                left2[apart] = rng.binomial(count2[apart], ((mid2 - lo2) / (hi2 - lo2))[apart])
            lo2, hi2, count2, rank2 = _descend(lo2, hi2, mid2, count2, rank2, left2)
        lo, hi, count, rank = _descend(lo, hi, mid, count, rank, left)
    if not even:
        return sorted_values[lo]
    result: NDArray[np.float64] = (sorted_values[lo] + sorted_values[lo2]) / 2
    return result


def _descend(
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    mid: NDArray[np.int64],
    count: NDArray[np.int64],
    rank: NDArray[np.int64],
    left: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    import numpy as np

    go_left = rank < left  # intervals of width 1 have mid == lo and left == 0: they stay
    return (
        np.where(go_left, lo, mid),
        np.where(go_left, mid, hi),
        np.where(go_left, left, count - left),
        np.where(go_left, rank, rank - left),
    )


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (step-up, monotone, capped at 1)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for position in range(m - 1, -1, -1):
        index = order[position]
        running = min(running, p_values[index] * m / (position + 1))
        adjusted[index] = max(running, p_values[index])  # p * m / m can round below p
    return adjusted


class _Comparison(NamedTuple):
    flagged: int
    passed: int
    median_flagged: float | None
    median_passed: float | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    effect_size: float | None


def _ratio(flagged: float, passed: float) -> float | None:
    # A ratio of medians means something only on a positive scale.
    if passed > 0 and flagged >= 0:
        return flagged / passed
    return None


def compare(
    values: NDArray[np.float64],
    flagged: NDArray[np.bool_],
    *,
    min_posts: int,
    resamples: int,
    rng: np.random.Generator,
) -> _Comparison:
    """Compare the values where `flagged` is true with the rest."""
    import numpy as np
    from scipy.stats import mannwhitneyu

    flagged_values = np.sort(values[flagged])
    passed_values = np.sort(values[~flagged])
    n_f, n_p = len(flagged_values), len(passed_values)
    med_f = float(np.median(flagged_values)) if n_f else None
    med_p = float(np.median(passed_values)) if n_p else None
    if n_f < max(min_posts, 1) or n_p < max(min_posts, 1):
        return _Comparison(n_f, n_p, med_f, med_p, None, None, None, None, None)
    assert med_f is not None and med_p is not None
    ratio = _ratio(med_f, med_p)
    ci_low = ci_high = None
    if ratio is not None:
        boot_f = bootstrap_medians(flagged_values, resamples, rng)
        boot_p = bootstrap_medians(passed_values, resamples, rng)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(boot_p > 0, boot_f / boot_p, np.where(boot_f > 0, np.inf, 1.0))
        tail = (1 - CI_LEVEL) / 2
        # No interpolation: a resample whose passed median is 0 gives an infinite ratio.
        ci_low = float(np.quantile(ratios, tail, method="lower"))
        ci_high = float(np.quantile(ratios, 1 - tail, method="higher"))
    test = mannwhitneyu(flagged_values, passed_values, alternative="two-sided")
    p_value = float(test.pvalue)
    if math.isnan(p_value):  # every value equal: nothing to tell the sides apart
        p_value = 1.0
    effect = 2 * float(test.statistic) / (n_f * n_p) - 1
    return _Comparison(n_f, n_p, med_f, med_p, ratio, ci_low, ci_high, p_value, effect)


def _rng(seed: int, rule: str, group: str | None) -> np.random.Generator:
    import numpy as np

    key = [seed, zlib.crc32(rule.encode()), zlib.crc32((group or "\0pooled").encode())]
    return np.random.default_rng(key)


def analyse(
    flags: Mapping[str, Sequence[bool]],
    values: Sequence[float],
    groups: Sequence[str] | None = None,
    *,
    metric: str,
    min_posts: int = DEFAULT_MIN_POSTS,
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> list[RuleResult]:
    """Every rule pooled, then per group when `groups` is given; BH over all tested rows."""
    require_extra()
    import numpy as np

    if resamples < 1:
        raise ValueError("resamples must be positive")
    value_array = np.asarray(values, dtype=np.float64)
    members_of: dict[str, NDArray[np.intp]] = {}
    if groups is not None:
        # One sort for all groups: a `--by` on a column with many values stays fast.
        names, inverse = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(names) + 1))
        members_of = {str(name): order[bounds[k] : bounds[k + 1]] for k, name in enumerate(names)}
    rows: list[tuple[str, str | None, _Comparison]] = []
    for rule, rule_flags in flags.items():
        flag_array = np.asarray(rule_flags, dtype=bool)
        if flag_array.shape != value_array.shape:
            raise ValueError(f"{rule}: {len(flag_array)} flags for {len(value_array)} posts")
        rows.append(
            (
                rule,
                None,
                compare(
                    value_array,
                    flag_array,
                    min_posts=min_posts,
                    resamples=resamples,
                    rng=_rng(seed, rule, None),
                ),
            )
        )
        for name, members in members_of.items():
            rows.append(
                (
                    rule,
                    name,
                    compare(
                        value_array[members],
                        flag_array[members],
                        min_posts=min_posts,
                        resamples=resamples,
                        rng=_rng(seed, rule, name),
                    ),
                )
            )
    tested = [index for index, (_, _, c) in enumerate(rows) if c.p_value is not None]
    adjusted = benjamini_hochberg([rows[i][2].p_value or 0.0 for i in tested])
    p_adjusted: dict[int, float] = dict(zip(tested, adjusted, strict=True))
    results = []
    for index, (rule, group, comparison) in enumerate(rows):
        p_adj = p_adjusted.get(index)
        results.append(
            RuleResult(
                rule,
                group,
                *comparison[:8],
                p_adj,
                comparison.effect_size,
                verdict(comparison, p_adj, metric=metric, min_posts=min_posts),
            )
        )
    return results


def format_p(p_value: float) -> str:
    """`< 0.001`, `= 0.004`, `= 0.049`, `= 0.41`: enough digits to see which side of 0.05."""
    if p_value < 0.001:
        return "< 0.001"
    if p_value < 0.1:
        return f"= {p_value:.3f}"
    return f"= {p_value:.2f}"


def _percent(fraction: float) -> str:
    return f"{round(abs(fraction) * 100)}%"


def _ratio_words(ratio: float) -> str:
    if math.isinf(ratio):
        return "no upper bound"
    return f"{_percent(1 - ratio)} {'lower' if ratio < 1 else 'higher'}"


def _change_words(ratio: float, low: float | None, high: float | None) -> str:
    """`31% lower, 95% CI 22–40%` style words for a ratio and its CI."""
    change = _ratio_words(ratio)
    if low is None or high is None:
        return change
    if high < 1:  # the whole interval lower: "22–40%" (less lower first)
        ci = f"{round((1 - high) * 100)}–{_percent(1 - low)}"
    elif low >= 1 and not math.isinf(high):
        ci = f"{round((low - 1) * 100)}–{_percent(high - 1)}"
    else:
        ci = f"{_ratio_words(low)} to {_ratio_words(high)}"
    return f"{change}, {round(CI_LEVEL * 100)}% CI {ci}"


def verdict(
    comparison: _Comparison, p_adjusted: float | None, *, metric: str, min_posts: int
) -> str:
    """The row's finding in words; it describes an association, never a cause."""
    c = comparison
    sizes = f"n = {c.flagged:,} flagged, {c.passed:,} passed"
    if p_adjusted is None or c.effect_size is None:
        return f"too few posts to test ({sizes}; minimum {min_posts} each)"
    if p_adjusted >= ALPHA:
        return f"no evidence either way ({sizes}; p_adj {format_p(p_adjusted)})"
    worse = c.effect_size < 0
    fits = (
        "evidence that this rule fits your audience"
        if worse
        else "evidence against this rule on your audience"
    )
    if c.ratio is not None and c.ratio != 1 and (c.ratio < 1) == worse:
        words = _change_words(c.ratio, c.ci_low, c.ci_high)
        change, _, ci = words.partition(", ")
        ci_text = f" ({ci})" if ci else ""
        return (
            f"flagged posts had a median {change} {metric}{ci_text}, "
            f"p_adj {format_p(p_adjusted)}: {fits}"
        )
    # The medians do not show the shift the ranks show (ties, zeros): say what the ranks say.
    return (
        f"flagged posts ranked {'lower' if worse else 'higher'} on {metric} "
        f"(rank-biserial {c.effect_size:+.2f}) though the medians "
        f"{'are equal' if c.ratio == 1 or c.ratio is None else 'differ the other way'}, "
        f"p_adj {format_p(p_adjusted)}: {fits}"
    )
