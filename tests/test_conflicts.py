"""Conflicts: a config that enables two rules that contradict each other is an error that
names both and the way out, unless the user chose one of them by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.packs import builtin_catalog

ERROR = (
    "postlint: error: postlint.toml: rules tag-a-friend (engagement) and engagement-bait "
    '(reach) contradict each other: ignore one (ignore = ["tag-a-friend"]) or keep both '
    "on purpose with [rules.engagement-bait] enabled = true\n"
)
#: the humour rule needs a trained model that is not part of these tests
QUIET = '\nignore = ["humour"]\n'


def run(
    project: Path, config: str, args: tuple[str, ...] = ("check-config",)
) -> tuple[int, str, str]:
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_engagement_bait_declares_its_contradiction() -> None:
    catalog = builtin_catalog()
    on = set(catalog.packs["engagement"].rules) | set(catalog.packs["reach"].rules)
    assert ("tag-a-friend", "engagement-bait", "engagement-bait") in catalog.conflicting(on)
    assert catalog.conflicting(catalog.packs["reach"].rules) == []


def test_extending_both_playbooks_is_an_error(project: Path) -> None:
    assert run(project, 'extends = ["engagement", "reach"]\n') == (2, "", ERROR)


def test_linting_with_both_playbooks_stops_before_any_file(project: Path) -> None:
    (project / "post.txt").write_text("Tag a friend who likes to nap!\n", encoding="utf-8")
    assert run(project, 'extends = ["engagement", "reach"]\n', ("post.txt",)) == (2, "", ERROR)


def test_the_default_config_plus_reach_selected_as_a_pack_is_an_error(project: Path) -> None:
    code, _, err = run(project, 'select = ["reach"]\n')
    assert code == 2
    assert "rules tag-a-friend (engagement) and engagement-bait (reach) contradict" in err


@pytest.mark.parametrize(
    "config",
    [
        # choosing the reach playbook instead of the engagement one
        'extends = ["reach"]\n',
        # ignoring one of the two
        'extends = ["engagement", "reach"]\nignore = ["tag-a-friend", "humour"]\n',
        'extends = ["engagement", "reach"]\nignore = ["engagement-bait", "humour"]\n',
        # keeping both on purpose
        'extends = ["engagement", "reach"]' + QUIET + "[rules.engagement-bait]\nenabled = true\n",
        'extends = ["engagement", "reach"]' + QUIET + "[rules.tag-a-friend]\nenabled = true\n",
        # selecting a rule by name is choosing it
        'select = ["engagement-bait"]' + QUIET,
    ],
)
def test_a_choice_by_name_resolves_the_conflict(project: Path, config: str) -> None:
    code, out, err = run(project, config)
    assert (code, err) == (0, "")
    assert out.startswith("postlint.toml: ok (")


def test_selecting_the_rule_on_the_command_line_is_a_choice(project: Path) -> None:
    (project / "post.txt").write_text("Tag a friend who likes to nap!\n", encoding="utf-8")
    code, out, err = run(
        project,
        'extends = ["engagement", "reach"]' + QUIET,
        ("-f", "concise", "--select", "engagement-bait", "post.txt"),
    )
    assert (code, err) == (1, "")
    assert "post.txt:1:1: warning [engagement-bait] tag baiting: asks readers to tag friends" in out


def test_pyproject_message_names_the_tool_table(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.postlint]\nextends = ["engagement", "reach"]\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check-config"])
    assert result.exit_code == 2
    assert result.stderr.endswith("with [tool.postlint.rules.engagement-bait] enabled = true\n")


def _pack(root: Path, name: str, meta: str, rules: dict[str, str]) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "pack.toml").write_text(meta, encoding="utf-8")
    for rule, extra in rules.items():
        (folder / f"{rule}.toml").write_text(
            'kind = "phrases"\nmessage = "m"\n' + extra + "\n[options]\npatterns = ['x']\n"
            "[doc]\nwhat = 'w'\nwhy = 'y'\nsource = 's'\nexample = 'x'\nuse_instead = 'y'\n",
            encoding="utf-8",
        )


def test_a_pack_can_declare_the_packs_it_contradicts(project: Path) -> None:
    _pack(
        project, "long-form", 'description = "d"\nconflicts = ["short-form"]\n', {"min-words": ""}
    )
    _pack(project, "short-form", 'description = "d"\n', {"max-words": ""})
    config = 'packs = ["long-form", "short-form"]\nextends = ["long-form", "short-form"]\n'
    assert run(project, config) == (
        2,
        "",
        "postlint: error: postlint.toml: rules max-words (short-form) and min-words "
        "(long-form) contradict each other (pack long-form declares conflicts with "
        'short-form): ignore one (ignore = ["max-words"]) or keep both on purpose with '
        "[rules.min-words] enabled = true\n",
    )
    code, _, err = run(project, config + 'ignore = ["max-words"]\n')
    assert (code, err) == (0, "")


def test_a_rule_can_declare_a_whole_pack(project: Path) -> None:
    _pack(project, "quiet", 'description = "d"\n', {"no-caps": 'conflicts = ["loud"]'})
    _pack(project, "loud", 'description = "d"\n', {"caps": "", "bangs": ""})
    config = 'packs = ["quiet", "loud"]\nextends = ["quiet", "loud"]\n'
    code, _, err = run(project, config)
    assert code == 2
    assert "rules bangs (loud) and no-caps (quiet) contradict each other:" in err
    # choosing the declaring rule keeps it with every rule of the other pack
    code, _, err = run(project, config + "[rules.no-caps]\nenabled = true\n")
    assert (code, err) == (0, "")
