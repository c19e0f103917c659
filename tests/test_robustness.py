"""Bad input, end to end through the CLI: every case gets a clear one-line problem or
notice naming the file, the run goes on with the other files, the exit code says what
happened, and no draft is changed."""

from __future__ import annotations

import codecs
import hashlib
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli

MARKER_RULE = """kind = "phrases"
severity = "warning"
message = "marker {match}"

[options]
patterns = ['ZQXMARK']
ignore_case = false

[doc]
what = "Flags the test marker."
why = "Robustness tests need a rule whose matches they know exactly."
source = "tests/test_robustness.py"
example = "a ZQXMARK here"
use_instead = "nothing here"
"""
SLOW_RULE = """kind = "phrases"
severity = "warning"
message = "slow {match}"

[options]
patterns = ['(a+)+$']

[doc]
what = "A catastrophically backtracking pattern."
why = "A user's rule pack may hold one; postlint must stop it, not hang."
source = "tests/test_robustness.py"
example = "aab"
use_instead = "b"
"""
CONFIG = 'packs = ["./marker-pack"]\nextends = ["marker-pack"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "marker-pack").mkdir()
    (tmp_path / "marker-pack" / "marker.toml").write_text(MARKER_RULE, encoding="utf-8")
    (tmp_path / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(cli, ["check", "--no-cache", "-f", "concise", *args])
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file's bytes (hashed), to prove that nothing was changed."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and os.access(path, os.R_OK):
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_bad_files_are_reported_and_the_run_goes_on(project: Path) -> None:
    drafts = project / "drafts"
    drafts.mkdir()
    (drafts / "good.txt").write_text("ok ZQXMARK\n", encoding="utf-8")
    (drafts / "invalid.txt").write_bytes(b"bad \xff\xfe utf8 ZQXMARK\n")
    (drafts / "utf16.txt").write_bytes(
        codecs.BOM_UTF16_LE + "hi ZQXMARK\r\nline2 ZQXMARK\n".encode("utf-16-le")
    )
    (drafts / "utf32.txt").write_bytes(codecs.BOM_UTF32_BE + "x ZQXMARK".encode("utf-32-be"))
    (drafts / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (drafts / "empty.txt").write_bytes(b"")
    (drafts / "mixed.txt").write_bytes(b"a\r\nb ZQXMARK\rc\n ZQXMARK")
    (drafts / "nul.md").write_bytes(b"nul\x00 ZQXMARK")
    (drafts / "long.txt").write_text("x" * 300_000 + " ZQXMARK", encoding="utf-8")
    (drafts / "yaml.md").write_text("---\ntitle: [unclosed\n---\nbody ZQXMARK\n")
    (drafts / "toml.md").write_text("+++\ntitle = \n+++\nbody ZQXMARK\n")
    (drafts / "types.md").write_text("---\nplatform: 3\n---\nbody ZQXMARK\n")
    (drafts / "ragged.csv").write_text('id,text\n1,ZQXMARK one\n2,two,extra\n3\n4,"ZQXMARK 4"\n')
    (drafts / "notext.csv").write_text("id,body_x\n1,hello\n")
    (drafts / "lines.jsonl").write_text(
        '{"text": "ZQXMARK a"}\n{bad json\n{"text": "b \\u00e9 ZQXMARK"}\n'
    )
    before = snapshot(project)
    code, out, err = run("drafts")
    assert code == 1
    assert out == [
        "drafts/good.txt:1:4: warning [marker] marker ZQXMARK",
        "drafts/invalid.txt:1:5: error [draft-error] invalid UTF-8 at byte 4 "
        "(not a UTF-8 text file?)",
        "drafts/lines.jsonl:1:11: warning [marker] marker ZQXMARK",
        "drafts/lines.jsonl:2:2: error [draft-error] invalid JSON line: Expecting value; "
        "line skipped",
        "drafts/lines.jsonl:3:20: warning [marker] marker ZQXMARK",
        "drafts/long.txt:1:300002: warning [marker] marker ZQXMARK",
        "drafts/mixed.txt:2:3: warning [marker] marker ZQXMARK",
        "drafts/mixed.txt:4:2: warning [marker] marker ZQXMARK",
        "drafts/notext.csv:1:1: error [draft-error] no text column (looked for text, caption, "
        "message, post, content, body; set text-column in [drafts])",
        "drafts/ragged.csv:2:3: warning [marker] marker ZQXMARK",
        "drafts/ragged.csv:3:1: error [draft-error] row has 3 fields, the header has 2; "
        "row skipped",
        "drafts/ragged.csv:4:1: error [draft-error] row has 1 field, the header has 2; row skipped",
        "drafts/ragged.csv:5:4: warning [marker] marker ZQXMARK",
        # the parser's position within the front matter becomes the file's line and column
        "drafts/toml.md:2:9: error [draft-error] malformed TOML front matter: Invalid value",
        "drafts/toml.md:4:6: warning [marker] marker ZQXMARK",
        "drafts/types.md:2:1: error [draft-error] front matter: platform: expected a name or "
        "a list of names, got 3",
        "drafts/types.md:4:6: warning [marker] marker ZQXMARK",
        "drafts/utf16.txt:1:4: warning [marker] marker ZQXMARK",
        "drafts/utf16.txt:2:7: warning [marker] marker ZQXMARK",
        "drafts/utf32.txt:1:3: warning [marker] marker ZQXMARK",
        "drafts/yaml.md:3:1: error [draft-error] malformed YAML front matter: while parsing "
        "a flow sequence: expected ',' or ']', but got the end of the front matter",
        "drafts/yaml.md:4:6: warning [marker] marker ZQXMARK",
    ]
    assert err == [
        "postlint: drafts/binary.txt: skipped: binary file (NUL byte)",
        "postlint: drafts/empty.txt: empty draft, nothing to lint",
        "postlint: drafts/nul.md: skipped: binary file (NUL byte)",
    ]
    assert snapshot(project) == before


def test_a_file_over_the_size_limit_is_skipped_with_a_notice(project: Path) -> None:
    (project / "postlint.toml").write_text(CONFIG + "[drafts]\nmax-file-size = 1000\n")
    (project / "big.txt").write_text("ZQXMARK " * 200, encoding="utf-8")
    (project / "small.txt").write_text("ZQXMARK", encoding="utf-8")
    code, out, err = run("big.txt", "small.txt")
    assert (code, out) == (1, ["small.txt:1:1: warning [marker] marker ZQXMARK"])
    assert err == [
        "postlint: big.txt: skipped: 1,600 bytes is over the size limit of 1,000 (max-file-size)"
    ]


def test_a_path_that_does_not_exist_exits_2_after_linting_the_others(project: Path) -> None:
    (project / "a.txt").write_text("ZQXMARK")
    code, out, err = run("missing.txt", "a.txt")
    assert code == 2
    assert out == ["a.txt:1:1: warning [marker] marker ZQXMARK"]
    assert err == ["postlint: error: missing.txt: no such file or folder"]


def _without_file_permission_override() -> None:
    """In the child, before it runs postlint: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
    from the capability bounding set, so that root too is refused a mode-000 file after
    exec (root gets the bounding set as its capabilities). CI runs as root."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_an_unreadable_file_is_an_error_on_that_file(project: Path) -> None:
    import subprocess
    import sys

    secret = project / "secret.txt"
    secret.write_text("ZQXMARK")
    (project / "open.txt").write_text("ZQXMARK")
    secret.chmod(0)
    names = ("open.txt", "secret.txt")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "postlint", "check", "--no-cache", "-f", "concise", *names],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
            # as root, chmod alone does not stop reading: take root's override away
            preexec_fn=_without_file_permission_override if os.geteuid() == 0 else None,
        )
    finally:
        secret.chmod(0o644)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        "open.txt:1:1: warning [marker] marker ZQXMARK",
        "secret.txt:1:1: error [draft-error] cannot read: Permission denied",
    ]


def test_symlink_loops_and_dangling_links_do_not_stop_the_run(project: Path) -> None:
    drafts = project / "drafts"
    (drafts / "loop").mkdir(parents=True)
    (drafts / "loop" / "self").symlink_to("..", target_is_directory=True)
    (drafts / "dangling.txt").symlink_to("nowhere.txt")
    (drafts / "real.txt").write_text("ZQXMARK")
    code, out, _ = run("drafts")
    assert code == 1
    assert out == [
        "drafts/dangling.txt:1:1: error [draft-error] cannot read: No such file or directory",
        "drafts/real.txt:1:1: warning [marker] marker ZQXMARK",
    ]


def test_a_catastrophic_pattern_is_stopped_once_and_the_run_finishes(project: Path) -> None:
    (project / "marker-pack" / "slow.toml").write_text(SLOW_RULE, encoding="utf-8")
    rows = "".join("a" * 3000 + "b\n" for _ in range(20))
    (project / "many.csv").write_text("text\n" + rows, encoding="utf-8")
    (project / "one.txt").write_text("a" * 5000 + "b ZQXMARK", encoding="utf-8")
    started = time.monotonic()
    code, out, _ = run("many.csv", "one.txt")
    elapsed = time.monotonic() - started
    assert code == 1
    stopped = (
        "error [rule-error] rule slow ({}): a pattern took too long on this post and was "
        "stopped; the rule is skipped for the rest of the run; simplify its regular expression"
    ).format(Path("marker-pack/slow.toml").resolve())
    assert out == [
        f"many.csv:2:1: {stopped}",
        "one.txt:1:5003: warning [marker] marker ZQXMARK",
    ]
    # not a timing assertion on speed: 21 posts at a 1 s limit each would take 21 s
    assert elapsed < 15


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'fail-on = "error"\nselect = = 2\n',
            "postlint.toml: invalid TOML: Invalid value (at line 2, column 10)",
        ),
        ("fail-on = 3\n", "postlint.toml: fail-on: expected error, warning or info, got 3"),
        ('extends = "other.toml"\n', None),
    ],
)
def test_config_errors_are_one_line_and_exit_2(
    project: Path, config: str, message: str | None
) -> None:
    (project / "postlint.toml").write_text(config)
    (project / "other.toml").write_text('extends = "postlint.toml"\n')
    (project / "a.txt").write_text("ZQXMARK")
    result = CliRunner().invoke(cli, ["check", "--no-cache", "a.txt"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("postlint: error: ")
    if message is None:
        assert "extends: cycle" in lines[0]
    else:
        assert lines[0] == f"postlint: error: {message}"


def test_an_invalid_user_pattern_names_the_rule_file(project: Path) -> None:
    bad = MARKER_RULE.replace("'ZQXMARK'", "'(unclosed'")
    (project / "marker-pack" / "marker.toml").write_text(bad, encoding="utf-8")
    (project / "a.txt").write_text("text")
    result = CliRunner().invoke(cli, ["check", "--no-cache", "a.txt"])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("postlint: error: ")
    assert "marker.toml" in line and "patterns[0]: invalid regular expression" in line


def test_a_folder_of_many_files_lints_every_one(project: Path) -> None:
    # 20,000 files in one folder, not the 100,000: on the shared 2-core CI machine
    # creating 100,000 files took 21-42 s and linting them 98 s, far over a unit test's budget
    drafts = project / "many"
    drafts.mkdir()
    for j in range(20_000):
        (drafts / f"{j:05d}.txt").write_bytes(b"ZQXMARK" if j % 1000 == 999 else b"fine")
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--statistics", "many"])
    assert result.exit_code == 1
    assert result.stdout == "    20  marker  [warning]\n"
