"""Mistakes users make, through the command line: each is one line naming the file and the
key (or a draft problem at the right line), with a did-you-mean, and never a crash or a
check silently switched off."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.errors import closest, did_you_mean
from postlint.platforms import PLATFORMS

RULE = """kind = "phrases"
severity = "warning"
message = "{message}"

[options]
patterns = ["buy now"]

[doc]
what = "Flags a sales phrase."
why = "Tests need a user rule whose message they control."
source = "tests/test_cli_errors.py"
example = "buy now"
use_instead = "hello"
"""
LONG = "Our new season lands this Friday at nine, and it is the best one yet. " * 5


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def brand(project: Path) -> Path:
    """A project with a user pack `brand` holding one rule, `sales`."""
    (project / "brand").mkdir()
    (project / "postlint.toml").write_text('packs = ["./brand"]\nextends = ["brand"]\n')
    (project / "d.txt").write_text("please buy now\n")
    return project


def write_rule(project: Path, message: str) -> Path:
    path = project / "brand" / "sales.toml"
    path.write_text(RULE.replace("{message}", message.replace('"', '\\"')), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- message templates


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (
            "m {match:d}",
            "{match:d}: format spec 'd' fails on a string, which {match} may hold; use width "
            "and alignment only, such as {match:>8}, or no spec",
        ),
        (
            "m {match.foo}",
            "{match.foo}: attribute and index access is not supported; write {match}",
        ),
        ("m {match[3]}", "{match[3]}: attribute and index access is not supported; write {match}"),
        ("m {}", "{}: name the field, such as {match}"),
        ("m {0}", "{0}: name the field, such as {match}"),
        ("m {match!x}", "{match!x}: unknown conversion !x (expected !r, !s or !a)"),
        ("m {match:{width}}", "{match:{width}}: nested fields in a format spec are not supported"),
        ("m {match", "invalid template 'm {match': expected '}' before end of string"),
        # internal (derived) option fields such as `compiled` are not offered
        (
            "m {compiled}",
            "unknown field {compiled} (available: ignore_case, match, mode, patterns)",
        ),
        (
            "m {mach}",
            "unknown field {mach}; did you mean match? "
            "(available: ignore_case, match, mode, patterns)",
        ),
    ],
)
def test_a_bad_message_template_is_a_config_error_naming_the_rule_file(
    brand: Path, message: str, error: str
) -> None:
    rule = write_rule(brand, message)
    expected = f"postlint: error: {rule.resolve()}: message: {error}\n"
    assert run(["check-config"]) == (2, "", expected)
    assert run(["check", "--no-cache", "d.txt"]) == (2, "", expected)


def test_a_format_spec_that_suits_every_value_is_filled(brand: Path) -> None:
    write_rule(brand, "[{match:*>9}] {match!r}")
    code, out, _ = run(["check", "--no-cache", "-f", "concise", "d.txt"])
    assert (code, out) == (1, "d.txt:1:8: warning [sales] [**buy now] 'buy now'\n")


def test_a_config_message_is_checked_against_the_option_types(project: Path) -> None:
    (project / "d.txt").write_text("hello\n")
    (project / "postlint.toml").write_text(
        '[rules.max-length]\nmessage = "{length} {unit:d}"\n', encoding="utf-8"
    )
    code, _, err = run(["check-config"])
    assert code == 2
    assert err == (
        "postlint: error: postlint.toml: rules.max-length.message: {unit:d}: format spec "
        "'d' fails on a string, which {unit} may hold; use width and alignment only, such "
        "as {unit:>8}, or no spec\n"
    )
    (project / "postlint.toml").write_text('[rules.max-length]\nmessage = "{max:03d} max"\n')
    assert run(["check-config"])[0] == 0


# --------------------------------------------------------------------------- platforms


def test_a_misspelt_platform_on_the_command_line_is_a_usage_error(project: Path) -> None:
    (project / "d.txt").write_text("hello\n")
    code, out, err = run(["--platform", "xx", "d.txt"])
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "Error: Invalid value for --platform: unknown platform 'xx'; did you mean x?"
    )
    code, _, err = run(["--platform", "zzzzzz", "d.txt"])
    assert code == 2
    assert err.splitlines()[-1] == (
        "Error: Invalid value for --platform: unknown platform 'zzzzzz' "
        f"(known: {', '.join(PLATFORMS)})"
    )


@pytest.mark.parametrize(
    ("config", "error"),
    [
        (
            'platform = ["instagrm"]\n',
            "postlint.toml: platform: unknown platform 'instagrm'; did you mean instagram?",
        ),
        (
            '[[overrides]]\nfiles = ["*.md"]\nplatform = "tiktk"\n',
            "postlint.toml: overrides[0].platform: unknown platform 'tiktk'; did you mean tiktok?",
        ),
    ],
)
def test_a_misspelt_platform_in_the_config_is_a_config_error(
    project: Path, config: str, error: str
) -> None:
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    assert run(["check-config"]) == (2, "", f"postlint: error: {error}\n")


def test_a_misspelt_platform_in_a_rule_file_is_a_config_error(brand: Path) -> None:
    rule = write_rule(brand, "m {match}")
    rule.write_text(
        rule.read_text().replace("[options]", '[applies-to]\nplatforms = ["linkdin"]\n\n[options]')
    )
    assert run(["check-config"]) == (
        2,
        "",
        f"postlint: error: {rule.resolve()}: applies-to.platforms: unknown platform "
        "'linkdin'; did you mean linkedin?\n",
    )


def test_a_misspelt_platform_in_a_draft_is_a_problem_at_its_line(project: Path) -> None:
    (project / "postlint.toml").write_text('extends = ["platforms"]\n')
    (project / "a.md").write_text(f"---\ntitle: hi\nplatform: [x, twiter]\n---\n{LONG}\n")
    (project / "b.csv").write_text(f'id,text,platform\n1,hello,instagrm\n2,"{LONG}",twitter\n')
    (project / "c.jsonl").write_text('{"text": "hello", "platform": "instgram"}\n')
    code, out, _ = run(["check", "--no-cache", "-f", "concise", "a.md", "b.csv", "c.jsonl"])
    assert code == 1
    assert out.splitlines() == [
        "a.md:3:15: error [draft-error] front matter: platform: unknown platform 'twiter'; "
        "did you mean twitter?",
        # the platforms that are spelt right are still checked, and the run goes on
        "a.md:5:281: error [platform-length] x: 349 weighted characters; limit is 280",
        "b.csv:2:9: error [draft-error] platform: unknown platform 'instagrm'; "
        "did you mean instagram?",
        "b.csv:3:284: error [platform-length] x: 349 weighted characters; limit is 280",
        "c.jsonl:1:31: error [draft-error] platform: unknown platform 'instgram'; "
        "did you mean instagram?",
    ]


# --------------------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("name", "choices", "match"),
    [
        ("maks", ("severity", "enabled", "message", "max", "unit"), "max"),
        ("explian", ("check", "explain", "rules"), "explain"),
        ("max-lenght", ("max-length", "humour"), "max-length"),
        ("xx", PLATFORMS, "x"),
        ("Instagrm", PLATFORMS, "instagram"),
        # nothing close: no suggestion rather than a wild guess
        ("ab", PLATFORMS, None),
        ("foo", ("rules", "check", "explain"), None),
        ("drafts", ("rules", "check", "explain", "server", "report"), None),
    ],
)
def test_closest_suggests_short_names_too(
    name: str, choices: tuple[str, ...], match: str | None
) -> None:
    assert closest(name, choices) == match
    assert did_you_mean(name, choices) == (f"; did you mean {match}?" if match else "")


def test_a_misspelt_short_option_gets_a_suggestion(project: Path) -> None:
    (project / "postlint.toml").write_text("[rules.max-length]\nmaks = 3\n")
    assert run(["check-config"]) == (
        2,
        "",
        "postlint: error: postlint.toml: rules.max-length.maks: unknown option; "
        "did you mean max?\n",
    )


def test_a_misspelt_command_is_not_all_clear(project: Path) -> None:
    code, out, err = run(["explian", "max-length"])
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "postlint: error: explian: no such file or folder; did you mean the command 'explain'?",
        "postlint: error: max-length: no such file or folder",
    ]


def test_missing_paths_beside_clean_files_are_not_all_clear(project: Path) -> None:
    (project / "postlint.toml").write_text('extends = ["hygiene"]\n')
    (project / "a.txt").write_text("hello\n")
    code, out, err = run(["check", "--no-cache", "a.txt", "gone.txt"])
    assert (code, out) == (2, "No problems in 1 file; 1 path not found.\n")
    assert err == "postlint: error: gone.txt: no such file or folder\n"


# --------------------------------------------------------------------------- small messages


def test_a_missing_extends_file_names_the_config_and_the_key(project: Path) -> None:
    (project / "postlint.toml").write_text('extends = ["./nofile.toml"]\n')
    assert run(["check-config"]) == (
        2,
        "",
        "postlint: error: postlint.toml: extends: ./nofile.toml: no such file\n",
    )


def test_paths_named_on_the_command_line_say_what_is_wrong(project: Path) -> None:
    os.symlink("loop-b", project / "loop-a")
    os.symlink("loop-a", project / "loop-b")
    os.symlink("nowhere.txt", project / "dangling.txt")
    code, out, err = run(["check", "--no-cache", "loop-a", "dangling.txt"])
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "postlint: error: loop-a: symlink loop",
        "postlint: error: dangling.txt: broken symlink (to nowhere.txt)",
    ]


def test_explain_shows_an_unset_option_as_a_toml_comment(project: Path) -> None:
    code, out, _ = run(["explain", "humour"])
    assert code == 0
    assert "    # threshold: not set" in out.splitlines()
    assert "None" not in out


# --------------------------------------------------------------------------- doc examples


@pytest.mark.parametrize(
    ("example", "use_instead", "error"),
    [
        ("please buy now", "please read on", None),
        ("please read on", "please read on", "doc.example: 'please read on' does not trigger"),
        ("please buy now", "buy now, today", "doc.use_instead: 'buy now, today' triggers"),
    ],
)
def test_check_config_holds_a_team_rule_to_its_own_examples(
    brand: Path, example: str, use_instead: str, error: str | None
) -> None:
    """The README promises that a rule's `example` triggers it and `use_instead` does not:
    `check-config` checks it for a team's own packs (the shipped ones: the test suite)."""
    rule = write_rule(brand, "m {match}")
    text = rule.read_text(encoding="utf-8")
    rule.write_text(
        text.replace('example = "buy now"', f'example = "{example}"').replace(
            'use_instead = "hello"', f'use_instead = "{use_instead}"'
        ),
        encoding="utf-8",
    )
    code, out, err = run(["check-config"])
    if error is None:
        assert (code, err) == (0, "")
        assert out.startswith("postlint.toml: ok (")
    else:
        assert (code, out) == (2, "")
        assert err == f"postlint: error: brand/sales.toml: {error} the rule\n"
