"""`postlint report` end to end: the CLI, the real lint engine, the FiveThirtyEight history."""

from __future__ import annotations

import csv
import json
import statistics
from pathlib import Path
from typing import Any

import pytest
import regex
from click.testing import CliRunner

from postlint.cli import cli

pytest.importorskip("scipy")

DATA = Path(__file__).parent / "data" / "engagement"
HISTORY = [str(DATA / "BarackObama_utf8.csv"), str(DATA / "realDonaldTrump_utf8.csv")]


def rows_of(user: str) -> list[dict[str, str]]:
    with (DATA / f"{user}_utf8.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_report_runs_the_enabled_rules_on_the_real_history() -> None:
    from postlint.evidence.flagger import LintFlagger

    result = CliRunner().invoke(
        cli, ["report", *HISTORY, "--metric", "favorites", "--by", "user", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["posts"] == 6439
    groups = ["BarackObama", "realDonaldTrump"]
    assert document["groups"] == groups
    # every rule the config enables (humour too), pooled first (group null), then per user
    enabled = LintFlagger(Path(HISTORY[0])).rule_names
    assert "humour" in enabled
    assert [(row["rule"], row["group"]) for row in document["rules"]] == [
        (rule, group) for rule in enabled for group in (None, *groups)
    ]
    for row in document["rules"]:
        sides = row["flagged"] + row["passed"]
        assert sides == (6439 if row["group"] is None else 3207 if row["group"] == groups[0]
                         else 3232)  # fmt: skip
        if row["p_adjusted"] is None:
            assert row["verdict"].startswith("too few posts to test")
            continue
        assert row["p_value"] <= row["p_adjusted"] <= 1
        if row["ratio"] is not None:
            high = float("inf") if row["ci_high"] is None else row["ci_high"]
            assert row["ci_low"] <= row["ratio"] <= high
        if ": evidence " in row["verdict"]:  # not "weak evidence", not "no evidence"
            # the adjusted test and the interval agree
            assert row["p_adjusted"] < 0.05
            assert row["ci_high"] is not None and (row["ci_high"] < 1 or row["ci_low"] > 1)
    rows = {(row["rule"], row["group"]): row for row in document["rules"]}

    # max-length (40 graphemes), counted independently of the linter
    obama = rows_of("BarackObama")
    long_posts = [r for r in obama if len(regex.findall(r"\X", r["text"])) > 40]
    short = rows[("max-length", "BarackObama")]
    assert (short["flagged"], short["passed"]) == (len(long_posts), 10) == (3197, 10)
    median = statistics.median(float(r["favorites"]) for r in obama)
    assert short["median_flagged"] == pytest.approx(
        statistics.median(float(r["favorites"]) / median for r in long_posts)
    )
    # Obama's ten tweets of 40 characters or fewer had a median six times his usual.
    assert short["ratio"] == pytest.approx(0.163, abs=0.005)
    assert short["p_adjusted"] < 0.001
    trump_short = rows[("max-length", "realDonaldTrump")]
    assert (trump_short["flagged"], trump_short["passed"]) == (3174, 58)
    assert trump_short["p_adjusted"] > 0.05
    assert trump_short["verdict"].startswith("no evidence either way")

    # account-tag flags posts that tag nobody: here they did BETTER than posts with a mention.
    tag = rows[("account-tag", None)]
    assert (tag["flagged"], tag["passed"]) == (4897, 1542)
    assert tag["ratio"] == pytest.approx(1.61, abs=0.01)
    assert tag["ci_low"] <= tag["ratio"] <= tag["ci_high"]
    assert tag["verdict"].endswith("evidence against this rule on your audience")


def test_report_text_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    plot = tmp_path / "report.png"
    result = CliRunner().invoke(
        cli,
        ["report", HISTORY[1], "--metric", "retweets", "--select", "max-length", "--ignore", "humour",
         "--since", "2017-01-01", "--date", "created_at", "--plot", str(plot)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("postlint report: retweets\n")
    assert "\nmax-length\n" in result.output
    before = [r for r in rows_of("realDonaldTrump") if r["created_at"].split()[0].endswith("/16")]
    assert f"left out: {len(before):,} outside dates" in result.output
    assert "left out: 1,228 outside dates" in result.output
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_report_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["report", HISTORY[0], "--metric", "likes"])
    assert result.exit_code == 2
    assert "no metric column 'likes'; numeric columns found: replies, retweets, favorites" in (
        result.output
    )


def test_the_exports_other_columns_are_the_posts_metadata(tmp_path: Path) -> None:
    """A `platform` column decides where a platform rule applies, as in a lint of the export."""
    from postlint.evidence.command import run_report
    from postlint.evidence.flagger import LintFlagger

    history = tmp_path / "history.csv"
    lines = ["text,platform,likes"]
    for i in range(40):
        platform = "instagram" if i % 2 else "x"
        lines.append(f"New recipe on the blog https://example.com/{i},{platform},{100 + i}")
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # found by walking up from the history, as for a draft
    (tmp_path / "postlint.toml").write_text('extends = ["platforms"]\n', encoding="utf-8")
    flagger = LintFlagger(history, select=["link-in-caption"])
    document = json.loads(run_report(history, metric="likes", flags_for=flagger, fmt="json"))
    row = next(r for r in document["rules"] if r["rule"] == "link-in-caption")
    assert (row["flagged"], row["passed"]) == (20, 20)
    assert row["median_flagged"] == statistics.median(100 + i for i in range(1, 40, 2))


def test_the_configs_text_column_is_the_historys(tmp_path: Path) -> None:
    from postlint.evidence.command import run_report
    from postlint.evidence.flagger import LintFlagger

    history = tmp_path / "history.csv"
    rows = [
        f"{'short' if i % 2 else 'a much longer caption than forty characters'},{i}"
        for i in range(30)
    ]
    history.write_text("copy,likes\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "postlint.toml").write_text(
        'extends = ["platforms"]\n[drafts]\ntext-column = "copy"\n', encoding="utf-8"
    )
    flagger = LintFlagger(history, select=["max-length"])
    document = json.loads(run_report(history, metric="likes", flags_for=flagger, fmt="json"))
    row = next(r for r in document["rules"] if r["rule"] == "max-length")
    assert (row["flagged"], row["passed"]) == (15, 15)


def two_accounts(folder: Path) -> Path:
    """A big and a small account; long posts flagged by max-length in both."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["account,text,likes"]
    for i in range(24):
        text = "short one" if i % 2 else "a much longer caption than forty characters clearly"
        lines.append(f"big,{text},{1000 + 37 * i}")
        lines.append(f"small,{text},{10 + i}")
    history = folder / "history.csv"
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "postlint.toml").write_text('extends = ["platforms"]\n', encoding="utf-8")
    return history


def report_json(*arguments: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["report", *arguments, "--select", "max-length", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def max_length(document: dict[str, Any]) -> dict[str, Any]:
    """The pooled max-length row."""
    row: dict[str, Any] = next(
        r for r in document["rules"] if r["rule"] == "max-length" and r["group"] is None
    )
    assert (row["flagged"], row["passed"]) == (24, 24)
    return row


def test_normalize_defaults_to_group_median_with_by(tmp_path: Path) -> None:
    history = str(two_accounts(tmp_path))
    with (tmp_path / "history.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    median_of = {
        account: statistics.median(float(r["likes"]) for r in rows if r["account"] == account)
        for account in ("big", "small")
    }
    normalised_passed = statistics.median(
        float(r["likes"]) / median_of[r["account"]] for r in rows if r["text"] == "short one"
    )

    by_default = report_json(history, "--metric", "likes", "--by", "account")
    explicit = report_json(
        history, "--metric", "likes", "--by", "account", "--normalize", "group-median"
    )
    assert by_default == explicit
    pooled = max_length(by_default)
    assert pooled["median_passed"] == pytest.approx(normalised_passed)

    raw = report_json(history, "--metric", "likes", "--by", "account", "--normalize", "none")
    raw_pooled = max_length(raw)
    assert raw_pooled["median_passed"] == statistics.median(
        float(r["likes"]) for r in rows if r["text"] == "short one"
    )
    # without --by there is no group to divide by: raw values
    assert max_length(report_json(history, "--metric", "likes")) == raw_pooled


def test_nothing_is_written_beside_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    history = two_accounts(tmp_path / "in")
    (tmp_path / "out").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    plot = tmp_path / "out" / "picture.png"

    def listing() -> list[str]:
        return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))

    before = listing()
    result = CliRunner().invoke(
        cli,
        ["report", str(history), "--metric", "likes", "--by", "account", "--select",
         "max-length", "--format", "html", "--plot", str(plot)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("<!DOCTYPE html>")
    assert listing() == sorted([*before, "out/picture.png"])


def test_a_history_with_one_post_is_a_usage_error(tmp_path: Path) -> None:
    history = tmp_path / "one.csv"
    history.write_text("text,likes\nour only post so far,12\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(history), "--metric", "likes"])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        f"{history}: only 1 post left to compare (left out: none); a report needs at least 2"
    )
    assert len(result.output.strip().splitlines()) == 1
