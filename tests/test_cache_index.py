"""The cache's index: a re-run trusts a file's recorded stat instead of reading it, but never
when the file may have changed within a timestamp tick of being recorded (git's racy-timestamp
guard); concurrent runs keep each other's records; big entries in their own files are
rebuilt when damaged; old configs' indexes are dropped; the per-folder path look-ups give
what config.py gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from postlint import cache as cache_module
from postlint.config import CommandLine, Resolver, display_path
from postlint.runner import _Run
from tests.test_cache import EXPECTED, check, entries, make_project, records


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path)


def fresh(*args: str) -> tuple[int, str, str]:
    return check("--no-cache", *args)


def test_a_file_rewritten_within_its_timestamp_tick_is_linted_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system whose timestamps are coarse, a file rewritten with the same size
    soon after it was recorded has the same stat: it must be read again, not replayed."""
    monkeypatch.setattr(cache_module, "stat_signature", lambda st: (st.st_size, st.st_ino))
    assert check("drafts") == (1, EXPECTED, "")
    draft = project / "drafts" / "a.txt"
    before = draft.stat()
    draft.write_text("ZQXMARK menu is here Summer\n", encoding="utf-8")  # the same size
    assert cache_module.stat_signature(draft.stat()) == cache_module.stat_signature(before)
    expected = fresh("drafts")
    assert "drafts/a.txt:1:1: warning [marker] marker ZQXMARK" in expected[1]
    assert check("drafts") == expected
    assert check("drafts") == expected


def test_an_unchanged_file_is_not_read_again_once_its_stat_is_old_enough(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[int] = []
    content_digest = cache_module.content_digest

    def counting(data: bytes) -> str:
        hashed.append(len(data))
        return content_digest(data)

    monkeypatch.setattr(cache_module, "content_digest", counting)
    real_time_ns = time.time_ns
    # the drafts were written long enough before each run (by more than the guard's tick)
    monkeypatch.setattr(time, "time_ns", lambda: real_time_ns() + 10 * cache_module.RACY_NS)
    assert check("drafts") == (1, EXPECTED, "")
    assert len(hashed) == 3
    hashed.clear()
    assert check("drafts") == (1, EXPECTED, "")
    assert hashed == []  # replayed from the index without reading a draft
    draft = project / "drafts" / "a.txt"
    os.utime(draft, ns=(draft.stat().st_atime_ns, draft.stat().st_mtime_ns + 10**9))
    assert check("drafts") == (1, EXPECTED, "")  # touched: read, same bytes, same entry
    assert len(hashed) == 1
    original = draft.read_bytes()
    draft.write_text("Winter menu ZQXMARK\n", encoding="utf-8")
    changed = fresh("drafts")
    assert changed != (1, EXPECTED, "")
    assert check("drafts") == changed
    draft.write_bytes(original)  # undone: the new stat, the old bytes
    assert check("drafts") == (1, EXPECTED, "")
    assert check("drafts") == (1, EXPECTED, "")


def _same_shard_paths(folder: Path) -> tuple[str, str]:
    first = str(folder / "f0.txt")
    for i in range(1, 1000):
        other = str(folder / f"f{i}.txt")
        if cache_module._shard_of(other) == cache_module._shard_of(first):
            return first, other
    raise AssertionError("no two paths in one shard")


def test_concurrent_runs_keep_each_others_records(tmp_path: Path) -> None:
    """Two runs that read the same shard and then write it both keep their records: each
    merges its own into what is on disk when it writes."""
    one, two = _same_shard_paths(tmp_path)
    for path in (one, two):
        Path(path).write_text("x\n", encoding="utf-8")
    later = time.time_ns() + 10 * cache_module.RACY_NS
    first, second = cache_module.Cache(tmp_path / "c"), cache_module.Cache(tmp_path / "c")
    assert first.known_digest("k", one, os.stat(one)) == ""
    assert second.known_digest("k", two, os.stat(two)) == ""  # both have read the shard
    first.note_digest("k", one, os.stat(one), "digest-one", later)
    second.note_digest("k", two, os.stat(two), "digest-two", later)
    first.flush()
    second.flush()
    third = cache_module.Cache(tmp_path / "c")
    assert third.known_digest("k", one, os.stat(one)) == "digest-one"
    assert third.known_digest("k", two, os.stat(two)) == "digest-two"
    assert [p.name for p in (tmp_path / "c").rglob("*.tmp")] == []


def test_big_entries_in_their_own_files_are_rebuilt_when_damaged(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "INLINE_MAX", 0)  # every entry in its own file
    cache = project / ".postlint_cache"
    assert check("drafts") == (1, EXPECTED, "")
    own = [p for p in entries(cache) if "entries" in p.parts]
    assert len(own) == 3
    assert check("drafts") == (1, EXPECTED, "")
    for junk in (b"", b"garbage", own[0].read_bytes()[:-3]):
        for entry in own:
            entry.write_bytes(junk)
        assert check("drafts") == (1, EXPECTED, ""), junk
    for entry in own:
        entry.unlink()
    assert check("drafts") == (1, EXPECTED, "")
    assert check("drafts") == (1, EXPECTED, "")


def test_only_the_last_configs_indexes_are_kept(project: Path) -> None:
    """Every --select (or edited config, or new postlint) is another config key with its
    own index; the folder does not grow without end."""
    selects = ("marker", "duplicate-post", "marker,duplicate-post")
    runs = [("--select", s, "--fail-on", f) for s in selects for f in ("error", "warning", "info")]
    for options in runs:
        assert check(*options, "drafts") == fresh(*options, "drafts")
    keys = {p.name.rsplit("-", 1)[0] for p in entries(project / ".postlint_cache")}
    assert len(runs) > cache_module.CONFIGS
    assert len(keys) == cache_module.CONFIGS
    assert check("drafts") == (1, EXPECTED, "")
    assert check("drafts") == (1, EXPECTED, "")


def test_a_record_keeps_the_files_absolute_path(project: Path) -> None:
    """Runs from another folder, or with the path written another way, find the same
    record (and show their own paths)."""
    assert check("drafts") == (1, EXPECTED, "")
    os.chdir(project / "drafts")
    assert check(".") == fresh(".")
    assert check(str(project / "drafts")) == fresh(str(project / "drafts"))
    os.chdir(project)
    assert len(records(project / ".postlint_cache")) == 3


def test_per_folder_look_ups_give_what_config_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run resolves each folder once for the displayed path and the path relative to
    the config root; it must be what display_path and Config.relative give per file."""
    root = tmp_path / "root"
    root.mkdir()
    make_project(root)
    (root / "drafts" / "sub").mkdir()
    (root / "drafts" / "sub" / "d.txt").write_text("deep\n", encoding="utf-8")
    (root / "linked").symlink_to(root / "drafts", target_is_directory=True)
    (root / "drafts" / "e.txt").symlink_to(root / "drafts" / "sub" / "d.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.txt").write_text("far\n", encoding="utf-8")
    monkeypatch.chdir(root / "drafts")
    paths = [
        "a.txt",
        "./b.md",
        "sub/d.txt",
        "sub//d.txt",
        "sub/../c.txt",
        "e.txt",
        "../linked/a.txt",
        "../linked/sub/d.txt",
        str(root / "drafts" / "c.txt"),
        str(root / "linked" / "sub" / "d.txt"),
        str(outside / "o.txt"),
        "../../outside/o.txt",
        "../drafts/a.txt",
    ]
    resolver = Resolver(None, CommandLine((), (), (), None))
    run = _Run(resolver, cache_module.Cache(tmp_path / "c"), 1, True, None)
    for path in paths:  # as written (a Path normalises some of them)
        assert run._display(Path(path)) == display_path(path) or "//" in path or "./" in path
        assert run._display(path) == display_path(path), path  # type: ignore[arg-type]
    for file in run.survey([Path(p) for p in paths]):
        assert file.display == display_path(file.path), file.path
        config = run.config(file)
        assert config is resolver.config_for(file.path)
        assert run._relative(file, config) == config.relative(file.path), file.path


@pytest.mark.parametrize(
    "junk",
    [
        "junk",
        [],
        [(), 0, "", None],
        [(), 0, "", ("key", "not a header", [])],
        [(), 0, "", ("key", {"parts": 1}, [b"\x00garbled"])],
        ["sig", "ns", 42, ("a", "b", "c", "d")],
    ],
)
def test_records_of_the_wrong_shape_are_ignored_and_rebuilt(project: Path, junk: object) -> None:
    """A shard that reads back (its checksum holds) but whose records are not what this
    postlint writes (another build, a bug): every record is ignored and rebuilt."""
    assert check("drafts") == (1, EXPECTED, "")
    for shard in (project / ".postlint_cache" / f"v{cache_module.FORMAT}").glob("index-*"):
        found = cache_module._read_shard(str(shard))
        for where in found:
            found[where] = junk
        cache_module._write_shard(str(shard), found)
    assert check("drafts") == (1, EXPECTED, "")
    assert check("drafts") == (1, EXPECTED, "")


@pytest.mark.parametrize("parts", [[b"\x00garbled"], [b"\xe9"], [], ["not bytes"], None])
def test_an_entry_with_garbled_problems_is_linted_again(project: Path, parts: object) -> None:
    assert check("drafts") == (1, EXPECTED, "")
    for shard in (project / ".postlint_cache" / f"v{cache_module.FORMAT}").glob("index-*"):
        found = cache_module._read_shard(str(shard))
        for record in found.values():
            key, header, _ = record[3]
            record[3] = (key, header, parts)
        cache_module._write_shard(str(shard), found)
    assert check("drafts") == (1, EXPECTED, "")
    assert check("drafts") == (1, EXPECTED, "")


def test_a_shard_does_not_grow_without_end(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files linted one at a time from anywhere (the user cache dir has no config to stay
    beside) each leave a record: past `SHARD_RECORDS`, the oldest the run did not use go."""
    monkeypatch.setattr(cache_module, "SHARDS", 1)
    monkeypatch.setattr(cache_module, "SHARD_RECORDS", 2)
    names = []
    for i in range(5):
        name = f"drafts/n{i}.txt"
        (project / name).write_text(f"post {i} ZQXMARK\n", encoding="utf-8")
        names.append(name)
        assert check(name) == fresh(name)
    kept = records(project / ".postlint_cache")
    assert sorted(kept) == [str(project / n) for n in names[-2:]]
    assert check(*names) == fresh(*names)  # a run over more files than that keeps them all
    assert len(records(project / ".postlint_cache")) == 5
    assert check(*names) == fresh(*names)


def test_counts_kept_in_an_entry_add_up_as_its_problems_do() -> None:
    """A replayed file is counted from what its entry kept (report.Summary.add_counts):
    the same totals, order of rules and fixable count as adding its problems."""
    from postlint.linter import FileEdit, FileFix, Problem
    from postlint.report import Summary, problem_counts

    safe = FileFix((FileEdit(0, 1, "x"),), "fix", True)
    unsafe = FileFix((FileEdit(0, 1, "y"),), "maybe", False)
    files = [
        [],
        [Problem("a", 1, 1, 1, 2, "b-rule", "warning", "m", 0, safe)],
        [
            Problem("a", 1, 1, 1, 2, "z-rule", "info", "m", 0),
            Problem("a", 2, 1, 2, 2, "b-rule", "error", "m", 0, unsafe),
            Problem("a", 3, 1, 3, 2, "z-rule", "error", "m", 0, safe),
        ],
    ]
    for unsafe_fixes in (False, True):
        added, counted = Summary(), Summary()
        for problems in files * 2:
            fixable = sum(1 for p in problems if p.fix and (p.fix.safe or unsafe_fixes))
            added.add(problems, fixable)
            counts = problem_counts(problems)
            counted.add_counts(counts, counts[3 if unsafe_fixes else 4])
        assert counted == added
        assert (counted.files, counted.files_with_problems) == (6, 4)
        assert counted.by_severity == {"warning": 2, "info": 2, "error": 4}
        assert counted.by_rule == {"b-rule": 4, "z-rule": 4}
        assert counted.fixable == (6 if unsafe_fixes else 4)
        assert list(counted.by_rule) == list(added.by_rule)
        assert list(counted.rule_severity.items()) == list(added.rule_severity.items())


def test_a_replayed_result_still_has_its_problems(project: Path) -> None:
    """The CLI counts a replayed file from its entry; anything else that asks for the
    result's problems gets them, as a fresh run makes them."""
    import io

    from postlint.report import get_reporter
    from postlint.runner import Renderer, discover, run

    def results(cache: cache_module.Cache | None) -> list[tuple[object, ...]]:
        resolver = Resolver(None, CommandLine((), (), (), None))
        found = discover(["drafts"], resolver)
        render = Renderer(get_reporter("text", io.StringIO(), False), "text:0")
        return [
            (r.source.display, r.problems, r.rendered)
            for r in run(found.files, resolver, cache=cache, render=render)
        ]

    fresh = results(None)
    assert [problems for _, problems, _ in fresh] != [[], [], []]
    folder = project / ".postlint_cache"
    assert results(cache_module.Cache(folder)) == fresh
    assert results(cache_module.Cache(folder)) == fresh  # replayed
