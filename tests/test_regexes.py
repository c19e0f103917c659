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
from tests.conftest import run_python

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


# ------------------------------------------------------------------ the C engine alone


def test_the_flags_are_regexs_own() -> None:
    for name in ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "V0", "V1", "FULLCASE"):
        assert getattr(regexes, name) == int(getattr(regex, name)), name
    assert (regexes.VERSION0, regexes.VERSION1) == (regexes.V0, regexes.V1)
    assert regexes.error is regex.error
    assert regexes.escape("a.b*c") == regex.escape("a.b*c")


#: run in a fresh interpreter, twice with one store: compile the patterns (the first time
#: kept, the second from the kept programs), match, print what was imported
ALONE = """
import pickle, sys
from postlint import regexes
hostile = regexes.compile(r"(a+)+$")
named = regexes.compile(PATTERN, regexes.V1)
print([(m.group(), m.span(), m.group("who")) for m in named.finditer(TEXT)])
print(named.sub("", TEXT), named.split(TEXT, maxsplit=1), named.groupindex)
try:
    hostile.search("a" * 5000 + "b", timeout=0.2)
except TimeoutError as exc:
    print("timed out:", type(exc).__name__)
print(sorted(m for m in sys.modules if m == "regex" or m.startswith("regex.")))
copy = pickle.loads(pickle.dumps(named))
print(copy.pattern == named.pattern, copy.flags == named.flags, copy.findall(TEXT))
print(named.sub(r"<\\g<who>>", TEXT))  # a template: the engine asks regex._main for it
import regex
print(regex._main._regex is sys.modules["regex._regex"] is regexes._package()._regex)
print(type(named) is regex.Pattern, regex.compile(PATTERN, regex.V1).findall(TEXT))
"""


def _alone(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    code = f"PATTERN, TEXT = {PATTERN!r}, {TEXT!r}\n" + ALONE
    return run_python(code, argv, env=env)


def test_kept_programs_need_only_the_engine_and_match_as_the_package_does(store: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(store.parent.parent)}
    env.pop("POSTLINT_PATTERN_CACHE", None)
    plain = _alone({**env, "POSTLINT_PATTERN_CACHE": "0"})
    first = _alone(env)
    second = _alone(env)
    for done in (plain, first, second):
        assert done.returncode == 0, done.stderr
    imported = "['regex', 'regex._main', 'regex._regex', 'regex._regex_core']"
    assert imported in plain.stdout.splitlines()
    # the same output, whether compiled or from kept programs; only the compiler's import
    # is gone (until a template asks for it)
    assert plain.stdout == first.stdout
    assert second.stdout.replace("['regex._regex']\n", f"{imported}\n") == plain.stdout
    assert "['regex._regex']" in second.stdout.splitlines()
    assert "timed out: TimeoutError" in second.stdout.splitlines()
    assert second.stdout.splitlines()[-2:] == ["True", "True ['friend', 'BESTIE', 'friends']"]


def test_the_package_works_as_usual_after_the_engine_was_loaded_alone(store: Path) -> None:
    """regex's own test suite, run in a process whose engine postlint loaded alone."""
    env = {**os.environ, "XDG_CACHE_HOME": str(store.parent.parent)}
    env.pop("POSTLINT_PATTERN_CACHE", None)
    code = (
        "import sys, unittest\n"
        "from postlint import regexes\n"
        f"regexes.compile({PATTERN!r})\n"
        "if len(sys.argv) > 1:\n"
        "    assert sorted(m for m in sys.modules if 'regex' in m.split('.')[0]) == "
        "['regex._regex'], sorted(sys.modules)\n"
        "import regex.tests.test_regex as suite\n"
        "result = unittest.TextTestRunner(verbosity=0).run("
        "unittest.defaultTestLoader.loadTestsFromModule(suite))\n"
        "sys.exit(0 if result.wasSuccessful() and result.testsRun > 50 else 1)\n"
    )
    run = [sys.executable, "-c", code]
    subprocess.run(run, env=env, capture_output=True, text=True, check=True)  # kept
    done = subprocess.run([*run, "alone"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize(
    "broken",
    [
        "regexes._engine_spec = lambda: None",  # no extension beside the package
        "import importlib.util; importlib.util.module_from_spec = None",  # a failing load
    ],
)
def test_the_engine_falls_back_to_the_package(store: Path, broken: str) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(store.parent.parent)}
    env.pop("POSTLINT_PATTERN_CACHE", None)
    code = (
        "import sys\n"
        "from postlint import regexes\n"
        "if len(sys.argv) > 1:\n"
        f"    {broken}\n"
        f"print(regexes.compile({PATTERN!r}, regexes.V1).findall({TEXT!r}))\n"
        "print('regex._main' in sys.modules)\n"
    )
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert first.stdout == "['friend', 'BESTIE', 'friends']\nTrue\n"  # compiled, kept
    again = subprocess.run([*run, "broken"], env=env, capture_output=True, text=True, check=True)
    assert again.stdout == first.stdout


def test_a_hostile_user_pattern_is_stopped_from_its_kept_program(tmp_path: Path) -> None:
    """The time limit holds in a warm run (the engine alone): reported as `rule-error`,
    exactly as when every pattern is compiled."""
    from tests.conftest import postlint_in_fresh_python

    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "slow.toml").write_text(
        'kind = "phrases"\nseverity = "warning"\nmessage = "slow {match}"\n'
        "[options]\npatterns = ['(a+)+$', 'never here']\n"
        '[doc]\nwhat = "w"\nwhy = "y"\nsource = "s"\nexample = "aab"\nuse_instead = "b"\n'
    )
    (tmp_path / "postlint.toml").write_text('packs = ["./pack"]\nselect = ["pack"]\n')
    (tmp_path / "one.txt").write_text("a" * 5000 + "b\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("POSTLINT_PATTERN_CACHE", None)
    probe = "print('regex._main' in sys.modules)\nsys.exit(postlint_exit)\n"
    runs = [
        postlint_in_fresh_python(["--no-cache", "one.txt"], tmp_path, probe, run_env)
        for run_env in (env, env, {**env, "POSTLINT_PATTERN_CACHE": "0"})
    ]
    outputs = [(done.returncode, done.stdout, done.stderr) for done in runs]
    assert outputs[0] == outputs[2]
    assert outputs[1] == (outputs[0][0], outputs[0][1].replace("True\n", "False\n"), "")
    assert outputs[1][1].endswith("False\n")
    assert "[rule-error]" in outputs[0][1] and "took too long" in outputs[0][1]
    assert outputs[0][0] == 1
