"""Draft readers: every post located exactly in the original file, whatever the format."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from postlint.drafts import ReadSettings, Source, decode, parse, read_source


def read(text: str, suffix: str = ".txt", settings: ReadSettings | None = None) -> Source:
    source = Source("draft" + suffix, text)
    return parse(source, suffix, settings or ReadSettings())


def locate(source: Source, post_index: int, needle: str) -> tuple[int, int]:
    """Line and column in the file of `needle` found in post `post_index`."""
    post = source.posts[post_index]
    i = post.text.index(needle)
    return source.line_col(post.offsets.to_file(i))


def test_txt_is_one_post_trimmed() -> None:
    source = read("\n\n  Hello world  \n\n")
    assert [p.text for p in source.posts] == ["Hello world"]
    assert locate(source, 0, "world") == (3, 9)


def test_thread_split_on_dashes_only_line() -> None:
    source = read("one\n---\ntwo\n  ---  \nthree\n")
    assert [p.text for p in source.posts] == ["one", "two", "three"]
    assert locate(source, 2, "three") == (5, 1)
    assert [p.index for p in source.posts] == [0, 1, 2]


def test_yaml_front_matter_is_metadata_and_not_text() -> None:
    text = "---\nplatform: [X, Instagram]\nkind: reply\nin_reply_to: '@jane'\n---\nThanks @jane!\n"
    source = read(text, ".md")
    post = source.posts[0]
    assert post.text == "Thanks @jane!"
    assert post.platforms == ("x", "instagram")
    assert post.kind == "reply"
    assert locate(source, 0, "@jane") == (6, 8)


def test_toml_front_matter() -> None:
    source = read('+++\nplatform = "bluesky"\n+++\nHello\n', ".md")
    assert source.posts[0].platforms == ("bluesky",)
    assert locate(source, 0, "Hello") == (4, 1)


def test_malformed_yaml_front_matter_is_reported_with_its_line() -> None:
    source = read("---\nplatform: x\nmedia: [unclosed\n---\nHello\n", ".md")
    assert len(source.errors) == 1
    message, line, _ = source.errors[0]
    assert message.startswith("malformed YAML front matter")
    assert line in (3, 4, 5)
    assert [p.text for p in source.posts] == ["Hello"]


def test_front_matter_with_wrong_types_is_reported_and_ignored() -> None:
    source = read("---\nplatform: 3\n---\nHello\n", ".md")
    assert any("platform" in m for m, _, _ in source.errors)
    assert source.posts[0].platforms == ()


def test_crlf_and_cr_keep_columns_right() -> None:
    source = read("first line\r\nsecond with word\rthird word\r\n")
    post = source.posts[0]
    assert post.text == "first line\nsecond with word\nthird word"
    assert locate(source, 0, "word") == (2, 13)
    assert locate(source, 0, "third") == (3, 1)


def test_directives_are_stripped_and_recorded() -> None:
    text = (
        "<!-- postlint: disable=max-length -->\n"
        "Hello <!-- postlint: disable-line=humour --> there\n"
        "<!-- postlint: disable-next-line=account-tag -->\n"
        "Third\n"
        "<!-- postlint: enable -->\n"
        "Last\n"
    )
    source = read(text)
    assert source.posts[0].text == "Hello  there\nThird\nLast"
    d = source.directives
    assert d.disabled("max-length", 2) and d.disabled("max-length", 4)
    assert not d.disabled("max-length", 6)
    assert d.disabled("humour", 2) and not d.disabled("humour", 4)
    assert d.disabled("account-tag", 4) and not d.disabled("account-tag", 2)
    assert locate(source, 0, "there") == (2, 46)
    assert locate(source, 0, "Last") == (6, 1)


def test_unknown_directive_is_an_error() -> None:
    source = read("<!-- postlint: disabel=humour -->\nHi\n")
    assert source.errors and "unknown directive" in source.errors[0][0]


def test_front_matter_disable() -> None:
    source = read("---\npostlint:\n  disable: [humour]\n---\nHi\n", ".md")
    assert source.directives.disabled("humour", 5)


def test_csv_rows_with_quotes_and_newlines() -> None:
    text = 'id,Caption,platform\n1,"He said ""hi"", then left",x\n2,"line one\r\nline two",threads\n3,plain,\n'
    source = read(text, ".csv")
    assert [p.text for p in source.posts] == [
        'He said "hi", then left',
        "line one\nline two",
        "plain",
    ]
    assert source.posts[0].meta == {"id": "1", "platform": "x"}
    assert source.posts[1].platforms == ("threads",)
    assert locate(source, 0, "then") == (2, 20)
    assert locate(source, 1, "two") == (4, 6)
    assert locate(source, 2, "plain") == (5, 3)


@pytest.mark.parametrize("header", ["text", "caption", "message", "post", "content", "body"])
def test_csv_text_column_found(header: str) -> None:
    source = read(f"id,{header}\n1,hello\n", ".csv")
    assert source.posts[0].text == "hello"


def test_csv_text_column_from_config_and_missing_column() -> None:
    source = read("id,copy\n1,hello\n", ".csv", ReadSettings(text_column="copy"))
    assert source.posts[0].text == "hello"
    missing = read("id,copy\n1,hello\n", ".csv")
    assert missing.posts == [] and "no text column" in missing.errors[0][0]


def test_csv_ragged_row_reported_others_read() -> None:
    source = read("id,text\n1,one\n2,two,extra\n3,three\n", ".csv")
    assert [p.text for p in source.posts] == ["one", "three"]
    assert source.errors[0][1] == 3 and "3 fields" in source.errors[0][0]


def test_semicolon_csv() -> None:
    source = read("id;text\n1;bonjour, le monde\n", ".csv")
    assert source.posts[0].text == "bonjour, le monde"


def test_jsonl_escapes_map_to_raw_offsets() -> None:
    text = '{"id": 1, "text": "caf\\u00e9 \\"quoted\\" \\ud83d\\ude00 end", "platform": "x"}\n'
    source = read(text, ".jsonl")
    post = source.posts[0]
    assert post.text == 'café "quoted" 😀 end'
    assert post.meta == {"id": 1, "platform": "x"}
    assert locate(source, 0, "quoted") == (1, 32)
    assert locate(source, 0, "end") == (1, 54)


def test_jsonl_bad_line_reported_others_read() -> None:
    source = read('{"text": "one"}\n{"text": oops}\n[1]\n{"text": "four"}\n', ".jsonl")
    assert [p.text for p in source.posts] == ["one", "four"]
    assert [line for _, line, _ in source.errors] == [2, 3]


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_bom_encodings_decode(bom: bytes, encoding: str) -> None:
    text, enc, had_bom = decode(bom + "héllo 😀".encode(encoding))
    assert (text, enc, had_bom) == ("héllo 😀", encoding, True)


def test_invalid_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok line\nbad \xff byte\n")
    source = read_source(path, ReadSettings())
    assert source.posts == []
    message, line, column = source.errors[0]
    assert message.startswith("invalid UTF-8 at byte 12") and (line, column) == (2, 5)


def test_binary_and_empty_and_oversized_files_are_skipped_with_a_notice(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "empty.md").write_bytes(b"  \n")
    (tmp_path / "big.txt").write_bytes(b"x" * 100)
    binary = read_source(tmp_path / "bin.txt", ReadSettings())
    empty = read_source(tmp_path / "empty.md", ReadSettings())
    big = read_source(tmp_path / "big.txt", ReadSettings(max_file_size=10))
    assert binary.notices == ["skipped: binary file (NUL byte)"]
    assert empty.notices == ["empty draft, nothing to lint"]
    assert big.notices and "over the size limit" in big.notices[0]
    assert not (binary.errors or empty.errors or big.errors)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("---\ntitle: a\npostlint: {disable: [nope-rule]}\n---\nHello\n", (3, 22)),
        ("---\npostlint:\n  disable:\n    - humour\n    - nope-rule\n---\nHello\n", (5, 7)),
        ('+++\ntitle = "a"\n\n[postlint]\ndisable = ["humour", "nope-rule"]\n+++\nHi\n', (5, 23)),
    ],
)
def test_front_matter_disable_names_are_located_at_their_line(
    text: str, position: tuple[int, int]
) -> None:
    source = read(text, ".md")
    assert (*position, "nope-rule") in source.directives.mentioned
    assert "nope-rule" in source.directives.file_rules


@pytest.mark.parametrize(
    ("text", "error"),
    [
        # the parser counts lines within the front matter; the problem gives the file's
        (
            '+++\ntitle = "a"\nbad = \n+++\nHello\n',
            ("malformed TOML front matter: Invalid value", 3, 7),
        ),
        (
            "---\ntitle: a\nbad: [x\n---\nHello\n",
            (
                "malformed YAML front matter: while parsing a flow sequence: expected ',' or "
                "']', but got the end of the front matter",
                4,
                1,
            ),
        ),
        (
            "---\ntitle: a\n  kind: : x\n---\nHello\n",
            ("malformed YAML front matter: mapping values are not allowed here", 3, 7),
        ),
        (
            "---\ntitle: a\nkind: [reply]\n---\nHello\n",
            ("front matter: kind: expected a string such as post or reply, got ['reply']", 3, 1),
        ),
    ],
)
def test_front_matter_errors_point_at_the_file_line(text: str, error: tuple[str, int, int]) -> None:
    source = read(text, ".md")
    assert source.errors == [error]
    assert [p.text for p in source.posts] == ["Hello"]


@pytest.mark.parametrize(
    ("value", "platforms", "error"),
    [
        ("Twitter, IG", ("x", "instagram"), None),
        (["x", "X", "bsky"], ("x", "bluesky"), None),
        (["x", "twiter"], ("x",), "platform: unknown platform 'twiter'; did you mean twitter?"),
        ("instagrm", (), "platform: unknown platform 'instagrm'; did you mean instagram?"),
        (
            ["twiter", "qqqqq"],
            (),
            "platform: unknown platforms 'twiter' (did you mean twitter?), 'qqqqq' (known: x, "
            "instagram, threads, bluesky, mastodon, linkedin, facebook, tiktok, youtube, "
            "youtube-description)",
        ),
        (3, (), "platform: expected a name or a list of names, got 3"),
    ],
)
def test_platform_names_are_checked_against_the_known_platforms(
    value: object, platforms: tuple[str, ...], error: str | None
) -> None:
    from postlint.drafts import read_platforms

    assert read_platforms(value) == (platforms, error)


def test_an_unknown_platform_in_a_draft_keeps_the_known_ones() -> None:
    source = read("---\nplatform:\n  - threads\n  - mastodn\n---\nHello\n", ".md")
    assert source.errors == [
        ("front matter: platform: unknown platform 'mastodn'; did you mean mastodon?", 4, 5)
    ]
    assert source.posts[0].platforms == ("threads",)
    csv = read("text,platform\nhello,instagram\nhi,tiktk\n", ".csv")
    assert csv.errors == [("platform: unknown platform 'tiktk'; did you mean tiktok?", 3, 4)]
    assert [p.platforms for p in csv.posts] == [("instagram",), ()]


def test_a_row_with_one_field_says_field() -> None:
    source = read("id,text\n1,hello\n2\n", ".csv")
    assert source.errors == [("row has 1 field, the header has 2; row skipped", 3, 1)]
