"""The result cache, parts and workers: a re-run gives the same output as a fresh run, builds
no rule and imports no kind; damaged entries are rebuilt; concurrent runs are safe; a
cross-post rule still sees every file; big exports in parts and in worker processes give
exactly what one pass gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint import cache as cache_module
from postlint import runner as runner_module
from postlint.cli import cli

MARKER_RULE = """kind = "phrases"
severity = "warning"
message = "marker {match}"

[options]
patterns = ['ZQXMARK']
ignore_case = false

[doc]
what = "Flags the test marker."
why = "Cache tests need a rule whose matches they know exactly."
source = "tests/test_cache.py"
example = "a ZQXMARK here"
use_instead = "nothing here"
"""
CONFIG = 'packs = ["./marker-pack"]\nextends = ["marker-pack"]\nselect = ["duplicate-post"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> Path:
    """A config with the marker rule and three drafts (two with a marker) in `drafts/`."""
    (tmp_path / "marker-pack").mkdir()
    (tmp_path / "marker-pack" / "marker.toml").write_text(MARKER_RULE, encoding="utf-8")
    (tmp_path / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "a.txt").write_text("Summer menu is here ZQXMARK\n", encoding="utf-8")
    (drafts / "b.md").write_text("---\nplatform: x\n---\nSummer menu is here ZQXMARK\n")
    (drafts / "c.txt").write_text("Nothing to see\n", encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", "-f", "concise", *args])
    return result.exit_code, result.stdout, result.stderr


def entries(folder: Path) -> list[Path]:
    """The cache's files (the index's shards, big entries' own files)."""
    return sorted(p for p in (folder / f"v{cache_module.FORMAT}").rglob("*") if p.is_file())


def records(folder: Path) -> dict[str, list[list[object]]]:
    """Every file's records in the cache's index (one per config key), by the file's
    absolute path."""
    found: dict[str, list[list[object]]] = {}
    for shard in sorted((folder / f"v{cache_module.FORMAT}").glob("index-*")):
        for where, record in cache_module._read_shard(str(shard)).items():
            found.setdefault(where, []).append(record)
    return found


EXPECTED = """\
drafts/a.txt:1:21: warning [marker] marker ZQXMARK
drafts/b.md:4:1: warning [duplicate-post] same caption as drafts/a.txt:1
drafts/b.md:4:21: warning [marker] marker ZQXMARK
"""


def test_a_rerun_reads_the_cache_and_gives_the_same_output(project: Path) -> None:
    cache = project / ".postlint_cache"
    assert check("drafts") == (1, EXPECTED, "")
    assert sorted(records(cache)) == [
        str(project / "drafts" / n) for n in ("a.txt", "b.md", "c.txt")
    ]
    assert all(len(rs) == 1 and rs[0][3] is not None for rs in records(cache).values())
    assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    stamps = [p.stat().st_mtime_ns for p in entries(cache)]
    assert check("drafts") == (1, EXPECTED, "")
    assert [p.stat().st_mtime_ns for p in entries(cache)] == stamps  # read, not rewritten


def test_no_cache_and_cache_dir(project: Path, tmp_path: Path) -> None:
    assert check("--no-cache", "drafts") == (1, EXPECTED, "")
    assert not (project / ".postlint_cache").exists()
    elsewhere = tmp_path / "elsewhere"
    assert check("--cache-dir", str(elsewhere), "drafts") == (1, EXPECTED, "")
    assert len(records(elsewhere)) == 3
    assert not (project / ".postlint_cache").exists()


def test_cache_table_turns_it_off(project: Path) -> None:
    (project / "postlint.toml").write_text(CONFIG + "[cache]\nenabled = false\n")
    assert check("drafts") == (1, EXPECTED, "")
    assert not (project / ".postlint_cache").exists()
    (project / "postlint.toml").write_text(CONFIG + "[cache]\nenabled = 1\n")
    code, out, err = check("drafts")
    assert (code, out) == (2, "")
    assert err == "postlint: error: postlint.toml: cache.enabled: expected true or false, got 1\n"


def test_damaged_entries_are_ignored_and_rebuilt(project: Path) -> None:
    assert check("drafts") == (1, EXPECTED, "")
    cache = project / ".postlint_cache"
    damage = [b"", b"garbage", b"\xe9\x00\x00\x00\xff", entries(cache)[0].read_bytes()[:20]]
    for entry, junk in zip(entries(cache), damage, strict=False):
        entry.write_bytes(junk)
    assert check("drafts") == (1, EXPECTED, "")
    assert check("drafts") == (1, EXPECTED, "")


def test_one_damaged_entry_is_rebuilt_with_every_other_post_seen(project: Path) -> None:
    assert check("drafts") == (1, EXPECTED, "")
    cache = project / ".postlint_cache"
    good = {entry: entry.read_bytes() for entry in entries(cache)}
    for damaged in good:
        for junk in (b"garbage", good[damaged][: len(good[damaged]) - 3]):
            damaged.write_bytes(junk)
            assert check("drafts") == (1, EXPECTED, ""), junk
            for entry, data in good.items():
                entry.write_bytes(data)


def test_a_missing_entry_relints_the_run_for_cross_post_rules(project: Path) -> None:
    assert check("drafts") == (1, EXPECTED, "")
    for entry in entries(project / ".postlint_cache"):
        entry.unlink()
        assert check("drafts") == (1, EXPECTED, "")


def test_a_changed_file_is_linted_again_and_cross_post_rules_see_it(project: Path) -> None:
    assert check("drafts") == (1, EXPECTED, "")
    # a.txt no longer matches b.md: b.md (unchanged itself) loses its duplicate problem
    (project / "drafts" / "a.txt").write_text("Winter menu ZQXMARK\n", encoding="utf-8")
    assert check("drafts") == (
        1,
        "drafts/a.txt:1:13: warning [marker] marker ZQXMARK\n"
        "drafts/b.md:4:21: warning [marker] marker ZQXMARK\n",
        "",
    )


def test_a_changed_rule_file_is_linted_again(project: Path) -> None:
    assert check("drafts") == (1, EXPECTED, "")
    rule = project / "marker-pack" / "marker.toml"
    rule.write_text(MARKER_RULE.replace('"warning"', '"error"'), encoding="utf-8")
    code, out, _ = check("drafts")
    assert code == 1
    assert out == EXPECTED.replace("warning [marker]", "error [marker]")


def test_fix_does_not_use_the_cache(project: Path) -> None:
    (project / "postlint.toml").write_text(
        CONFIG + '\n[accounts."Summer Menu"]\ndefault = "@menu"\n'
        "\n[rules.untagged-account]\nenabled = true\n"
    )
    check("drafts")
    result = CliRunner().invoke(cli, ["check", "--fix", "drafts/c.txt", "drafts/a.txt"])
    assert result.exit_code == 1, result.output
    fixed = (project / "drafts" / "a.txt").read_text(encoding="utf-8")
    assert fixed == "Summer menu (@menu) is here ZQXMARK\n"


def test_concurrent_runs_share_the_cache_safely(project: Path) -> None:
    for i in range(60):
        (project / "drafts" / f"n{i:02d}.txt").write_text(f"post {i} ZQXMARK\n")
    command = [sys.executable, "-m", "postlint", "-f", "concise", "-j", "1", "drafts"]
    fresh = subprocess.run(
        [*command, "--no-cache"], capture_output=True, text=True, cwd=project, check=False
    )
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=project) for _ in range(3)
    ]
    outputs = [p.communicate()[0] for p in procs]
    assert [p.returncode for p in procs] == [1, 1, 1]
    assert outputs == [fresh.stdout] * 3
    again = subprocess.run(command, capture_output=True, text=True, cwd=project, check=False)
    assert again.stdout == fresh.stdout
    assert not [p for p in (project / ".postlint_cache").rglob("*.tmp*")]


CACHED_RUN = """
import sys
from postlint.cli import main
sys.argv = ["postlint", "-f", "concise", "drafts"]
try:
    main()
except SystemExit:
    pass
heavy = ["spacy", "postlint.kinds.phrases", "postlint.kinds.duplicate_post", "regex", "yaml"]
print([m for m in heavy if m in sys.modules], file=sys.stderr)
"""


def test_a_cached_run_builds_no_rule_and_imports_no_kind(project: Path) -> None:
    def run() -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-c", CACHED_RUN],
            capture_output=True,
            text=True,
            cwd=project,
            check=False,
        )
        return done.stdout, done.stderr.strip()

    first_out, first_imports = run()
    assert first_out == EXPECTED
    assert "postlint.kinds.phrases" in first_imports
    second_out, second_imports = run()
    assert second_out == EXPECTED
    assert second_imports == "[]"


# --------------------------------------------------------------------------- parts, workers


def _export(project: Path, rows: int) -> Path:
    lines = ["id,platform,scheduled,text"]
    for i in range(rows):
        text = f"caption {i % 50} ZQXMARK" if i % 7 == 0 else f"caption {i}"
        if i % 11 == 0:
            text = f'"quoted, with a ""quote""\nand a new line {i}"'
        lines.append(f"{i},instagram,2020-01-0{1 + i % 9} 09:00,{text}")
    path = project / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("output", ["concise", "json", "text"])
def test_parts_and_workers_give_what_one_pass_gives(
    project: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    _export(project, 700)
    (project / "posts.jsonl").write_text(
        "".join(f'{{"text": "line {i % 40} ZQXMARK"}}\n' for i in range(300)), encoding="utf-8"
    )

    def lint(*args: str) -> tuple[int, str]:
        select = ["--select", "scheduled-in-past"]
        files = ["export.csv", "posts.jsonl"]
        result = CliRunner().invoke(
            cli, ["check", "--no-cache", *select, "-f", output, *args, *files]
        )
        return result.exit_code, result.stdout

    whole = lint("-j", "1")
    monkeypatch.setattr(runner_module, "PART_BYTES", 100)
    monkeypatch.setattr(runner_module, "PART_RECORDS", 64)
    assert lint("-j", "1") == whole
    assert lint("-j", "2") == whole
    assert "duplicate-post" in whole[1] and "marker" in whole[1]
    if output == "concise":  # every row is checked once, in every part
        assert whole[1].count("[scheduled-in-past]") == 700


def test_a_cached_export_in_parts_replays_every_part(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _export(project, 500)
    monkeypatch.setattr(runner_module, "PART_BYTES", 100)
    monkeypatch.setattr(runner_module, "PART_RECORDS", 50)
    fresh = check("--no-cache", "export.csv")
    assert check("export.csv") == fresh
    assert check("export.csv") == fresh
    assert check("-j", "2", "export.csv") == fresh


# --------------------------------------------------------------------------- progress


def test_the_progress_bar_waits_then_draws_then_erases(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from postlint import progress as progress_module

    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    stream = io.StringIO()
    bar = progress_module.Progress(stream)
    bar(0, 2000)
    bar(1, 0)
    assert stream.getvalue() == ""  # a short run shows nothing
    clock[0] += 1.0
    bar(511, 0)
    assert stream.getvalue() == (
        "\rpostlint [#######-----------------------] 512/2,000 files\x1b[K"
    )
    bar(1, 0)  # within a tenth of a second: not redrawn
    assert stream.getvalue().count("\r") == 1
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_bar_when_stderr_is_not_a_terminal(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "-f", "concise", "drafts"])
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("env", "drawn"),
    [({}, True), ({"TERM": "dumb"}, False), ({"INSIDE_EMACS": "29.1,compile"}, False)],
)
def test_the_progress_bar_is_for_real_terminals_only(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], drawn: bool
) -> None:
    from postlint import cli as cli_module

    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.delenv("INSIDE_EMACS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cli_module.sys.stderr, "isatty", lambda: True)
    assert cli_module._draws_progress() is drawn


def test_a_changed_model_file_is_linted_again(project: Path) -> None:
    """A team retrains its humour model at the same path: the cache must not replay the old
    model's verdicts (the model file's size and mtime are part of the key)."""
    import os

    from postlint.humour_model import encode_model

    model = project / "ours.model"
    model.write_bytes(encode_model({}, 1.0, 5.0, {"threshold": 0.5}))  # everything is funny
    config = 'extends = ["engagement"]\nselect = ["humour"]\n'
    config += '[rules.humour]\nmodel = "ours.model"\ndetector = "model"\n'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    humour = lambda out: [line for line in out.splitlines() if "[humour]" in line]  # noqa: E731
    assert humour(check("drafts/c.txt")[1]) == []
    model.write_bytes(encode_model({}, 1.0, -5.0, {"threshold": 0.5}))  # nothing is
    stat = model.stat()
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert humour(check("drafts/c.txt")[1]) == [
        "drafts/c.txt:1:1: warning [humour] no humour signal (model score 0.01, threshold 0.50)"
    ]
