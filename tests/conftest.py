"""Shared test helpers: lint a draft written into a temporary project."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from postlint.config import CommandLine, Resolver
from postlint.linter import Problem, RunState
from postlint.runner import Result, lint_file

ROOT = Path(__file__).resolve().parent.parent


def lint_draft(
    folder: Path,
    text: str | bytes,
    file: str = "draft.txt",
    config: str | None = None,
    select: tuple[str, ...] = (),
) -> Result:
    """Write `text` as `folder/file` (and `config` as postlint.toml) and lint it."""
    folder.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (folder / "postlint.toml").write_text(config, encoding="utf-8")
    path = folder / file
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    resolver = Resolver(None, CommandLine(select=select))
    return lint_file(path, resolver, RunState())


def rule_problems(result: Result, rule: str) -> list[Problem]:
    return [p for p in result.problems if p.rule == rule]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, also the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI every check must run: a skipped test there (a missing test dependency)
    fails the run instead of passing silently."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter is not None:
            reporter.write_line(f"CI: {skipped} tests were skipped; every check must run on CI")


def postlint_in_fresh_python(
    args: list[str], cwd: Path, after: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `postlint ARGS` in a fresh interpreter (so `sys.modules` starts empty) through
    its entry point, `postlint.cli.main`, as the console script does; then the code
    `after` there (to print what the run imported), which finds postlint's exit code in
    `postlint_exit` (the process exits 0 unless `after` exits otherwise)."""
    code = (
        "import sys\n"
        "from postlint.cli import main\n"
        "sys.argv = ['postlint', *sys.argv[1:]]\n"
        "postlint_exit = 0\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    postlint_exit = exc.code\n"
    ) + after
    return run_python(code, args, cwd, env)


def run_python(
    code: str,
    args: Sequence[str] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -c CODE ARGS...` in a fresh interpreter, output captured as text."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
