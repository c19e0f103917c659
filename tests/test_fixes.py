"""`--fix` and `--diff`: safe versus unsafe, never overlapping, every byte outside the edits
kept (encodings, BOM, CRLF, front matter, other posts, CSV and JSON escapes), idempotent;
with hypothesis properties over generated drafts."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postlint.cli import cli
from postlint.config import CommandLine, Resolver
from postlint.fixes import apply_edits, choose_fixes, fix_result, unified_diff
from postlint.linter import FileEdit, FileFix, Problem, RunState
from postlint.packs import builtin_catalog
from postlint.report import Summary
from postlint.runner import lint_file

IGNORE_PACKS = "ignore = [" + ", ".join(f'"{p}"' for p in sorted(builtin_catalog().packs)) + "]"
CONFIG = f"""{IGNORE_PACKS}
platform = "x"

[rules.untagged-account]
enabled = true

[accounts."Stranger Things"]
aliases = ["ST4"]
x = "@Stranger_Things"

[accounts."Beyoncé"]
x = "@Beyonce"
"""
TAGS = (" (@Stranger_Things)", " (@Beyonce)")


def _project(folder: Path, name: str, data: bytes, config: str = CONFIG) -> Path:
    (folder / "postlint.toml").write_text(config, encoding="utf-8")
    path = folder / name
    path.write_bytes(data)
    return path


def _fix(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--format", "concise", *args], input=input)
    # stdout as bytes: `Result.stdout` would turn CRLF into LF
    return result.exit_code, result.stdout_bytes.decode(), result.stderr


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        pytest.param(
            "crlf.txt",
            b"Hi!\r\nStranger Things is back\r\n",
            b"Hi!\r\nStranger Things (@Stranger_Things) is back\r\n",
            id="crlf",
        ),
        pytest.param(
            "bom.txt",
            codecs.BOM_UTF8 + "ST4 ❤️ café".encode(),
            codecs.BOM_UTF8 + "ST4 (@Stranger_Things) ❤️ café".encode(),
            id="utf8-bom",
        ),
        pytest.param(
            "wide.txt",
            codecs.BOM_UTF16_LE + "Stranger Things 👨‍👩‍👧‍👦\r\n".encode("utf-16-le"),
            codecs.BOM_UTF16_LE
            + "Stranger Things (@Stranger_Things) 👨‍👩‍👧‍👦\r\n".encode("utf-16-le"),
            id="utf16-bom",
        ),
        pytest.param(
            "thread.md",
            b"---\r\ntitle: ST4\r\n---\r\nPart one, no names.\r\n---\r\nThen ST4!\r\n---\r\n"
            b"And Stranger Things.",
            b"---\r\ntitle: ST4\r\n---\r\nPart one, no names.\r\n---\r\n"
            b"Then ST4 (@Stranger_Things)!\r\n---\r\nAnd Stranger Things (@Stranger_Things).",
            id="thread-front-matter",
        ),
        pytest.param(
            "posts.csv",
            b'id,text,note\r\n1,"He said ""ST4""",x\r\n2,ST4 rocks,"a, b"\r\n3,none,\r\n',
            b'id,text,note\r\n1,"He said ""ST4 (@Stranger_Things)""",x\r\n'
            b'2,ST4 (@Stranger_Things) rocks,"a, b"\r\n3,none,\r\n',
            id="csv",
        ),
        pytest.param(
            "posts.jsonl",
            b'{"id": 1, "text": "caf\\u00e9 \\"ST4\\"\\n\\ud83d\\ude00 end"}\n{"text": "ST4"}\n',
            b'{"id": 1, "text": "caf\\u00e9 \\"ST4 (@Stranger_Things)\\"\\n\\ud83d\\ude00 end"}\n'
            b'{"text": "ST4 (@Stranger_Things)"}\n',
            id="jsonl",
        ),
        pytest.param(
            "escaped-end.jsonl",
            b'{"text": "Go Beyonc\\u00e9"}\n{"text": "\\"Beyonc\\u00e9\\""}\n',
            b'{"text": "Go Beyonc\\u00e9 (@Beyonce)"}\n{"text": "\\"Beyonc\\u00e9 (@Beyonce)\\""}\n',
            id="jsonl-escaped-last-character",
        ),
        pytest.param(
            "quoted-end.csv",
            'text\n"Go Beyoncé"\n"""ST4"""\n'.encode(),
            'text\n"Go Beyoncé (@Beyonce)"\n"""ST4 (@Stranger_Things)"""\n'.encode(),
            id="csv-doubled-quote-at-the-end",
        ),
    ],
)
def test_fix_keeps_every_byte_outside_the_edits(
    project: Path, name: str, before: bytes, after: bytes
) -> None:
    path = _project(project, name, before)
    code, out, _ = _fix("--fix", name)
    assert (code, out) == (0, "")
    assert path.read_bytes() == after
    # a second --fix changes nothing
    code, out, _ = _fix("--fix", name)
    assert (code, out) == (0, "")
    assert path.read_bytes() == after


def test_diff_prints_the_change_and_writes_nothing(project: Path) -> None:
    before = b"Hi!\nStranger Things is back"
    path = _project(project, "post.txt", before)
    code, out, _ = _fix("--diff", "post.txt")
    assert code == 1
    assert out == (
        "--- a/post.txt\n"
        "+++ b/post.txt\n"
        "@@ -1,2 +1,2 @@\n"
        " Hi!\n"
        "-Stranger Things is back\n"
        "\\ No newline at end of file\n"
        "+Stranger Things (@Stranger_Things) is back\n"
        "\\ No newline at end of file\n"
        "post.txt:2:1: warning [untagged-account] Stranger Things is named but not tagged: "
        "add @Stranger_Things\n"
    )
    assert path.read_bytes() == before


def test_stdin_fix_prints_the_fixed_text_only(project: Path) -> None:
    (project / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    code, out, err = _fix("--fix", "-", input=b"ST4 is back\r\n")
    assert (code, out, err) == (0, "ST4 (@Stranger_Things) is back\r\n", "")


def test_stdin_fix_never_writes_the_stdin_filename(project: Path) -> None:
    path = _project(project, "post.txt", b"on disk: ST4\n")
    code, out, err = _fix("--fix", "--stdin-filename", "post.txt", "-", input=b"ST4 now\n")
    assert (code, out, err) == (0, "ST4 (@Stranger_Things) now\n", "")
    assert path.read_bytes() == b"on disk: ST4\n"


def test_stdin_fix_without_fixes_echoes_the_input(project: Path) -> None:
    (project / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    code, out, _ = _fix("--fix", "-", input=b"nothing to tag\n")
    assert (code, out) == (0, "nothing to tag\n")


def test_a_fix_across_a_directive_is_not_applied(project: Path) -> None:
    config = CONFIG.replace("enabled = true", 'enabled = true\nfix = "replace"')
    before = b"Stranger <!-- postlint: disable-next-line=max-length --> Things is back\n"
    path = _project(project, "post.md", before, config)
    code, out, _ = _fix("--fix", "--unsafe-fixes", "post.md")
    assert code == 1
    assert out.startswith("post.md:1:1: warning [untagged-account]")
    assert path.read_bytes() == before


def test_replace_over_an_escaped_last_character(project: Path) -> None:
    config = CONFIG.replace("enabled = true", 'enabled = true\nfix = "replace"')
    path = _project(project, "p.jsonl", b'{"text": "Go Beyonc\\u00e9!"}\n', config)
    code, _, _ = _fix("--fix", "--unsafe-fixes", "p.jsonl")
    assert code == 0
    assert path.read_bytes() == b'{"text": "Go @Beyonce!"}\n'


def test_a_file_changed_while_linted_is_not_written(project: Path) -> None:
    path = _project(project, "post.txt", b"ST4 is back\n")
    resolver = Resolver(None, CommandLine())
    result = lint_file(path, resolver, RunState())
    path.write_bytes(b"ST4 was edited meanwhile\n")
    fix_result(result, resolver, unsafe=False, diff=False, to_stdout=False, summary=Summary())
    assert path.read_bytes() == b"ST4 was edited meanwhile\n"


@pytest.mark.skipif(os.name != "posix", reason="symlinks and permission bits are POSIX here")
def test_symlinks_and_permissions_are_kept(project: Path) -> None:
    target = _project(project, "real.txt", b"ST4\n")
    os.chmod(target, 0o640)
    link = project / "link.txt"
    link.symlink_to(target.name)
    code, _, _ = _fix("--fix", "link.txt")
    assert code == 0
    assert link.is_symlink()
    assert target.read_bytes() == b"ST4 (@Stranger_Things)\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_summary_counts_the_applied_fixes(project: Path) -> None:
    path = _project(project, "post.txt", b"ST4\n---\nStranger Things\n")
    resolver = Resolver(None, CommandLine())
    summary = Summary()
    result = lint_file(path, resolver, RunState())
    after = fix_result(result, resolver, unsafe=False, diff=False, to_stdout=False, summary=summary)
    assert summary.fixed == 2
    assert after.problems == []


DUPLICATES = f"""{IGNORE_PACKS}

[rules.duplicate-post]
enabled = true

[rules.hashtag-case]
enabled = true
"""
CAPTION = b"Happy #throwbackthursday to all our fans\n"
FIXED = b"Happy #ThrowbackThursday to all our fans\n"
DUPLICATE = "b.txt:1:1: warning [duplicate-post] same caption as a.txt:1\n"


def test_fix_keeps_problems_that_depend_on_other_files(project: Path) -> None:
    # both drafts are fixed (hashtag-case) and still duplicate each other: --fix must
    # say so and fail, exactly as a plain lint of the fixed files does
    _project(project, "a.txt", CAPTION, DUPLICATES)
    (project / "b.txt").write_bytes(CAPTION)
    assert _fix("--fix", ".")[:2] == (1, DUPLICATE)
    assert (project / "a.txt").read_bytes() == (project / "b.txt").read_bytes() == FIXED
    assert _fix(".")[:2] == (1, DUPLICATE)
    assert _fix("--fix", ".")[:2] == (1, DUPLICATE)


def test_fix_of_one_copy_compares_it_with_the_other_files(project: Path) -> None:
    # only b needs a fix; once fixed it is a copy of a
    _project(project, "a.txt", FIXED, DUPLICATES)
    (project / "b.txt").write_bytes(CAPTION)
    assert _fix("--fix", ".")[:2] == (1, DUPLICATE)
    assert (project / "b.txt").read_bytes() == FIXED


def test_diff_reports_problems_that_depend_on_other_files(project: Path) -> None:
    _project(project, "a.txt", CAPTION, DUPLICATES)
    (project / "b.txt").write_bytes(CAPTION)
    code, out, _ = _fix("--diff", ".")
    assert code == 1
    assert out.count("+Happy #ThrowbackThursday to all our fans") == 2
    assert DUPLICATE in out
    assert (project / "a.txt").read_bytes() == (project / "b.txt").read_bytes() == CAPTION


# --------------------------------------------------------------------------- choosing


def _problem(start: int, end: int, *edits: FileEdit, safe: bool = True) -> Problem:
    fix = FileFix(tuple(edits), "fix", safe) if edits else None
    return Problem("f", 1, 1, 1, 1, "r", "warning", "m", 0, fix, {}, start, end)


def test_unsafe_fixes_only_when_asked() -> None:
    unsafe = _problem(0, 1, FileEdit(0, 1, "x"), safe=False)
    assert choose_fixes([unsafe], unsafe=False) == []
    assert choose_fixes([unsafe], unsafe=True) == [unsafe]


def test_overlapping_and_invalid_fixes_are_skipped() -> None:
    first = _problem(0, 5, FileEdit(0, 5, "a"))
    overlapping = _problem(3, 8, FileEdit(3, 8, "b"))
    same_point = _problem(5, 5, FileEdit(5, 5, "c"), FileEdit(5, 5, "d"))  # collides with itself
    out_of_bounds = _problem(9, 9, FileEdit(9, 20, "e"))
    touching = _problem(5, 6, FileEdit(5, 6, "f"))
    chosen = choose_fixes([first, overlapping, same_point, out_of_bounds, touching], False, 10)
    assert chosen == [first, touching]


def test_diff_marks_a_missing_final_newline() -> None:
    assert unified_diff("p", "a", "b") == (
        "--- a/p\n+++ b/p\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n"
        "\\ No newline at end of file\n"
    )


def test_diff_headers_of_an_absolute_path_name_the_file(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # a file outside the working folder is shown by its absolute path
    path = _project(tmp_path_factory.mktemp("elsewhere"), "post.txt", b"ST4\n")
    code, out, _ = _fix("--diff", str(path))
    assert code == 1
    assert out.startswith(f"--- {path}\n+++ {path}\n@@ -1 +1 @@\n-ST4\n+ST4 (@Stranger_Things)\n")
    assert unified_diff("/tmp/x.txt", "a\n", "b\n").splitlines()[:2] == [
        "--- /tmp/x.txt",
        "+++ /tmp/x.txt",
    ]


# --------------------------------------------------------------------------- properties

_spans = st.tuples(st.integers(0, 40), st.integers(0, 6)).map(lambda t: (t[0], t[0] + t[1]))
_fixes = st.lists(
    st.tuples(st.lists(_spans, min_size=1, max_size=2), st.text("xyz", max_size=3)),
    max_size=8,
)


@given(text=st.text(min_size=0, max_size=40), fixes=_fixes, unsafe=st.booleans())
def test_choosing_and_applying_never_touches_bytes_outside_the_edits(
    text: str, fixes: list[tuple[list[tuple[int, int]], str]], unsafe: bool
) -> None:
    problems = [
        _problem(
            spans[0][0],
            spans[0][1],
            *(FileEdit(s, e, replacement) for s, e in spans),
            safe=i % 3 != 0,
        )
        for i, (spans, replacement) in enumerate(fixes)
    ]
    chosen = choose_fixes(problems, unsafe, len(text))
    edits = sorted(
        (e for p in chosen if p.fix for e in p.fix.edits), key=lambda e: (e.start, e.end)
    )
    for a, b in itertools.pairwise(edits):
        assert a.end <= b.start and (a.start, a.end) != (b.start, b.end)
    fixed = apply_edits(text, edits)
    # walk the result: every stretch between edits is the original's
    pos_old = pos_new = 0
    for edit in edits:
        gap = edit.start - pos_old
        assert fixed[pos_new : pos_new + gap] == text[pos_old : edit.start]
        pos_new += gap + len(edit.replacement)
        pos_old = edit.end
    assert fixed[pos_new:] == text[pos_old:]
    assert all(p.fix is not None and (p.fix.safe or unsafe) for p in chosen)


_WORDS = [
    "Stranger Things", "stranger  things", "ST4", "ST4's", "#ST4", "@ST4", "café", "👨‍👩‍👧‍👦",
    "❤️", "Beyoncé", '"', "'", ",", ";", "hello", "x.com/ST4", "(", ")", "\\", "é", "—", "Things",
    "#throwbackthursday", "#summervibes", "#ST4fans",
]  # fmt: skip
_words = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=8).map(" ".join)
_posts = st.lists(_words, min_size=1, max_size=4)
#: what a fix may write: the append fix's tags, the replace fix's handles (unsafe), and
#: hashtag-case's CamelCase of the same letters
HANDLES = ("@Stranger_Things", "@Beyonce")
CAMEL = {"throwbackthursday": "ThrowbackThursday", "summervibes": "SummerVibes"}


def _draft(posts: list[str], kind: str, newline: str, ascii_json: bool) -> str:
    if kind == "txt":
        return f"{newline}---{newline}".join(posts) + newline
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=newline)
        writer.writerow(["id", "text", "platform"])
        for i, text in enumerate(posts):
            writer.writerow([i, text, "x"])
        return buffer.getvalue()
    return "".join(json.dumps({"text": t}, ensure_ascii=ascii_json) + newline for t in posts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    posts=_posts,
    kind=st.sampled_from(["txt", "csv", "jsonl"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    ascii_json=st.booleans(),
    mode=st.sampled_from(["append", "replace"]),
    unsafe=st.booleans(),
)
def test_fixing_drafts_changes_only_the_fixed_spans_and_is_idempotent(
    posts: list[str],
    kind: str,
    newline: str,
    encoding: str,
    ascii_json: bool,
    mode: str,
    unsafe: bool,
) -> None:
    # three fixes: untagged-account's append (safe) or replace (unsafe: only with
    # --unsafe-fixes), and hashtag-case's CamelCase (safe)
    text = _draft(posts, kind, newline, ascii_json)
    data = text.encode(encoding)  # utf-16 writes a BOM, utf-8-sig too
    config = CONFIG.replace("enabled = true", f'enabled = true\nfix = "{mode}"', 1)
    config += "\n[rules.hashtag-case]\nenabled = true\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = _project(Path(tmp), f"draft.{kind}", data, config)
        resolver = Resolver(None, CommandLine())
        result = lint_file(path, resolver, RunState())
        before = result.source.text
        chosen = choose_fixes(result.problems, unsafe, len(before))
        assert all(p.fix is not None and (p.fix.safe or unsafe) for p in chosen)
        edits = sorted((e for p in chosen if p.fix for e in p.fix.edits), key=lambda e: e.start)
        fix_result(result, resolver, unsafe=unsafe, diff=False, to_stdout=False, summary=Summary())
        fixed = path.read_bytes()
        boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        assert [fixed.startswith(b) for b in boms] == [data.startswith(b) for b in boms]
        after = fixed.decode(encoding)  # the same encoding
        # walk the file: every stretch between the fixed spans is byte for byte the same,
        # and each span holds what one of the fixes writes
        old = new = 0
        for edit in edits:
            gap = edit.start - old
            assert after[new : new + gap] == before[old : edit.start]
            was, now = before[edit.start : edit.end], edit.replacement
            if was == "":
                assert now in TAGS
            elif now in HANDLES:
                assert unsafe and mode == "replace"
            else:
                assert CAMEL.get(was) == now
            assert after[new + gap : new + gap + len(now)] == now
            new += gap + len(now)
            old = edit.end
        assert after[new:] == before[old:]
        # nothing left to fix, and a second --fix changes nothing
        again = lint_file(path, resolver, RunState())
        assert [p for p in again.problems if p.fix and (p.fix.safe or unsafe)] == []
        fix_result(again, resolver, unsafe=unsafe, diff=False, to_stdout=False, summary=Summary())
        assert path.read_bytes() == fixed
