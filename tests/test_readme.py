"""The README tells the truth: its quickstart is what CI runs, its rule table is what
`postlint rules` prints, and every block marked `<!-- readme-test -->` is the real output
of its commands, run with the installed `postlint` on a copy of the examples."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: a tested block: the marker, then a fenced console block of `$ command` lines, each
#: followed by the exact output (stdout and stderr together) it prints
_TESTED = re.compile(r"<!-- readme-test -->\n```console\n(.*?)```", re.S)
POSTLINT = Path(sys.executable).with_name("postlint")


def _blocks() -> list[tuple[str, str]]:
    """(command, expected output) for every command of every tested block."""
    found = []
    for block in _TESTED.findall(README):
        command: str | None = None
        lines: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, "".join(lines)))
                command, lines = line[2:], []
            else:
                lines.append(line + "\n")
        if command is not None:
            found.append((command, "".join(lines)))
    return found


BLOCKS = _blocks()


def test_the_readme_has_tested_blocks() -> None:
    assert len(BLOCKS) >= 4
    assert all(re.match(r"(cd \S+ && )?postlint ", command) for command, _ in BLOCKS)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the examples, so running them writes no cache into the checkout."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", root / "examples", ignore=shutil.ignore_patterns(".*"))
    return root


@pytest.mark.parametrize(("command", "expected"), BLOCKS, ids=[c for c, _ in BLOCKS])
def test_a_readme_block_is_the_real_output(examples: Path, command: str, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")}
    env.update(NO_COLOR="1", TERM="dumb", XDG_CACHE_HOME=str(examples / ".cache"))
    # commands on the examples run on the copy; the others (explain) in the checkout
    cwd = examples if "examples/" in command else ROOT
    if command.startswith("cd "):
        folder, command = command[3:].split(" && ", 1)
        cwd = cwd / folder
    args = command.split()
    out = subprocess.run(
        [str(POSTLINT), *args[1:]],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    ).stdout
    assert out == expected


def test_the_quickstart_has_two_command_lines_and_ci_runs_the_second() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("```console\n", 1)[1]
    lines = quickstart.split("```", 1)[0].splitlines()
    assert lines == [
        "pip install . && postlint examples/drafts",
        "pip install -e '.[test]' && python -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines[1] in ci


def test_the_rule_table_is_what_postlint_rules_prints() -> None:
    table = README.split("<!-- rules-table -->\n", 1)[1].split("<!-- /rules-table -->", 1)[0]
    printed = subprocess.run(
        [str(POSTLINT), "rules", "--format", "markdown"],
        cwd=ROOT / "tests",  # no config of the checkout's own applies
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert table == printed
    for rule in (ROOT / "rules").glob("*/*.toml"):
        if rule.name != "pack.toml":
            assert f"| `{rule.stem}` |" in table
