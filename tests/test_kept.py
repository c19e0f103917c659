"""Start-up work kept across runs (postlint.kept): kept values are the values a fresh
parse or compile gives, an edited rule file is seen at once, a damaged or disabled store
is ignored, and a second run parses no rule file."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from postlint import kept
from tests.conftest import postlint_in_fresh_python

RULE = (
    'kind = "phrases"\nseverity = "error"\nmessage = "avoid {match!r}"\n'
    '[options]\npatterns = ["\\\\bsynerg\\\\w*"]\n'
    '[doc]\nwhat = "w"\nwhy = "y"\nsource = "s"\nexample = "synergy"\nuse_instead = "teamwork"\n'
)
CONFIG = (
    'packs = ["./brand"]\nextends = ["engagement"]\nselect = ["brand"]\nignore = ["engagement"]\n'
)


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache dir for the module: regex programs compile once, not in every test."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def home(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache dir, with no kept stores yet, unread (as in a new process)."""
    shutil.rmtree(cache_home / "postlint" / "kept", ignore_errors=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("POSTLINT_STARTUP_CACHE", raising=False)
    for store in (kept._toml, kept._code):
        monkeypatch.setattr(store, "_values", None)
        monkeypatch.setattr(store, "_grown", False)
    return cache_home


def _run(args: list[str], cwd: Path, env: dict[str, str], after: str = "") -> tuple[int, str]:
    done = postlint_in_fresh_python(args, cwd, after + "sys.exit(postlint_exit)\n", env)
    return done.returncode, done.stdout + done.stderr


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "brand").mkdir(parents=True)
    (project / "brand" / "no-synergy.toml").write_text(RULE)
    (project / "postlint.toml").write_text(CONFIG)
    (project / "a.txt").write_text("So much Synergy here\n")
    return project


def test_kept_toml_values_are_the_parsed_values(home: Path, tmp_path: Path) -> None:
    from postlint._toml import tomllib

    path = tmp_path / "rule.toml"
    path.write_text(RULE + 'when = 2024-01-02\n[table]\nx = [1, 2.5, true, "s"]\n')
    expected = tomllib.loads(path.read_text())
    assert kept.toml_file(path) == expected  # parsed (a date: not kept)
    path.write_text(RULE)
    first = kept.toml_file(path)
    first["options"]["patterns"].append("changed")  # the caller's copy, not the kept one
    assert kept.toml_file(path) == tomllib.loads(RULE)
    kept._toml.save()
    kept._toml._values = None  # as a new process: from the file
    assert kept.toml_file(path) == tomllib.loads(RULE)


def test_an_edited_rule_file_is_seen_at_once(home: Path, tmp_path: Path) -> None:
    project = _project(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(home), "NO_COLOR": "1"}
    args = ["--no-cache", "--format", "concise", "a.txt"]
    assert _run(args, project, env) == (1, "a.txt:1:9: error [no-synergy] avoid 'Synergy'\n")
    # the same size, written at once: only the bytes tell the edit apart
    (project / "brand" / "no-synergy.toml").write_text(RULE.replace('"error"', '"debug"'))
    code, out = _run(args, project, env)
    assert code == 2
    assert "no-synergy.toml: severity: expected error, warning or info, got 'debug'" in out
    (project / "brand" / "no-synergy.toml").write_text(RULE.replace("[options]", "[options"))
    code, out = _run(args, project, env)
    assert code == 2
    assert "no-synergy.toml: invalid TOML" in out


def test_a_second_run_parses_no_rule_file(home: Path, tmp_path: Path) -> None:
    project = _project(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(home), "NO_COLOR": "1"}
    probe = "print('tomllib' in sys.modules)\n"
    first = _run(["--no-cache", "a.txt"], project, env, probe)
    assert first[1].endswith("True\n")
    second = _run(["--no-cache", "a.txt"], project, env, probe)
    assert second[1].endswith("False\n")
    assert second[1].replace("False\n", "") == first[1].replace("True\n", "")
    off = _run(["--no-cache", "a.txt"], project, {**env, "POSTLINT_STARTUP_CACHE": "0"}, probe)
    assert off == (first[0], first[1])


def test_a_damaged_store_is_ignored(home: Path, tmp_path: Path) -> None:
    project = _project(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(home), "NO_COLOR": "1"}
    expected = _run(["--no-cache", "a.txt"], project, env)
    stores = sorted((home / "postlint" / "kept").rglob("*.bin"))
    assert [p.name for p in stores] == ["dataclass-code.bin", "toml.bin"]
    for store in stores:
        data = bytearray(store.read_bytes())
        data[len(data) // 2] ^= 0xFF
        store.write_bytes(bytes(data))
    assert _run(["--no-cache", "a.txt"], project, env) == expected
    for store in stores:
        store.write_bytes(b"nonsense")
    assert _run(["--no-cache", "a.txt"], project, env) == expected


def test_dataclasses_made_from_kept_code_behave_the_same(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    source = (
        "import dataclasses\n"
        "@dataclasses.dataclass(frozen=True, order=True)\n"
        "class Point:\n"
        "    x: int\n"
        "    y: float = 0.5\n"
        "    tags: tuple[str, ...] = ()\n"
        "    extra: dict[str, int] = dataclasses.field(default_factory=dict, compare=False)\n"
    )

    def make(module_name: str) -> type:
        module = types.ModuleType(module_name)
        monkeypatch.setitem(sys.modules, module_name, module)
        exec(source, module.__dict__)
        point: type = module.Point
        return point

    plain = make("postlint.kept_example")
    kept.keep_dataclass_code()
    assert "exec" in vars(dataclasses)
    others = make("elsewhere")  # not postlint's: compiled, not kept
    assert not kept._code._values
    compiled = make("postlint.kept_example")  # compiled and kept
    assert kept._code._values
    kept._code.save()
    kept._code._values = None
    again = make("postlint.kept_example")  # from the store
    assert kept._code._values
    for cls in (plain, others, compiled, again):
        a, b = cls(1, tags=("t",)), cls(1, 0.5, ("t",), {"n": 1})
        assert (a == b, a < cls(2), hash(a) == hash(b)) == (True, True, True)
        assert repr(a) == "Point(x=1, y=0.5, tags=('t',), extra={})"
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.x = 2
        with pytest.raises(TypeError):
            cls()


def test_built_data_is_kept_by_its_stamp(home: Path) -> None:
    calls: list[str] = []

    def build() -> dict[str, Any]:
        calls.append("built")
        return {"word": 1.5, "other": 2.25}

    assert kept.built("test-data", "a", build) == {"word": 1.5, "other": 2.25}
    assert kept.built("test-data", "a", build) == {"word": 1.5, "other": 2.25}  # from the file
    assert calls == ["built"]
    assert kept.built("test-data", "b", build) == {"word": 1.5, "other": 2.25}
    assert calls == ["built", "built"]
    # one file per stamp: a run reads only its own
    files = sorted(p.name for p in (home / "postlint" / "kept").rglob("test-data-*.bin"))
    assert len(files) == 2
    # a value that fails its check, or a damaged file, is built again
    assert kept.built("test-data", "a", build, valid=lambda v: False) == {
        "word": 1.5,
        "other": 2.25,
    }
    assert calls == ["built"] * 3
    for path in (home / "postlint" / "kept").rglob("test-data-*.bin"):
        path.write_bytes(path.read_bytes()[:-3])
    assert kept.built("test-data", "b", build) == {"word": 1.5, "other": 2.25}
    assert calls == ["built"] * 4


def _reference_costs(size: int) -> dict[str, float]:
    """The word costs as postlint computed them before they were kept sorted: a dict."""
    import math

    from postlint.kinds import hashtag_case

    path = Path(hashtag_case.__file__).parent.parent / "data" / "words" / "en.txt"
    words = path.read_text(encoding="utf-8").split()[:size]
    scale = math.log(len(words))
    costs = map(math.log, map(scale.__mul__, range(1, len(words) + 1)))
    return dict(zip(words, costs, strict=True))


@pytest.mark.parametrize("size", [40_000, 2_000])
def test_the_kept_word_costs_are_the_costs_of_the_list(
    home: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    from postlint.kinds import hashtag_case

    expected = _reference_costs(size)
    words = list(expected)
    asked = [*words[:300], "zzzq", "", "thes", "womens", "a" * 30, *words[-50:]]
    for source in ("built", "kept"):  # the first time built (and kept), then read
        hashtag_case._costs.cache_clear()
        costs = hashtag_case._costs(size)
        # by bisection, as a one-draft run asks: the very same floats
        assert [costs.get(w) for w in asked] == [expected.get(w) for w in asked], source
        assert [w in costs for w in asked] == [w in expected for w in asked]
        assert costs[words[7]] == expected[words[7]]
        with pytest.raises(KeyError):
            costs["zzzq"]
        # past DICT_AFTER look-ups, from a dict: the same floats again
        for _ in range(costs.DICT_AFTER):
            costs.get("zzzq")
        got = {w: costs.get(w) for w in words}
        assert costs._costs is not None
        assert got == expected
        assert [costs.get(w) for w in asked] == [expected.get(w) for w in asked]
        assert costs.longest == max(map(len, expected))
        assert hashtag_case._longest(size) == min(24, costs.longest + 1)
        hashtag_case._longest.cache_clear()
    assert len(list((home / "postlint" / "kept").rglob("word-costs-*.bin"))) == 1
    hashtag_case._costs.cache_clear()
    monkeypatch.setenv("POSTLINT_STARTUP_CACHE", "0")
    costs = hashtag_case._costs(size)
    assert {w: costs.get(w) for w in words} == expected
    hashtag_case._costs.cache_clear()


def test_the_toml_store_forgets_files_that_are_gone(home: Path, tmp_path: Path) -> None:
    kept_file, gone_file = tmp_path / "kept.toml", tmp_path / "gone.toml"
    for path in (kept_file, gone_file):
        path.write_text(RULE)
        kept.toml_file(path)
    gone_file.unlink()
    kept._toml.save()
    kept._toml._values = None  # as a new process: from the file
    assert kept._toml.get(os.path.abspath(kept_file)) is not None
    assert kept._toml.get(os.path.abspath(gone_file)) is None
