"""The fast path of `postlint [--no-cache] [--cache-dir DIR] PATH...` (postlint.cli): the same output, errors
and exit codes as the click command, without importing click; every other command line
goes to click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from postlint import __version__
from postlint import cli as cli_module
from postlint.commands import cli
from tests.conftest import postlint_in_fresh_python, run_python

CLICK = """
import sys
from postlint.commands import cli
sys.argv = ["postlint", *sys.argv[1:]]
cli(prog_name="postlint")
"""


def _click(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """Through the click group itself."""
    done = run_python(CLICK, args, cwd, env)
    return done.returncode, done.stdout, done.stderr


def _fast(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """Through `postlint.cli.main`, as the console script runs; stderr ends with whether
    click got imported."""
    done = postlint_in_fresh_python(
        args,
        cwd,
        "print('click imported:', 'click' in sys.modules, file=sys.stderr)\n"
        "sys.exit(postlint_exit)\n",
        env,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("Tag a friend 😂 @netflix #throwbackthursday\n")
    (tmp_path / "clean.txt").write_text("Short and fine @netflix\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "b.md").write_text("---\nplatform: x\n---\nHello #blessed\n")
    (tmp_path / "folder" / "empty.txt").write_text("")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "postlint.toml").write_text("fail-on = 'sometimes'\n")
    (tmp_path / "broken" / "c.txt").write_text("Hello\n")
    return tmp_path


def test_the_command_names_are_the_groups() -> None:
    assert sorted(cli.commands) == sorted(cli_module.COMMANDS)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["a.txt"], (("a.txt",), False, None)),
        (["--no-cache", "a.txt", "b"], (("a.txt", "b"), True, None)),
        (["a.txt", "--no-cache", "b", "--no-cache"], (("a.txt", "b"), True, None)),
        (["--cache-dir", "c", "a.txt"], (("a.txt",), False, "c")),
        (["a.txt", "--cache-dir=c", "--no-cache"], (("a.txt",), True, "c")),
        ([], None),
        (["--no-cache"], None),
        (["--cache-dir", "c"], None),
        (["a.txt", "--cache-dir"], None),  # click: the option needs a value
        (["--cache-dir", "--no-cache", "a.txt"], None),  # click takes it as the value
        (["--cache-dir=", "a.txt"], None),
        (["--cache-dir", "c", "--cache-dir", "d", "a.txt"], None),
        (["check", "a.txt"], None),
        (["rules"], None),
        (["a.txt", "-"], None),
        (["-f", "json", "a.txt"], None),
        (["a.txt", "--format=json"], None),
        (["--no-cach", "a.txt"], None),
        (["--version"], None),
        (["--help"], None),
        (["a.txt", "--", "b"], None),
    ],
)
def test_only_plain_paths_take_the_fast_path(
    args: list[str], line: tuple[tuple[str, ...], bool, str | None] | None
) -> None:
    assert cli_module.fast_paths(args) == line


def test_a_cache_dir_that_is_a_file_goes_to_click(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.chdir(tmp_path)
    assert cli_module.fast_paths(["--cache-dir", "file", "a.txt"]) is None
    assert cli_module.fast_paths(["--cache-dir", "new", "a.txt"]) == (("a.txt",), False, "new")


def test_shell_completion_goes_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_POSTLINT_COMPLETE", "bash_complete")
    assert cli_module.fast_paths(["a.txt"]) is None


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--no-cache", "a.txt"], {}),
        (["a.txt", "--no-cache", "clean.txt", "folder"], {}),
        (["--no-cache", "clean.txt"], {}),
        (["--no-cache", "a.txt"], {"FORCE_COLOR": "1"}),
        (["--no-cache", "missing.txt", "explian", "a.txt"], {}),
        (["--no-cache", "broken/c.txt"], {}),
        (["folder", "clean.txt"], {}),  # the result cache: written, then read
        (["--cache-dir", "kept", "folder", "a.txt"], {}),
        (["a.txt", "--cache-dir=kept"], {}),
        (["--cache-dir", "clean.txt", "a.txt"], {}),  # a file: click's error
    ],
)
def test_the_fast_path_prints_and_exits_as_click_does(
    drafts: Path, args: list[str], env: dict[str, str]
) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    environ.update(env)
    code, out, err = _fast(args, drafts, environ)
    err, imported = err.rsplit("click imported: ", 1)
    # click.echo prints notices and errors, click.style colours
    assert imported == ("True\n" if err or env else "False\n")
    assert (code, out, err) == _click(args, drafts, environ)
    assert code in (0, 1, 2)


def test_other_command_lines_go_to_click(drafts: Path) -> None:
    code, out, err = _fast(["-f", "concise", "--no-cache", "a.txt"], drafts, dict(os.environ))
    assert err.endswith("click imported: True\n")
    assert (code, out) == _click(
        ["-f", "concise", "--no-cache", "a.txt"], drafts, dict(os.environ)
    )[:2]


def test_version_prints_as_click_does_without_importing_it(tmp_path: Path) -> None:
    probe = (
        "print('imported:', sorted(m for m in ('click', 'typing', 'pathlib', 'postlint.errors')"
        " if m in sys.modules), file=sys.stderr)\nsys.exit(postlint_exit)\n"
    )
    done = postlint_in_fresh_python(["--version"], tmp_path, probe, dict(os.environ))
    assert done.stderr == "imported: []\n"
    assert (done.returncode, done.stdout, "") == _click(["--version"], tmp_path, dict(os.environ))
    assert done.stdout == f"postlint, version {__version__}\n"
    # anything more on the command line is click's to read
    for args in (["--version", "a.txt"], ["-V"], ["--version", "--help"]):
        fast = _fast(args, tmp_path, dict(os.environ))
        assert fast[2].endswith("click imported: True\n")
        assert (fast[0], fast[1]) == _click(args, tmp_path, dict(os.environ))[:2]
