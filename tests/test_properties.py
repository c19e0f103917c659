"""Property-based tests (hypothesis) of the draft readers and problem locations: over any
text and any draft (txt/md with front matter and threads, CSV with quoted multi-line
cells, JSONL with escapes; a targeted alphabet and the whole of Unicode) postlint never
raises, every span lies inside its own post's stretch of the file, the
reported line and column point at the flagged text in the original file, and `--fix` is
idempotent and changes nothing outside its edits."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postlint.cli import cli
from postlint.config import CommandLine, Resolver
from postlint.drafts import _csv_records, csv_delimiter, record_starts
from postlint.linter import RunState
from postlint.runner import lint_file

MARK = "ZQXMARK"
PACK_RULE = """kind = "phrases"
severity = "warning"
message = "marker {match}"

[options]
patterns = ['ZQXMARK']
ignore_case = false

[doc]
what = "Flags the test marker."
why = "The property tests need a rule whose matches they know exactly."
source = "tests/test_properties.py"
example = "a ZQXMARK here"
use_instead = "nothing here"
"""
CONFIG = """packs = ["./marker-pack"]
extends = ["marker-pack", "hygiene"]
"""
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: the span properties run every pack: fewer examples keep the file quick
SPANS = settings(SETTINGS, max_examples=40)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# text people put in drafts: letters in several scripts, emoji (with ZWJ and modifiers),
# combining marks, quotes, separators, escapes, every kind of line break
_ASCII = list("abcdefghij klmnop ,;:.!?'\"\\/{}[]#@$-_*\t")
_OTHER = [
    "é",
    "ß",
    "Ж",
    "中",
    "ع",
    "ー",
    "\u0301",
    "\u200d",
    "\ufe0f",
    "😂",
    "👩‍👩‍👧",
    "🇫🇷",
    "👍🏽",
]
_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\x85", "\x0b"]
_ALPHABET = st.sampled_from([*_ASCII, *_OTHER, *_BREAKS])
targeted = st.lists(_ALPHABET, max_size=60).map("".join)
# any Unicode text: every category but surrogates (they cannot be encoded in UTF-8),
# control characters included, with CR, LF and CRLF mixed in at random places
_ANY_CHAR = st.characters(codec="utf-8")
unicode_texts = st.lists(
    st.one_of(st.text(_ANY_CHAR, max_size=12), st.sampled_from(_BREAKS)), max_size=8
).map("".join)
texts = st.one_of(targeted, unicode_texts, st.text(max_size=60))
plain = st.lists(st.sampled_from(list("abcdefgh ,.!?'\"é中😂\t")), max_size=30).map("".join)
# post text from anywhere in Unicode (no NUL: a NUL byte makes the file binary, skipped)
wide = st.one_of(
    plain,
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
)
newline = st.sampled_from(["\n", "\r\n", "\r"])


def _project(tmp: Path) -> Path:
    (tmp / "marker-pack").mkdir(parents=True, exist_ok=True)
    (tmp / "marker-pack" / "marker.toml").write_text(PACK_RULE, encoding="utf-8")
    (tmp / "postlint.toml").write_text(CONFIG, encoding="utf-8")
    return tmp


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return _project(tmp_path)


def _at(text: str, line: int, column: int) -> str:
    """The file text from 1-based line:column (lines split as editors do: CR, LF, CRLF)."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    return text[starts[line - 1] + column - 1 :]


def _lint(project: Path, name: str, data: bytes) -> object:
    path = project / name
    path.write_bytes(data)
    return lint_file(path, Resolver(None, CommandLine()), RunState())


# --------------------------------------------------------------------------- drafts


def _body(draw: st.DrawFn, marker: bool, content: st.SearchStrategy[str] = plain) -> str:
    """A txt/md body: thread posts split by `---` lines, one of them holding the marker."""
    nl = draw(newline)
    posts = draw(st.lists(content, min_size=1, max_size=3))
    if marker:
        i = draw(st.integers(0, len(posts) - 1))
        cut = draw(st.integers(0, len(posts[i])))
        posts[i] = posts[i][:cut] + MARK + posts[i][cut:]
    lines = [line for p in posts for line in [*p.split("\n"), "---"]][:-1]
    return nl.join(lines) + draw(st.sampled_from(["", nl]))


@st.composite
def text_drafts(
    draw: st.DrawFn,
    content: st.SearchStrategy[str] = plain,
    names: tuple[str, ...] = ("draft.txt", "draft.md"),
) -> tuple[str, str]:
    name = draw(st.sampled_from(names))
    body = _body(draw, True, content)
    if name != "draft.txt" and draw(st.booleans()):
        nl = draw(newline)
        if draw(st.booleans()):
            fm = f"---{nl}platform: instagram{nl}title: {json.dumps(draw(plain))}{nl}---{nl}"
        else:
            fm = f"+++{nl}platform = 'x'{nl}note = {json.dumps(draw(plain))}{nl}+++{nl}"
        body = fm + body
    return name, body


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@st.composite
def csv_drafts(draw: st.DrawFn, content: st.SearchStrategy[str] = plain) -> tuple[str, str]:
    """A CSV export with quoted multi-line cells and doubled quotes; one cell has the marker."""
    nl = draw(newline)
    rows = draw(st.lists(st.tuples(content, content), min_size=1, max_size=4))
    target = draw(st.integers(0, len(rows) - 1))
    out = [f"id,text,platform{nl}"]
    for i, (a, b) in enumerate(rows):
        cell = a + (MARK if i == target else "") + draw(st.sampled_from(["", "\n", "\r\n"])) + b
        out.append(f"{i},{_csv_cell(cell)},instagram{nl}")
    return "export.csv", "".join(out)


@st.composite
def jsonl_drafts(draw: st.DrawFn, content: st.SearchStrategy[str] = plain) -> tuple[str, str]:
    """JSONL with escapes (\\uXXXX, surrogate pairs, \\n, \\"); one line has the marker."""
    nl = draw(newline)
    rows = draw(st.lists(st.tuples(content, content), min_size=1, max_size=4))
    target = draw(st.integers(0, len(rows) - 1))
    lines = []
    for i, (a, b) in enumerate(rows):
        value = a + (MARK if i == target else "") + "\n" + b
        ascii_only = draw(st.booleans())
        lines.append(json.dumps({"id": i, "text": value}, ensure_ascii=ascii_only))
    return "posts.jsonl", nl.join(lines) + nl


ANY_DRAFT = st.one_of(
    text_drafts(),
    csv_drafts(),
    jsonl_drafts(),
    text_drafts(wide, ("draft.txt", "draft.md", "draft.markdown")),
    csv_drafts(wide),
    jsonl_drafts(wide),
)


@SETTINGS
@given(draft=ANY_DRAFT)
def test_line_and_column_point_at_the_flagged_text(project: Path, draft: tuple[str, str]) -> None:
    name, text = draft
    result = _lint(project, name, text.encode("utf-8"))
    marks = [p for p in result.problems if p.rule == "marker"]  # type: ignore[attr-defined]
    assert len(marks) == 1, (text, result.problems)  # type: ignore[attr-defined]
    p = marks[0]
    assert _at(text, p.line, p.column).startswith(MARK), (text, p)
    assert text[p.start : p.end] == MARK
    assert (p.end_line, p.end_column) == (p.line, p.column + len(MARK))


#: every shipped pack that needs no spaCy, with platforms, so that many rules report spans
WIDE_CONFIG = """packs = ["./marker-pack"]
extends = ["marker-pack", "engagement", "hygiene", "platforms", "reach", "service"]
# (humour's model costs time per example and reports the whole post, as account-tag does)
ignore = ["tag-a-friend", "humour"]
platform = ["x", "instagram", "threads", "bluesky", "youtube"]
"""


def _assert_spans_inside_their_posts(result: Any, file_text: str) -> None:
    """Each problem's span lies inside the file extent of its own post (the post's offset
    map), and its line and column are where that offset is in the file."""
    source = result.source
    if not source.notices:  # not skipped (a NUL byte makes the file binary)
        assert source.text == file_text.removeprefix("\ufeff")
    posts = {post.index: post for post in source.posts}
    size = len(source.text)
    for p in result.problems:
        assert p.line >= 1 and p.column >= 1, p
        assert (p.line, p.column) <= (p.end_line, p.end_column), p
        if p.post < 0:  # a problem with the draft itself: a line and column, no span
            continue
        assert 0 <= p.start <= p.end <= size, p
        assert _at(source.text, p.line, p.column) == source.text[p.start :], p
        assert _at(source.text, p.end_line, p.end_column) == source.text[p.end :], p
        post = posts[p.post]
        first, last = post.offsets.span_to_file(0, len(post.text))
        assert first <= p.start <= p.end <= last, (p, post.text)


@SPANS
@given(text=texts, name=st.sampled_from(["a.txt", "a.md", "a.markdown", "a.csv", "a.jsonl"]))
def test_any_text_lints_and_every_span_is_inside_its_post(
    project: Path, text: str, name: str
) -> None:
    (project / "postlint.toml").write_text(WIDE_CONFIG, encoding="utf-8")
    result = _lint(project, name, text.encode("utf-8"))
    _assert_spans_inside_their_posts(result, text)


@SPANS
@given(draft=ANY_DRAFT)
def test_any_draft_lints_and_every_span_is_inside_its_post(
    project: Path, draft: tuple[str, str]
) -> None:
    (project / "postlint.toml").write_text(WIDE_CONFIG, encoding="utf-8")
    name, text = draft
    result = _lint(project, name, text.encode("utf-8"))
    assert any(p.rule == "marker" for p in result.problems), (text, result.problems)  # type: ignore[attr-defined]
    _assert_spans_inside_their_posts(result, text)


@SETTINGS
@given(data=st.binary(max_size=200), name=st.sampled_from(["b.txt", "b.md", "b.csv", "b.jsonl"]))
def test_any_bytes_give_problems_or_notices_never_an_exception(
    project: Path, data: bytes, name: str
) -> None:
    result = _lint(project, name, data)
    assert isinstance(result.problems, list)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- splitting


@SETTINGS
@given(
    text=st.lists(st.sampled_from(list('ab,;"\t\r\n ')), max_size=80).map("".join),
)
def test_record_starts_split_a_csv_where_the_reader_does(text: str) -> None:
    delimiter = csv_delimiter(text)
    expected = [start for start, _ in _csv_records(text, delimiter)]
    assert list(record_starts(text, ".csv")) == expected


@SETTINGS
@given(draft=csv_drafts(), cut=st.integers(1, 3))
def test_a_csv_read_in_parts_gives_the_posts_of_the_whole(
    project: Path, draft: tuple[str, str], cut: int
) -> None:
    from postlint.drafts import ReadSettings, Source, parse

    _, text = draft
    whole = parse(Source("e.csv", text), ".csv", ReadSettings())
    starts = list(record_starts(text, ".csv"))[1:]
    bounds = [*starts[::cut], len(text)]
    parts: list[Any] = []
    for a, b in itertools.pairwise(bounds):
        source = Source("e.csv", text)
        source.post_base = len(parts)
        parse(source, ".csv", ReadSettings(), (a, b))
        parts.extend(source.posts)
    assert [(p.index, p.text, p.line) for p in parts] == [
        (p.index, p.text, p.line) for p in whole.posts
    ]


# --------------------------------------------------------------------------- fixes

ACCOUNTS = """packs = ["./marker-pack"]
extends = ["marker-pack"]
select = ["untagged-account", "hashtag-case"]

[accounts."Zqx Brand"]
default = "@zqxbrand"
"""
#: what the marker becomes: an account name to tag and a hashtag to CamelCase
NAMED = " Zqx Brand #throwbackthursday "


@SETTINGS
@given(
    draft=st.one_of(text_drafts(), csv_drafts(), jsonl_drafts()),
    mode=st.sampled_from(["append", "replace"]),
    unsafe=st.booleans(),
)
def test_fix_is_idempotent_and_touches_only_its_edit(
    project: Path, draft: tuple[str, str], mode: str, unsafe: bool
) -> None:
    # untagged-account's append fix (safe) or replace fix (unsafe, applied only with
    # --unsafe-fixes), and hashtag-case's CamelCase fix (safe) on every marker
    config = ACCOUNTS + f'\n[rules.untagged-account]\nfix = "{mode}"\n'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    name, text = draft
    original = text.replace(MARK, NAMED)
    path = project / name
    path.write_bytes(original.encode("utf-8"))
    runner = CliRunner()
    args = ["check", "--fix", "--no-cache", *(["--unsafe-fixes"] if unsafe else []), name]
    first = runner.invoke(cli, args)
    assert first.exit_code in (0, 1), first.output
    fixed = path.read_bytes().decode("utf-8")
    assert "#throwbackthursday" not in fixed, (original, first.output)
    # undo each fix: what is left is the original, so nothing else changed
    undone = fixed.replace("#ThrowbackThursday", "#throwbackthursday")
    if mode == "append":
        assert "Zqx Brand (@zqxbrand)" in fixed, (original, first.output)
        undone = undone.replace("Zqx Brand (@zqxbrand)", "Zqx Brand", 1)
    elif unsafe:
        assert " @zqxbrand #" in fixed, (original, first.output)
        undone = undone.replace(" @zqxbrand #", " Zqx Brand #", 1)
    else:  # an unsafe fix without --unsafe-fixes is not applied
        assert "@zqxbrand" not in fixed
    assert undone == original
    second = runner.invoke(cli, args)
    assert second.exit_code in (0, 1), second.output
    assert path.read_bytes().decode("utf-8") == fixed
