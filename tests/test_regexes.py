"""Kept regex programs (postlint.regexes): a pattern compiled from its kept program matches
exactly as `regex.compile` does, a second process compiles nothing, and a damaged, foreign
or disabled store is ignored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from postlint import regexes

PATTERN = r"(?i)\b(?:tag|share\s+this\s+with)\s+(?:a|your|\d+)\s+(?P<who>\w+)"
TEXT = "Tag a friend! Share this with your BESTIE, or tag 3 friends who would."


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("POSTLINT_PATTERN_CACHE", raising=False)
    regexes.purge()  # this process's compiled patterns (regex's cache too): start without
    return tmp_path / "postlint" / "patterns"


def _kept(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*.bin"))


def _matches(compiled: object) -> list[tuple[str, tuple[int, int], str]]:
    return [(m.group(), m.span(), m.group("who")) for m in compiled.finditer(TEXT)]  # type: ignore[attr-defined]


def test_a_kept_program_matches_as_regex_compile_does(store: Path) -> None:
    expected = _matches(regex.compile(PATTERN, regex.V1))
    regexes.purge()
    first = regexes.compile(PATTERN, regex.V1)
    assert _matches(first) == expected
    assert len(_kept(store)) == 1
    regexes.purge()
    again = regexes.compile(PATTERN, regex.V1)  # from the kept program
    assert _matches(again) == expected
    assert again.groupindex == {"who": 1}
    assert again.search("x" * 50, timeout=1.0) is None  # the time limit still works


def test_a_second_process_compiles_nothing(store: Path) -> None:
    code = (
        "import regex, regex._main\n"
        "from postlint import regexes\n"
        "def refuse(*a, **k): raise AssertionError('compiled again')\n"
        "if len(__import__('sys').argv) > 1: regex._main._compile = refuse\n"
        f"print([m.group('who') for m in regexes.compile({PATTERN!r}, regex.V1).finditer({TEXT!r})])\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(store.parent.parent)}
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([*run, "strict"], env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout == "['friend', 'BESTIE', 'friends']\n"


def test_a_damaged_or_foreign_file_is_ignored_and_written_anew(store: Path) -> None:
    expected = _matches(regex.compile(PATTERN, regex.V1))
    regexes.purge()
    regexes.compile(PATTERN, regex.V1)
    [kept] = _kept(store)
    good = kept.read_bytes()
    for damaged in (b"", b"\x00" * 3, good[:-5], b"\x01\x02\x03\x04" + good[4:]):
        kept.write_bytes(damaged)
        regexes.purge()
        assert _matches(regexes.compile(PATTERN, regex.V1)) == expected
        assert kept.read_bytes() == good
    # a file of the same name made for another pattern (a checksum collision) is not used
    other = r"\bnothing\s+alike\b"
    regexes.purge()
    regexes.compile(other)
    [*_, foreign] = sorted(_kept(store), key=lambda p: p.stat().st_mtime_ns)
    kept.write_bytes(foreign.read_bytes())
    regexes.purge()
    assert _matches(regexes.compile(PATTERN, regex.V1)) == expected


def test_the_store_can_be_turned_off(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTLINT_PATTERN_CACHE", "0")
    assert _matches(regexes.compile(PATTERN, regex.V1)) == _matches(
        regex.compile(PATTERN, regex.V1)
    )
    assert _kept(store) == []


def test_built_patterns_are_kept_under_their_name_and_stamp(store: Path) -> None:
    built: list[str] = []

    def build() -> str:
        built.append(PATTERN)
        return PATTERN

    for _ in range(2):
        regexes.purge()
        compiled = regexes.compile_built("friends", "stamp-1", build, regex.V1)
        assert _matches(compiled) == _matches(regex.compile(PATTERN, regex.V1))
    assert built == [PATTERN]  # the second time, from the kept program: nothing built
    regexes.purge()
    regexes.compile_built("friends", "stamp-2", build, regex.V1)  # the data changed
    assert built == [PATTERN, PATTERN]


def test_a_read_only_cache_dir_still_compiles(store: Path) -> None:
    store.parent.mkdir(parents=True)
    store.write_text("not a folder", encoding="utf-8")  # makedirs fails under it
    assert _matches(regexes.compile(PATTERN, regex.V1)) == _matches(
        regex.compile(PATTERN, regex.V1)
    )


def test_a_built_pattern_with_nothing_to_stamp_by_is_kept_by_its_source(store: Path) -> None:
    built: list[str] = []

    def build() -> str:
        built.append(PATTERN)
        return PATTERN

    for _ in range(2):
        regexes.purge()
        compiled = regexes.compile_built("friends", "", build, regex.V1)
        assert _matches(compiled) == _matches(regex.compile(PATTERN, regex.V1))
    assert built == [PATTERN, PATTERN]  # no stamp: the source is built every time
    assert len(_kept(store)) == 1  # and its program kept under the source, never the name


def test_a_pattern_asked_for_again_in_one_process_reads_no_file(store: Path) -> None:
    """Kinds build some patterns per post (an account's names): the second ask must cost
    a look-up, as `regex`'s own cache made it, not a read of the store."""
    first = regexes.compile(PATTERN, regex.V1)
    [kept] = _kept(store)
    kept.unlink()
    assert regexes.compile(PATTERN, regex.V1) is first
    assert _kept(store) == []  # neither read nor written again
