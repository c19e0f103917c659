"""`postlint report`'s layers: reading exports, the statistics, rendering, the real history."""

from __future__ import annotations

import csv
import itertools
import json
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postlint.errors import EnvironmentProblem, UsageError
from postlint.evidence.history import TimestampParser, parse_number, read_history

DATA = Path(__file__).parent / "data" / "engagement"
OBAMA = DATA / "BarackObama_utf8.csv"
TRUMP = DATA / "realDonaldTrump_utf8.csv"

# --------------------------------------------------------------------------- history


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1419", 1419.0),
        ("1,419", 1419.0),
        (" 1,419 ", 1419.0),
        ("1,234,567", 1234567.0),
        ("1.2K", 1200.0),
        ("1.2k", 1200.0),
        ("3.4M", 3_400_000.0),
        ("2B", 2_000_000_000.0),
        ("0.5", 0.5),
        (".5", 0.5),
        ("12%", 12.0),
        ("1\u00a0419", 1419.0),
        ("", None),
        ("   ", None),
        ("N/A", None),
        ("n/a", None),
        ("-", None),
        ("—", None),
        ("null", None),
        ("#N/A", None),
    ],
)
def test_parse_number(cell: str, expected: float | None) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,41", "1.2.3", "12 likes", "K", "1,2K"])
def test_parse_number_rejects_garbage(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_number(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("10/16/17 22:59", datetime(2017, 10, 16, 22, 59)),
        ("10/16/2017 22:59", datetime(2017, 10, 16, 22, 59)),
        ("10/16/2017 10:59 PM", datetime(2017, 10, 16, 22, 59)),
        ("2024-03-01T14:05:00Z", datetime(2024, 3, 1, 14, 5)),
        ("2024-03-01T15:05:00+01:00", datetime(2024, 3, 1, 14, 5)),
        ("2024-03-01T15:05:00+0100", datetime(2024, 3, 1, 14, 5)),
        ("2024-03-01 14:05:00", datetime(2024, 3, 1, 14, 5)),
        ("2024-03-01", datetime(2024, 3, 1)),
        ("Mar 1, 2024", datetime(2024, 3, 1)),
        ("March 1, 2024 2:05 PM", datetime(2024, 3, 1, 14, 5)),
        ("1 Mar 2024", datetime(2024, 3, 1)),
        ("1709301900", datetime(2024, 3, 1, 14, 5)),
        ("1709301900000", datetime(2024, 3, 1, 14, 5)),
        ("Fri Mar 01 14:05:00 +0000 2024", datetime(2024, 3, 1, 14, 5)),
        ("", None),
        ("soon", None),
    ],
)
def test_parse_timestamp(cell: str, expected: datetime | None) -> None:
    assert TimestampParser().parse(cell) == expected


def test_slash_dates_are_day_first_when_the_column_says_so() -> None:
    parser = TimestampParser.for_column(["25/12/2023 10:00", "01/02/2024 09:30"])
    assert parser.parse("01/02/2024 09:30") == datetime(2024, 2, 1, 9, 30)
    us = TimestampParser.for_column(["12/25/2023 10:00", "01/02/2024 09:30"])
    assert us.parse("01/02/2024 09:30") == datetime(2024, 1, 2, 9, 30)


MESSY = """\
Date,Account,Post text,Likes,Comments,Shares
2024-03-01 14:05:00,brand,Tag a friend who needs this!,"1,419",12,3
2024-03-01 14:05:00,brand,Tag a friend who needs this!,"1,419",12,3
03/02/2024 09:00,brand,New drop today,1.2K,N/A,5
"Mar 3, 2024",brand,Short,,4,1
1709560800,brand,Long caption about the new collection and where to find it,2.5K,30,8
2024-03-06T10:00:00Z,other,Hello,12,oops,0
2024-04-01,other,Too late,50,5,5
"""


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_history_counts_what_it_leaves_out(tmp_path: Path) -> None:
    path = write(tmp_path, MESSY)
    history = read_history([path], metric="likes")
    assert history.text_column == "Post text"
    assert history.metric == "Likes"
    assert history.values == (1419.0, 1200.0, 2500.0, 12.0, 50.0)
    assert history.skipped["duplicate"] == 1
    assert history.skipped["missing_metric"] == 1
    assert history.texts[1] == "New drop today"


def test_metric_sum_and_date_range(tmp_path: Path) -> None:
    path = write(tmp_path, MESSY)
    history = read_history(
        [path], metric="likes+comments", since="2024-03-01", until="2024-03-06", date_column="Date"
    )
    # 03/02 has N/A comments (missing); 03/03 has no likes (missing); 03/06 has "oops" (bad);
    # the bare --until date includes the whole of March 6; April 1 is outside.
    assert history.values == (1431.0, 2530.0)
    assert history.skipped == {
        "duplicate": 1,
        "outside_dates": 1,
        "bad_date": 0,
        "missing_metric": 2,
        "bad_metric": 1,
        "zero_group_median": 0,
    }


def test_missing_metric_column_lists_the_numeric_columns(tmp_path: Path) -> None:
    path = write(tmp_path, MESSY)
    with pytest.raises(UsageError) as caught:
        read_history([path], metric="impressions")
    message = str(caught.value)
    assert "no metric column 'impressions'" in message
    assert message.endswith("numeric columns found: Likes, Comments, Shares")


def test_by_column_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no column 'team' for --by"):
        read_history([write(tmp_path, MESSY)], metric="likes", by="team")


def test_group_median_normalisation(tmp_path: Path) -> None:
    path = write(tmp_path, MESSY)
    history = read_history([path], metric="likes", by="account", normalize="group-median")
    brand = statistics.median([1419.0, 1200.0, 2500.0])
    other = statistics.median([12.0, 50.0])
    assert history.groups == ("brand", "brand", "brand", "other", "other")
    assert history.values == pytest.approx(
        [1419 / brand, 1200 / brand, 2500 / brand, 12 / other, 50 / other]
    )


def test_jsonl_history(tmp_path: Path) -> None:
    lines = [
        {"text": "a", "likes": 3, "user": "x"},
        {"text": "b", "likes": "1.5K", "user": "x"},
        {"text": "c", "likes": None, "user": "y"},
    ]
    path = write(tmp_path, "\n".join(json.dumps(line) for line in lines) + "\n", "h.jsonl")
    history = read_history([path], metric="likes", by="user")
    assert history.values == (3.0, 1500.0)
    assert history.skipped["missing_metric"] == 1


# --------------------------------------------------------------------------- statistics

# A fixed small history: 24 posts, two groups, three rules.
VALUES = [
    12.0, 15.0, 9.0, 30.0, 41.0, 8.0, 22.0, 17.0, 5.0, 60.0, 33.0, 14.0,
    27.0, 11.0, 19.0, 45.0, 7.0, 25.0, 38.0, 16.0, 3.0, 52.0, 21.0, 6.0,
]  # fmt: skip
GROUPS = ["a"] * 12 + ["b"] * 12
FLAGS = {
    # flags the low values: flagged posts did worse
    "low": [v < 16 for v in VALUES],
    # unrelated to the value
    "odd": [i % 2 == 1 for i in range(24)],
    # flags only three posts
    "rare": [i in (0, 5, 13) for i in range(24)],
}


def _bh_by_hand(p_values: list[float]) -> list[float]:
    m = len(p_values)
    # rank = how many p-values are at most this one (tied p-values share the highest rank)
    ranks = {i: sum(q <= p for q in p_values) for i, p in enumerate(p_values)}
    return [
        min(1.0, min(p_values[j] * m / ranks[j] for j in range(m) if p_values[j] >= p_values[i]))
        for i in range(m)
    ]


def test_statistics_match_an_independent_computation() -> None:
    scipy_stats = pytest.importorskip("scipy.stats")
    from postlint.evidence.stats import analyse

    results = analyse(FLAGS, VALUES, GROUPS, metric="likes", min_posts=4, seed=1)
    assert [(r.rule, r.group) for r in results] == [
        (rule, group) for rule in FLAGS for group in (None, "a", "b")
    ]
    expected_p = []
    for result in results:
        members = [i for i in range(24) if result.group is None or GROUPS[i] == result.group]
        flagged = [VALUES[i] for i in members if FLAGS[result.rule][i]]
        passed = [VALUES[i] for i in members if not FLAGS[result.rule][i]]
        assert (result.flagged, result.passed) == (len(flagged), len(passed))
        assert result.median_flagged == statistics.median(flagged)
        assert result.median_passed == statistics.median(passed)
        if min(len(flagged), len(passed)) < 4:
            assert result.p_value is None and result.ratio is None
            assert result.verdict.startswith("too few posts to test")
            continue
        assert result.ratio == pytest.approx(statistics.median(flagged) / statistics.median(passed))
        direct = scipy_stats.mannwhitneyu(flagged, passed, alternative="two-sided")
        assert result.p_value == pytest.approx(direct.pvalue)
        wins = sum((f > p) + 0.5 * (f == p) for f in flagged for p in passed)
        assert result.effect_size == pytest.approx(2 * wins / (len(flagged) * len(passed)) - 1)
        assert result.ratio is not None
        assert result.ci_low is not None and result.ci_high is not None
        assert result.ci_low <= result.ratio <= result.ci_high
        expected_p.append(direct.pvalue)
    adjusted = [r.p_adjusted for r in results if r.p_value is not None]
    assert adjusted == pytest.approx(_bh_by_hand(expected_p))
    rare = [r for r in results if r.rule == "rare"]
    assert [r.p_value for r in rare] == [None, None, None]


def test_verdicts_say_association_in_words() -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.stats import analyse

    results = analyse(FLAGS, VALUES, None, metric="likes", min_posts=4, seed=1)
    low, odd, rare = results
    assert low.p_adjusted is not None and low.p_adjusted < 0.05
    assert low.verdict.startswith("flagged posts had a median ")
    assert "% lower likes (95% CI " in low.verdict
    assert low.verdict.endswith(": evidence that this rule fits your audience")
    assert odd.verdict.startswith("no evidence either way (n = 12 flagged, 12 passed; p_adj")
    assert rare.verdict == "too few posts to test (n = 3 flagged, 21 passed; minimum 4 each)"
    for result in results:
        assert "cause" not in result.verdict


def test_same_seed_same_output_and_rows_do_not_depend_on_other_rules() -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.stats import analyse

    first = analyse(FLAGS, VALUES, GROUPS, metric="likes", min_posts=4, seed=7)
    second = analyse(FLAGS, VALUES, GROUPS, metric="likes", min_posts=4, seed=7)
    assert first == second
    alone = analyse({"low": FLAGS["low"]}, VALUES, None, metric="likes", min_posts=4, seed=7)
    assert (alone[0].ci_low, alone[0].ci_high) == (first[0].ci_low, first[0].ci_high)


INF = float("inf")


@pytest.mark.parametrize(
    ("numbers", "p_adj", "words"),
    [
        # (flagged, passed, ratio, ci_low, ci_high, effect)
        ((3, 40, None, None, None, None), None,
         "too few posts to test (n = 3 flagged, 40 passed; minimum 10 each)"),
        ((30, 40, 0.9, 0.7, 1.2, -0.05), 0.41,
         "no evidence either way (n = 30 flagged, 40 passed; p_adj = 0.41)"),
        # test and interval agree: the only "evidence" lines
        ((30, 40, 0.69, 0.60, 0.78, -0.3), 0.001,
         "flagged posts had a median 31% lower likes (95% CI 22–40%), p_adj = 0.001: "
         "evidence that this rule fits your audience"),
        ((30, 40, 1.30, 1.10, 1.50, 0.2), 0.004,
         "flagged posts had a median 30% higher likes (95% CI 10–50%), p_adj = 0.004: "
         "evidence against this rule on your audience"),
        # the test finds a difference, the interval includes no change (the audit's case)
        ((30, 40, 0.47, 0.36, 1.15, -0.2), 0.009,
         "flagged posts had a median 53% lower likes (95% CI 64% lower to 15% higher), "
         "p_adj = 0.009; the test finds a difference but the interval includes no change: "
         "weak evidence that this rule fits your audience"),
        ((30, 40, 1.60, 0.95, INF, 0.25), 0.02,
         "flagged posts had a median 60% higher likes (95% CI 5% lower to no upper bound), "
         "p_adj = 0.020; the test finds a difference but the interval includes no change: "
         "weak evidence against this rule on your audience"),
        # the interval excludes no change, the adjusted test does not find a difference
        ((30, 40, 0.80, 0.67, 0.95, -0.1), 0.12,
         "flagged posts had a median 20% lower likes (95% CI 5–33%), p_adj = 0.12; "
         "the interval excludes no change but the adjusted test finds no difference: "
         "weak evidence that this rule fits your audience"),
        # the ranks differ, the medians do not show it
        ((30, 40, 1.0, 1.0, 1.0, -0.2), 0.01,
         "flagged posts ranked lower on likes (rank-biserial -0.20) though the medians are "
         "equal, p_adj = 0.010; the test finds a difference but the medians do not show it: "
         "weak evidence that this rule fits your audience"),
        ((30, 40, 1.1, 0.9, 1.3, -0.2), 0.01,
         "flagged posts ranked lower on likes (rank-biserial -0.20) though the medians differ "
         "the other way, p_adj = 0.010; the test finds a difference but the medians do not "
         "show it: weak evidence that this rule fits your audience"),
        ((30, 40, None, None, None, 0.3), 0.0004,
         "flagged posts ranked higher on likes (rank-biserial +0.30) though the medians cannot "
         "be compared (passed median 0), p_adj < 0.001; the test finds a difference but the "
         "medians do not show it: weak evidence against this rule on your audience"),
        # an interval on the other side of its ratio (never seen; still not "evidence")
        ((30, 40, 0.8, 1.05, 1.3, -0.2), 0.01,
         "flagged posts had a median 20% lower likes (95% CI 5% higher to 30% higher), "
         "p_adj = 0.010; the test and the interval point opposite ways: no evidence either way"),
    ],
)  # fmt: skip
def test_every_verdict_branch(
    numbers: tuple[int, int, float | None, float | None, float | None, float | None],
    p_adj: float | None,
    words: str,
) -> None:
    from postlint.evidence.stats import RuleResult, _Comparison, verdict

    flagged, passed, ratio, low, high, effect = numbers
    comparison = _Comparison(
        flagged, passed, 1.0, 1.0, ratio, low, high, None if p_adj is None else p_adj, effect
    )
    said = verdict(comparison, p_adj, metric="likes", min_posts=10)
    assert said == words
    row = RuleResult("r", None, *comparison[:8], p_adj, effect, said)
    # "evidence" (not weak, not "no evidence") exactly when test and interval agree
    strong = said.endswith((": evidence that this rule fits your audience",
                            ": evidence against this rule on your audience"))  # fmt: skip
    assert row.evidence == strong
    if strong:
        assert p_adj is not None and p_adj < 0.05
        assert low is not None and high is not None and (high < 1 or low > 1)
    assert "caus" not in said


def test_evidence_verdicts_agree_with_their_interval_on_random_histories() -> None:
    """Over many small noisy histories, no "evidence" line has a CI that includes 1."""
    np = pytest.importorskip("numpy")
    from postlint.evidence.stats import analyse

    rng = np.random.default_rng(5)
    strong = weak = 0
    for _ in range(40):
        n = int(rng.integers(20, 80))
        values = rng.lognormal(3, 1.5, n).round().tolist()
        # flags that lean toward the low values, by a random amount
        lean = rng.uniform(0, 1.5)
        flags = {"r": (rng.normal(0, 1, n) - lean * np.log1p(values) / 4 > -0.8).tolist()}
        (row,) = analyse(flags, values, None, metric="likes", min_posts=5, resamples=1000)
        if not row.tested:
            continue
        assert row.ci_low is not None and row.ci_high is not None
        if row.evidence:
            strong += 1
            assert row.p_adjusted is not None and row.p_adjusted < 0.05
            assert row.ci_high < 1 or row.ci_low > 1
            assert ": evidence " in row.verdict
        else:
            assert ": evidence " not in row.verdict
            weak += "weak evidence" in row.verdict
    assert strong and weak  # both kinds of line were exercised


@pytest.mark.parametrize(("n_flagged", "n_passed"), [(200, 300), (1500, 500), (2001, 999)])
def test_bootstrap_ci_matches_scipy_percentile_bootstrap(n_flagged: int, n_passed: int) -> None:
    """The ratio's CI is the one `scipy.stats.bootstrap` gives (percentile, two samples).

    Both are Monte Carlo estimates: at 10,000 resamples an endpoint moves by at most
    2% of the CI's width from one seed to another (measured over 20 seeds, n = 200 to
    2,000, for each method), so the two may differ by about 3% of the width; 8% is
    more than three standard deviations of that difference. A resample of the wrong
    size (half the draws) is off by 15-30% of the width; small biases in the descent
    are the exact small-n test's to catch (below).
    """
    np = pytest.importorskip("numpy")
    scipy_stats = pytest.importorskip("scipy.stats")
    from postlint.evidence.stats import compare

    rng = np.random.default_rng(n_flagged)
    values = np.concatenate(
        [rng.lognormal(3.0, 1.2, n_flagged), rng.lognormal(3.2, 1.2, n_passed)]
    ).round()  # whole counts, with ties, as engagement is
    flagged = np.arange(len(values)) < n_flagged
    ours = compare(values, flagged, min_posts=1, resamples=10_000, rng=np.random.default_rng(1))

    def ratio_of_medians(a: object, b: object, axis: int = -1) -> object:
        return np.median(a, axis=axis) / np.median(b, axis=axis)

    library = scipy_stats.bootstrap(
        (values[flagged], values[~flagged]),
        ratio_of_medians,
        n_resamples=10_000,
        method="percentile",
        vectorized=True,
        batch=500,
        random_state=np.random.default_rng(2),
    ).confidence_interval
    assert ours.ci_low is not None and ours.ci_high is not None
    width = library.high - library.low
    assert ours.ci_low == pytest.approx(library.low, abs=0.08 * width)
    assert ours.ci_high == pytest.approx(library.high, abs=0.08 * width)


def test_too_old_scipy_says_how_to_upgrade(monkeypatch: pytest.MonkeyPatch) -> None:
    scipy_stats = pytest.importorskip("scipy.stats")
    from postlint.evidence.stats import SCIPY_MESSAGE, analyse

    monkeypatch.delattr(scipy_stats, "false_discovery_control")  # scipy 1.10
    with pytest.raises(EnvironmentProblem) as caught:
        analyse(FLAGS, VALUES, None, metric="likes")
    assert str(caught.value) == SCIPY_MESSAGE


@pytest.mark.parametrize("n", [1, 2, 5, 6])
def test_fast_bootstrap_has_the_naive_bootstraps_distribution(n: int) -> None:
    np = pytest.importorskip("numpy")
    from postlint.evidence.stats import bootstrap_medians

    values = np.sort(np.array([3.0, 10.0, 11.0, 40.0, 41.0, 100.0])[:n])
    draws = 40_000
    fast = bootstrap_medians(values, draws, np.random.default_rng(1))
    naive = np.median(values[np.random.default_rng(2).integers(0, n, (draws, n))], axis=1)
    support = np.union1d(fast, naive)
    fast_freq = np.array([np.mean(fast == v) for v in support])
    naive_freq = np.array([np.mean(naive == v) for v in support])
    # 40,000 draws: a frequency's standard error is at most 0.0025
    assert np.abs(fast_freq - naive_freq).max() < 0.015


def test_benjamini_hochberg_by_hand() -> None:
    from postlint.evidence.stats import benjamini_hochberg

    p = [0.01, 0.04, 0.03, 0.20]
    # sorted 0.01, 0.03, 0.04, 0.20 -> 0.04, 0.06, 0.0533, 0.20 -> step-up minimum
    assert benjamini_hochberg(p) == pytest.approx([0.04, 0.0533333, 0.0533333, 0.20])


def test_without_the_extra_the_report_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from postlint.evidence.stats import EXTRA_MESSAGE, analyse

    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.stats", None)
    with pytest.raises(EnvironmentProblem) as caught:
        analyse(FLAGS, VALUES, None, metric="likes")
    assert str(caught.value) == EXTRA_MESSAGE
    assert EXTRA_MESSAGE == (
        "postlint report needs the report extra: pip install 'postlint[report]'"
    )


# --------------------------------------------------------------------------- run_report


def stub_flags(texts: list[str]) -> dict[str, list[bool]]:
    """A stand-in for the lint engine: simple text tests."""
    return {
        "over-100": [len(text) > 100 for text in texts],
        "has-link": ["https://" in text for text in texts],
        "has-mention": ["@" in text for text in texts],
    }


JSON_KEYS = [
    "rule", "group", "flagged", "passed", "median_flagged", "median_passed", "ratio",
    "ci_low", "ci_high", "p_value", "p_adjusted", "effect_size", "verdict",
]  # fmt: skip


def test_json_document_shape(tmp_path: Path) -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.command import run_report

    out = run_report(
        [OBAMA, TRUMP], metric="favorites", by="user", fmt="json", flags_for=stub_flags
    )
    document = json.loads(out)
    assert list(document) == ["metric", "posts", "skipped", "groups", "rules"]
    assert document["groups"] == ["BarackObama", "realDonaldTrump"]
    assert len(document["rules"]) == 3 * 3
    for row in document["rules"]:
        assert list(row) == JSON_KEYS
    assert [row["group"] for row in document["rules"][:3]] == [
        None,
        "BarackObama",
        "realDonaldTrump",
    ]


def test_report_on_the_fivethirtyeight_history() -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.command import run_report

    document = json.loads(
        run_report(
            [OBAMA, TRUMP],
            metric="favorites",
            by="user",
            normalize="group-median",
            fmt="json",
            flags_for=stub_flags,
            seed=0,
        )
    )
    with (
        OBAMA.open(encoding="utf-8", newline="") as a,
        TRUMP.open(encoding="utf-8", newline="") as b,
    ):
        rows = [*csv.DictReader(a), *csv.DictReader(b)]
    assert document["metric"] == "favorites"
    assert document["posts"] == len(rows) == 6439
    assert sum(document["skipped"].values()) == 0
    links = {row["group"]: row for row in document["rules"] if row["rule"] == "has-link"}
    trump = [r for r in rows if r["user"] == "realDonaldTrump"]
    trump_median = statistics.median(float(r["favorites"]) for r in trump)
    flagged = [float(r["favorites"]) / trump_median for r in trump if "https://" in r["text"]]
    assert links["realDonaldTrump"]["flagged"] == len(flagged) == 1311
    assert links["realDonaldTrump"]["median_flagged"] == pytest.approx(statistics.median(flagged))
    # On this account, tweets with a link got about half the favourites of those without.
    assert links["realDonaldTrump"]["ratio"] == pytest.approx(0.48, abs=0.01)
    assert links["realDonaldTrump"]["p_adjusted"] < 0.001
    assert links["realDonaldTrump"]["verdict"].endswith(
        "evidence that this rule fits your audience"
    )


def test_output_is_identical_across_runs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from postlint.evidence.command import run_report

    outputs = []
    for name in ("one", "two"):
        plot = tmp_path / f"{name}.svg"
        text = run_report([OBAMA], metric="retweets", flags_for=stub_flags, plot=plot, seed=3)
        outputs.append((text, plot.read_bytes()))
    assert outputs[0] == outputs[1]


def test_text_report_reads_as_a_table() -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.command import run_report

    def flags(texts: list[str]) -> dict[str, list[bool]]:
        return {**stub_flags(texts), "never": [False] * len(texts)}

    text = run_report([OBAMA], metric="retweets", flags_for=flags, min_posts=20)
    lines = text.splitlines()
    assert "too few posts to test (fewer than 20 flagged or passed in every row):" in lines
    assert "  never: 0 flagged, 3,207 passed" in lines
    assert "never" not in lines  # no table for it
    assert lines[0] == "postlint report: retweets"
    assert "has-link" in lines
    assert any(line.lstrip().startswith("all posts") for line in lines)
    assert any(line.startswith("  → all posts: ") for line in lines)
    assert "not causes" in text


MALICIOUS = """\
text,likes,<b>user</b>
hello there,10,<script>alert(1)</script>
hello again,20,<script>alert(1)</script>
a longer post that goes on past one hundred characters for sure — lots and lots and lots of words here okay,5,x&y
another longer post that goes on past one hundred characters for sure — more and more and more words here ok,7,x&y
"""


def test_html_escapes_everything_from_the_export(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from postlint.evidence.command import run_report

    path = write(tmp_path, MALICIOUS)
    page = run_report(
        [path], metric="likes", by="<b>user</b>", fmt="html", flags_for=stub_flags, min_posts=1
    )
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "<b>" not in page
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page  # a group row of the table
    assert "&lt;b&gt;user&lt;/b&gt;" in page
    assert "x&amp;y" in page
    assert 'src="data:image/svg+xml;base64,' in page


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_plot_files(tmp_path: Path, suffix: str) -> None:
    pytest.importorskip("matplotlib")
    from postlint.evidence.command import run_report

    plot = tmp_path / f"plot{suffix}"
    run_report([OBAMA, TRUMP], metric="favorites", by="user", flags_for=stub_flags, plot=plot)
    content = plot.read_bytes()
    start = {".png": b"\x89PNG", ".svg": b"<?xml", ".html": b"<!DOCTYPE html>"}[suffix]
    assert content.startswith(start)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fmt": "yaml"}, "--format must be one of text, json, html"),
        ({"plot": "x.pdf"}, "--plot x.pdf: the file must end in .svg, .png or .html"),
        ({"normalize": "mean"}, "--normalize must be one of none, group-median"),
        ({"metric": "likes"}, "numeric columns found: replies, retweets, favorites"),
        ({"since": "2030-01-01"}, "no posts left to compare (left out: 3,207 outside dates)"),
    ],
)
def test_run_report_usage_errors(options: dict[str, str], message: str) -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.command import run_report

    arguments: dict[str, str] = {"metric": "favorites", **options}
    with pytest.raises(UsageError) as caught:
        run_report([OBAMA], flags_for=stub_flags, **arguments)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_postlint_starts_without_numpy_scipy_or_matplotlib() -> None:
    code = (
        "import sys, postlint.cli, postlint.evidence.command, postlint.evidence.history; "
        "print(sorted(m for m in ('numpy', 'scipy', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_plot_without_matplotlib_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("scipy")
    from postlint.evidence.command import run_report
    from postlint.evidence.stats import EXTRA_MESSAGE

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    calls: list[int] = []

    def flagger(texts: list[str]) -> dict[str, list[bool]]:
        calls.append(len(texts))
        return stub_flags(texts)

    with pytest.raises(EnvironmentProblem, match=EXTRA_MESSAGE.replace("[", r"\[")):
        run_report([OBAMA], metric="favorites", flags_for=flagger, plot="x.png")
    assert calls == []  # stopped before the (slow) lint run


@pytest.mark.parametrize(
    ("ratio", "low", "high", "words"),
    [
        (0.69, 0.60, 0.78, "31% lower, 95% CI 22–40%"),
        (0.92, 0.84, 1.02, "8% lower, 95% CI 16% lower to 2% higher"),
        (1.30, 1.10, 1.50, "30% higher, 95% CI 10–50%"),
        (1.30, 0.90, 1.50, "30% higher, 95% CI 10% lower to 50% higher"),
        (1.60, 1.20, float("inf"), "60% higher, 95% CI 20% higher to no upper bound"),
        (0.50, None, None, "50% lower"),
    ],
)
def test_change_in_words(ratio: float, low: float | None, high: float | None, words: str) -> None:
    from postlint.evidence.stats import _change_words

    assert _change_words(ratio, low, high) == words


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_round_trip(number: int) -> None:
    assert parse_number(f"{number:,}") == number


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_benjamini_hochberg_properties(p_values: list[float]) -> None:
    from postlint.evidence.stats import benjamini_hochberg

    adjusted = benjamini_hochberg(p_values)
    assert all(p <= a <= 1 for p, a in zip(p_values, adjusted, strict=True))
    # the adjustment keeps the order of the p-values
    pairs = sorted(zip(p_values, adjusted, strict=True))
    assert all(a <= b for (_, a), (_, b) in itertools.pairwise(pairs))
    assert adjusted == pytest.approx(_bh_by_hand(p_values))


@pytest.mark.filterwarnings("ignore:vert")  # what this test runs on is 3.10+, where vert warns
def test_picture_with_matplotlib_before_3_10(monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    from postlint.evidence.command import run_report

    monkeypatch.setattr(matplotlib, "__version__", "3.7.0")  # the extra's lowest version
    page = run_report([OBAMA], metric="retweets", flags_for=stub_flags, fmt="html")
    assert 'src="data:image/svg+xml;base64,' in page
