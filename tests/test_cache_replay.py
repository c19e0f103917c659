"""Rendered output in the cache: a re-run replays each unchanged file's output as text, and
prints exactly what a fresh run prints, in every format, colour and option that changes
the output; a run in another format, colour or folder renders (and keeps) its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint import cache as cache_module
from postlint.cli import cli
from tests.test_cache import MARKER_RULE, make_project, records


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    drafts = make_project(tmp_path) / "drafts"
    (drafts / "d.txt").write_text("Wide 🎉 emoji then ZQXMARK, and ZQXMARK\n", encoding="utf-8")
    rows = "".join(f"{i},post {i} ZQXMARK\n" for i in range(5))
    (drafts / "e.csv").write_text("id,text\n" + rows, encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def entry_files(project: Path) -> list[Path]:
    folder = project / ".postlint_cache" / f"v{cache_module.FORMAT}"
    return sorted(p for p in folder.rglob("*") if p.is_file())


def headers(project: Path) -> list[dict[str, object]]:
    """The header of every entry in the index."""
    kept = records(project / ".postlint_cache").values()
    return [r[3][1] for rs in kept for r in rs if r[3] is not None]  # type: ignore[index]


OPTIONS = [
    (),
    ("--color", "always"),
    ("-f", "concise"),
    ("-f", "github"),
    ("-f", "json"),
    ("-f", "sarif"),
    ("--quiet",),
    ("--statistics",),
    ("--exit-zero", "--fail-on", "error"),
    ("--select", "marker"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: " ".join(o) or "text")
def test_a_rerun_prints_what_a_fresh_run_prints(project: Path, options: tuple[str, ...]) -> None:
    fresh = check("--no-cache", *options, "drafts")
    assert fresh[1]
    assert check(*options, "drafts") == fresh  # the first run, into an empty cache
    assert check(*options, "drafts") == fresh  # replayed
    assert check(*options, "drafts") == fresh


def test_every_format_after_another_replays_its_own_output(project: Path) -> None:
    fresh = {options: check("--no-cache", *options, "drafts") for options in OPTIONS}
    for _ in range(2):  # the second round replays what the first kept, for each format
        for options in OPTIONS:
            assert check(*options, "drafts") == fresh[options], options
    # the default key's entries keep text, coloured text, concise, github (json and sarif
    # render from the problems; --select and --fail-on are other keys)
    kept = [header.get("rendered") for header in headers(project)]
    assert max(len(r) for r in kept if isinstance(r, dict)) == cache_module.RENDERINGS


def test_a_rerun_from_another_folder_shows_its_own_paths(project: Path) -> None:
    assert check("-f", "concise", "drafts")[0] == 1
    os.chdir(project / "drafts")
    fresh = check("--no-cache", "-f", "concise", ".")
    assert fresh[1].startswith("a.txt:")
    assert check("-f", "concise", ".") == fresh
    assert check("-f", "concise", ".") == fresh
    for options in ((), ("-f", "github")):
        os.chdir(project)
        fresh = check("--no-cache", *options, "drafts")
        assert check(*options, "drafts") == fresh
        assert check(*options, str(project / "drafts")) == check(
            "--no-cache", *options, str(project / "drafts")
        )


def test_a_replayed_run_writes_no_entry(project: Path) -> None:
    check("drafts")
    kept = [header.get("rendered") for header in headers(project)]
    assert len(kept) == 5
    assert all(isinstance(r, dict) and len(r) == 1 for r in kept)
    stamps = [p.stat().st_mtime_ns for p in entry_files(project)]
    check("drafts")
    assert [p.stat().st_mtime_ns for p in entry_files(project)] == stamps


def test_a_changed_rule_file_is_not_replayed(project: Path) -> None:
    assert check("drafts")[0] == 1
    rule = project / "marker-pack" / "marker.toml"
    rule.write_text(MARKER_RULE.replace("marker {match}", "found {match}"), encoding="utf-8")
    fresh = check("--no-cache", "drafts")
    assert "found ZQXMARK" in fresh[1]
    assert check("drafts") == fresh


def test_a_changed_file_is_not_replayed(project: Path) -> None:
    check("drafts")
    (project / "drafts" / "d.txt").write_text("ZQXMARK alone\n", encoding="utf-8")
    fresh = check("--no-cache", "drafts")
    assert check("drafts") == fresh


def test_garbled_renderings_are_ignored_and_rebuilt(project: Path) -> None:
    """An entry whose rendered table is not text is replayed from its problems."""
    fresh = check("--no-cache", "drafts")
    check("drafts")
    for path in entry_files(project):
        shard = cache_module._read_shard(str(path))
        for record in shard.values():
            header = record[3][1]
            header["rendered"] = {k: 42 for k in header.get("rendered", {})} or ["junk"]
        cache_module._write_shard(str(path), shard)
    assert check("drafts") == fresh
    assert check("drafts") == fresh


def test_the_source_stamp_covers_the_reporters() -> None:
    """Entries keep rendered output: an edited reporter must not replay old output."""
    assert "concise.py:" in cache_module.source_stamp()
