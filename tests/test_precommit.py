"""The pre-commit hook, run by the real `pre-commit`: `try-repo` against a clone of this
checkout's HEAD installs postlint into a hook environment (once per test module, shared
through PRE_COMMIT_HOME) and runs it on a content repository's drafts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: warnings (other engagement rules) are shown but only errors fail the commit
CONFIG = """\
fail-on = "error"

[rules.max-length]
severity = "error"
"""
CLEAN = "Tag a friend @StrangerThings lol\n"
LONG = "Our new season of Stranger Things lands this Friday at 9pm, tag a friend @netflix lol"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """A clone of this checkout's HEAD (what a content repo would pin), its commit, and
    an environment whose PRE_COMMIT_HOME keeps the hook's virtualenv across the tests."""
    base = tmp_path_factory.mktemp("precommit")
    source = base / "postlint"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(source), cwd=base)
    rev = git("rev-parse", "HEAD", cwd=source).strip()
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(base / "home")
    env.pop("VIRTUAL_ENV", None)
    env["NO_COLOR"] = "1"
    return source, rev, env


def content_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    git("init", "--quiet", cwd=path)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    git("add", ".", cwd=path)
    return path


def try_repo(
    repo: Path, hook: tuple[Path, str, dict[str, str]]
) -> subprocess.CompletedProcess[str]:
    source, rev, env = hook
    return subprocess.run(
        [
            *(sys.executable, "-m", "pre_commit", "try-repo", str(source), "postlint"),
            *("--ref", rev, "--all-files", "--color", "never"),
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_error_level_problems_and_shows_them(
    tmp_path: Path, hook_repo: tuple[Path, str, dict[str, str]]
) -> None:
    repo = content_repo(
        tmp_path / "content",
        {
            "postlint.toml": CONFIG,
            "drafts/launch.md": f"---\nplatform: instagram\n---\n{LONG}\n",
            "drafts/ok.txt": CLEAN,
            "drafts/posts.csv": f'text,platform\n"{LONG}",x\n',
            "drafts/posts.jsonl": '{"text": "' + LONG + '"}\n',
        },
    )
    run = try_repo(repo, hook_repo)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert re.search(r"^postlint\.+Failed$", out, re.M), out
    for path, line in (
        ("drafts/launch.md", 4),
        ("drafts/posts.csv", 2),
        ("drafts/posts.jsonl", 1),
    ):
        assert path in out, out
        assert re.search(rf"^\s+{line}:\d+\s+error\s+\d+ characters; limit is 40", out, re.M), out
    assert not re.search(r"drafts/ok\.txt\n\s+\d+:\d+\s+error", out), out


def test_hook_passes_on_clean_drafts_and_skips_other_files(
    tmp_path: Path, hook_repo: tuple[Path, str, dict[str, str]]
) -> None:
    repo = content_repo(
        tmp_path / "content",
        {
            "postlint.toml": 'exclude = ["archive/**"]\n' + CONFIG,
            "drafts/a.md": CLEAN,
            # a draft the config excludes: the hook must honour `exclude`
            "archive/2019/launch.md": LONG + "\n",
            "drafts/b.txt": CLEAN,
            "drafts/c.jsonl": '{"text": "' + CLEAN.strip() + '"}\n',
            # not drafts: the hook must not be given these
            "tools/publish.py": f"# {LONG}\n",
            "notes.rst": LONG + "\n",
        },
    )
    run = try_repo(repo, hook_repo)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert re.search(r"^postlint\.+Passed$", out, re.M), out


def test_manifest_and_own_config_are_valid() -> None:
    for command, path in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, str(ROOT / path)],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("name", "linted"),
    [
        ("drafts/a.md", True),
        ("drafts/a.MARKDOWN", True),
        ("a.txt", True),
        ("exports/buffer.csv", True),
        ("posts.jsonl", True),
        ("tool.py", False),
        ("README.rst", False),
        ("data.json", False),
        ("a.txt.bak", False),
    ],
)
def test_hook_selects_drafts_by_suffix(name: str, linted: bool) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "postlint"
    assert hook["entry"] == "postlint --force-exclude"
    assert hook["language"] == "python"
    assert bool(re.search(hook["files"], name)) is linted


def test_documented_snippet_is_a_valid_config(tmp_path: Path) -> None:
    """The content repo snippet in docs/integrations.md is valid pre-commit config."""
    doc = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- snippet: pre-commit -->\n```yaml\n(.*?)```", doc, re.S)
    assert match, "docs/integrations.md has the pre-commit snippet"
    snippet = tmp_path / ".pre-commit-config.yaml"
    snippet.write_text(match.group(1), encoding="utf-8")
    config = yaml.safe_load(match.group(1))
    assert config["repos"][0]["hooks"] == [{"id": "postlint"}]
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(snippet)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_own_local_hook_runs_postlint_on_the_examples(
    tmp_path: Path, hook_repo: tuple[Path, str, dict[str, str]]
) -> None:
    """postlint's own `.pre-commit-config.yaml`: the `repo: local` hook lints examples/
    with the checkout's code (run alone: the other hooks' repositories are remote)."""
    source, _, env = hook_repo
    config = yaml.safe_load((source / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"] for r in config["repos"] for h in r["hooks"]}
    assert {"ruff", "ruff-format", "mypy", "postlint"} <= hooks
    local = [r for r in config["repos"] if r["repo"] == "local"]
    only_local = tmp_path / "local.yaml"
    only_local.write_text(yaml.safe_dump({"repos": local}), encoding="utf-8")
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pre_commit", "run", "-c", str(only_local), "postlint"),
            *("--all-files", "--verbose", "--color", "never"),
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert re.search(r"^postlint \(examples\)\.+Passed$", out, re.M), out
    assert re.search(r"^examples/drafts/\S+\.(md|txt|csv|jsonl)$", out, re.M), out
