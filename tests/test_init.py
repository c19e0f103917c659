"""`postlint init`: a commented postlint.toml per playbook that passes check-config, the
team's platforms, questions at a terminal, and never an overwritten config."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint import init as setup
from postlint._toml import tomllib
from postlint.cli import cli


def run(args: list[str], input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("preset", "pack_rules"),
    [
        ("engagement", ["account-tag", "humour", "max-length", "tag-a-friend"]),
        ("reach", ["clickbait", "engagement-bait", "engagement-swap"]),
        (
            "service",
            ["canned-reply", "reply-acknowledges", "reply-deflects", "reply-mentions-user"],
        ),
    ],
)
def test_each_preset_writes_a_config_that_passes_check_config(
    project: Path, preset: str, pack_rules: list[str]
) -> None:
    code, out, err = run(["init", "--preset", preset, "--platform", "instagram"])
    assert (code, err) == (0, "")
    assert out.startswith(f"Wrote postlint.toml: the {preset} playbook, ")
    text = (project / "postlint.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["extends"] == [preset, "hygiene", "platforms"]
    assert data["platform"] == ["instagram"]
    for rule in pack_rules:
        assert f"#   {rule} " in text
    if preset == "engagement":
        # humour needs a trained model that is not part of these tests
        (project / "postlint.toml").write_text(text + '\nignore = ["humour"]\n', encoding="utf-8")
    code, out, err = run(["check-config"])
    assert (code, err) == (0, "")
    assert out.startswith("postlint.toml: ok (")


def test_the_file_explains_the_choice(project: Path) -> None:
    run(["init", "--preset", "reach"])
    text = (project / "postlint.toml").read_text(encoding="utf-8")
    assert text.startswith(
        "# postlint.toml, written by `postlint init --preset reach`.\n"
        "# Check it with `postlint check-config`; lint drafts with `postlint PATH`.\n"
        "#\n"
        "# Playbook: reach (anti-engagement): no engagement bait, clickbait or follow swaps.\n"
    )
    assert "Opposite of the engagement playbook" in text
    assert '# platform = ["instagram", "x"]\n' in text  # no --platform: a commented example
    assert all(len(line) <= setup.WIDTH for line in text.splitlines())


def test_platforms_are_repeatable_comma_separated_and_aliased(project: Path) -> None:
    code, _, _ = run(
        ["init", "--preset", "service", "--platform", "twitter,ig", "--platform", "Bluesky"]
    )
    assert code == 0
    data = tomllib.loads((project / "postlint.toml").read_text(encoding="utf-8"))
    assert data["platform"] == ["x", "instagram", "bluesky"]


def test_an_unknown_platform_is_a_usage_error(project: Path) -> None:
    assert run(["init", "--preset", "reach", "--platform", "instagrm"]) == (
        2,
        "",
        "postlint: error: --platform: unknown platform 'instagrm'; did you mean instagram?\n",
    )
    assert not (project / "postlint.toml").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("postlint.toml", 'extends = ["engagement"]\n'),
        (".postlint.toml", 'extends = ["engagement"]\n'),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.postlint]\nextends = ["reach"]\n'),
    ],
)
def test_an_existing_config_is_never_overwritten(project: Path, name: str, content: str) -> None:
    (project / name).write_text(content, encoding="utf-8")
    code, out, err = run(["init", "--preset", "service"])
    assert (code, out) == (2, "")
    assert err == (
        f"postlint: error: {name} already configures postlint here; not overwritten "
        "(edit it, or remove it and run postlint init again)\n"
    )
    assert (project / name).read_text(encoding="utf-8") == content
    assert not (project / "postlint.toml").exists() or name == "postlint.toml"


def test_a_pyproject_without_a_postlint_table_is_fine(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert run(["init", "--preset", "reach"])[0] == 0
    assert (project / "postlint.toml").is_file()


def test_writes_into_the_given_folder(project: Path) -> None:
    (project / "content").mkdir()
    code, out, _ = run(["init", "--preset", "reach", "content"])
    assert code == 0
    assert out.startswith(f"Wrote {Path('content', 'postlint.toml')}: the reach playbook")
    assert (project / "content" / "postlint.toml").is_file()


def test_without_a_terminal_it_asks_for_a_preset(project: Path) -> None:
    code, out, err = run(["init"])
    assert (code, out) == (2, "")
    assert (
        "no --preset given and no terminal to ask: choose --preset engagement, reach or service"
        in err
    )
    assert not (project / "postlint.toml").exists()


def test_at_a_terminal_it_asks(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(setup, "stdin_is_terminal", lambda: True)
    code, out, _ = run(["init"], input="service\nx, mastodon\n")
    assert code == 0, out
    assert "  reach       reach (anti-engagement): no engagement bait" in out
    data = tomllib.loads((project / "postlint.toml").read_text(encoding="utf-8"))
    assert data["extends"][0] == "service"
    assert data["platform"] == ["x", "mastodon"]


def test_at_a_terminal_a_wrong_answer_is_asked_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(setup, "stdin_is_terminal", lambda: True)
    code, out, _ = run(["init"], input="outreach\nreach\n\n")
    assert code == 0
    assert "Error: 'outreach' is not one of 'engagement', 'reach', 'service'." in out
    data = tomllib.loads((project / "postlint.toml").read_text(encoding="utf-8"))
    assert data["extends"][0] == "reach"
    assert "platform" not in data  # an empty answer: any platform
