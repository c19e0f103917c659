"""The import-list guard: `postlint --version` and linting one draft with the default packs
import nothing the enabled rules do not need (cold start is most of a single-draft run)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import postlint_in_fresh_python

#: never needed to lint a plain-text draft with the default packs, or to print the version
#: (`json` is: the humour rule's model has a JSON header)
HEAVY = (
    "spacy",
    "thinc",
    "numpy",
    "scipy",
    "matplotlib",
    "emoji",
    "yaml",
    "importlib.metadata",
    "csv",
    "tempfile",
    "traceback",
    "multiprocessing",
    "difflib",
    "hashlib",  # duplicate-post takes blake2b from _blake2; only the result cache hashes
    "postlint.evidence",
    "postlint.server",
    "postlint.fixes",
    "postlint.report.json",
    "postlint.report.sarif",
    "postlint.report.github",
    "postlint.report.concise",
)
#: `--version` needs none of the linting machinery either
LINTING = ("regex", "tomllib", "postlint.config", "postlint.kinds", "postlint.drafts")


def loaded(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    done = postlint_in_fresh_python(
        args, cwd, "print(sorted(sys.modules), file=sys.stderr)\nsys.exit(postlint_exit)\n", env
    )
    last = done.stderr.strip().splitlines()[-1]
    return done.returncode, set(eval(last))  # a list literal printed above


def test_version_imports_only_the_command_line(tmp_path: Path) -> None:
    code, modules = loaded(["--version"], tmp_path)
    assert code == 0
    assert sorted(modules & {*HEAVY, *LINTING}) == []


def test_linting_one_draft_with_the_default_packs_stays_lean(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("Our new season lands this Friday at nine, don't miss it\n")
    code, modules = loaded(["--no-cache", "draft.txt"], tmp_path)
    assert code in (0, 1)
    assert "postlint.kinds.length" in modules  # the rules did run
    assert sorted(modules & set(HEAVY)) == []
    assert "click" not in modules  # the fast path (postlint.cli)


def test_a_markdown_draft_imports_yaml_only_for_front_matter(tmp_path: Path) -> None:
    (tmp_path / "plain.md").write_text("No front matter here\n")
    code, modules = loaded(["--no-cache", "plain.md"], tmp_path)
    assert code in (0, 1)
    assert "yaml" not in modules
    (tmp_path / "front.md").write_text("---\nplatform: x\n---\nWith front matter\n")
    code, modules = loaded(["--no-cache", "front.md"], tmp_path)
    assert code in (0, 1)
    assert "yaml" in modules


def test_a_warm_run_uses_the_regex_engine_without_its_compiler(tmp_path: Path) -> None:
    """With every pattern's program kept (postlint.regexes), `regex`'s compiler (most of
    its import) is never loaded: the C engine alone runs the kept programs."""
    draft = tmp_path / "draft.txt"
    draft.write_text(
        "Behind the scenes 😂 swipe to see the before and after Share this with someone "
        "@user example.org/menu #blessed #travel #motivation #friends #foodie\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("POSTLINT_PATTERN_CACHE", None)
    env.pop("POSTLINT_STARTUP_CACHE", None)
    code, modules = loaded(["--no-cache", "draft.txt"], tmp_path, env)  # keeps the programs
    assert code == 1
    assert "regex._main" in modules
    code, modules = loaded(["--no-cache", "draft.txt"], tmp_path, env)
    assert code == 1
    assert "postlint.kinds.hashtag_case" in modules  # the rules did run
    assert "regex._regex" in modules
    assert sorted(modules & {"regex", "regex._main", "regex._regex_core"}) == []
    # with the rule files' parse kept (no tomllib), nothing needs datetime: a draft with
    # no scheduled time does not
    assert "tomllib" not in modules
    assert "datetime" not in modules
