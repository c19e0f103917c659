"""Tests for postlint.text: the shared view, length units, cut offsets and handle syntax.

twitter-text conformance lives in tests/test_text_conformance.py; these tables cover what the
suite does not (emoji sequences, graphemes, generic mentions, other platforms' counting).
"""

from __future__ import annotations

import subprocess
import sys

import emoji as emoji_lib
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint import text as text_module
from postlint.text import (
    UNITS,
    Entity,
    TextView,
    count,
    cut_offset,
    handle_problem,
    is_valid_handle,
    parse_tweet,
)

FAMILY = "👨\u200d👩\u200d👧\u200d👦"

# --- emoji and graphemes -----------------------------------------------------------------

WHOLE_EMOJI = [
    pytest.param(FAMILY, id="zwj-family"),
    pytest.param("👩🏽\u200d💻", id="zwj-skin-tone-profession"),
    pytest.param("🏳️\u200d🌈", id="rainbow-flag"),
    pytest.param("🇺🇸", id="flag-us"),
    pytest.param("🇯🇵", id="flag-jp"),
    pytest.param(
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", id="flag-england"
    ),
    pytest.param("1️⃣", id="keycap-1"),
    pytest.param("#️⃣", id="keycap-hash"),
    pytest.param("👋🏽", id="skin-tone-medium"),
    pytest.param("👍🏿", id="skin-tone-dark"),
    pytest.param("❤️", id="heart-vs16"),
    pytest.param("🐦\u200d🔥", id="phoenix-emoji-15.1"),
    pytest.param("❤️\u200d🔥", id="heart-on-fire"),
]


@pytest.mark.parametrize("sequence", WHOLE_EMOJI)
def test_emoji_sequence_is_one_grapheme_and_one_emoji(sequence: str) -> None:
    text = f"a {sequence} b"
    view = TextView(text)
    assert sequence in view.graphemes
    assert view.grapheme_count == 5
    assert view.emoji == [Entity(2, 2 + len(sequence), sequence)]


def test_non_rgi_zwj_sequence_is_one_emoji() -> None:
    # Not in EMOJI_DATA, but a ZWJ chain of pictographs renders (and counts on X) as one.
    seq = "👨\u200d🦰\u200d👩"
    assert TextView(seq).emoji == [Entity(0, len(seq), seq)]


def test_adjacent_emoji_are_separate() -> None:
    assert [e.text for e in TextView("Fire🔥🔥🔥").emoji] == ["🔥", "🔥", "🔥"]


def test_every_listed_emoji_is_matched_whole() -> None:
    missed = [e for e in emoji_lib.EMOJI_DATA if TextView(e).emoji != [Entity(0, len(e), e)]]
    assert missed == []


@pytest.mark.parametrize(
    "text",
    ["Sunny ☀️ day, 👨‍👩‍👧‍👦 and 🇺🇸🇯🇵 1️⃣ ©️ © ™ ☺ 🏽 text", "no emoji here", "#1 and 2 # 3", ""],
)
def test_emoji_matches_emoji_list(text: str) -> None:
    peer = [(e["match_start"], e["match_end"]) for e in emoji_lib.emoji_list(text)]
    assert [(e.start, e.end) for e in TextView(text).emoji] == peer


@pytest.mark.parametrize(
    ("text", "graphemes"),
    [
        ("नमस्ते", 3),  # UAX #29 GB9c: Indic conjuncts (platforms.md §1.4)
        ("e\u0301", 1),
        ("a\r\nb", 3),
        (FAMILY, 1),
        ("🇺🇸🇯🇵", 2),
        ("abc", 3),
        ("", 0),
    ],
)
def test_grapheme_count(text: str, graphemes: int) -> None:
    view = TextView(text)
    assert view.grapheme_count == graphemes
    assert "".join(view.graphemes) == text
    assert count(text, "graphemes") == graphemes


# --- mentions, hashtags, cashtags, URLs --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("thanks @jane_doe!", ["@jane_doe"]),
        ("cc @alice@mastodon.social please", ["@alice@mastodon.social"]),
        ("by @alice.bsky.social.", ["@alice.bsky.social"]),
        ("photo: @first.last", ["@first.last"]),
        ("@a @b", ["@a", "@b"]),
        ("RT@jack said", ["@jack"]),
        (".@jack is right", ["@jack"]),
        ("mail me at jane@example.com", []),
        ("read medium.com/@bob today", []),
        ("@jürgen was here", []),
        ("@user's post", ["@user"]),
        ("lone @ sign", []),
        ("see https://example.com/a-@bob and @carl", ["@carl"]),  # not inside a URL
    ],
)
def test_generic_mentions(text: str, mentions: list[str]) -> None:
    found = TextView(text).mentions
    assert [m.text for m in found] == mentions
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see https://example.com/a?b=1.", [(4, 29, "https://example.com/a?b=1")]),
        ("www.example.org/path, then", [(0, 20, "www.example.org/path")]),
        ("Link: bit.ly/3xYz", [(6, 17, "bit.ly/3xYz")]),
        (
            "(http://en.wikipedia.org/wiki/Primer_(film))",
            [(1, 43, "http://en.wikipedia.org/wiki/Primer_(film)")],
        ),
        ("file.tar.bz2 and e.g. this", []),
        ("@alice@mastodon.social", []),
        ("これはexample.comです", [(3, 14, "example.com")]),
    ],
)
def test_url_spans(text: str, urls: list[tuple[int, int, str]]) -> None:
    assert TextView(text).urls == [Entity(*u) for u in urls]


def test_hashtag_that_starts_before_an_overlapping_url_stays() -> None:
    # twitter-text's remove_overlapping_entities: the entity that starts first wins.
    view = TextView("#日本example.com")
    assert [h.text for h in view.hashtags] == ["#日本example"]
    assert [u.text for u in view.urls] == ["example.com"]


def test_hashtags_and_cashtags_keep_their_sigils() -> None:
    view = TextView("#SummerVibes at example.com/#anchor, $TSLA up, #日本語 #123")
    assert [h.text for h in view.hashtags] == ["#SummerVibes", "#日本語"]
    assert [c.text for c in view.cashtags] == ["$TSLA"]


@pytest.mark.parametrize(
    ("text", "syntax", "tags"),
    [
        # twitter-text (X): a letter is needed; the middle dot joins; `#a#b` is no hashtag
        ("#tag#tag2 #2024_ #a·b #self-care", "twitter-text", ["#a·b", "#self"]),
        # Instagram (§1.2): letters, digits, _; not digits only; punctuation ends the tag
        ("#tag#tag2 #2024_ #a·b #self-care #2024", "instagram", ["#tag", "#2024_", "#a", "#self"]),
        ("x#tag #café #日本語 https://a.com/#frag", "instagram", ["#café", "#日本語"]),
        # Mastodon (§1.5): after a space or the start; a letter needed; · ・ ZWNJ inside only
        ("#a·b #a· x#y #2024 #_x #tag#tag2", "mastodon", ["#a·b", "#a", "#_x", "#tag"]),
        # Bluesky (§1.4): after a space or the start, anything but spaces; one character
        # that is no digit or punctuation; trailing punctuation stripped; at most 64
        ("#self-care! #1984 #🔥 (#tag) #tag#tag2", "bluesky", ["#self-care", "#🔥", "#tag#tag2"]),
        ("#" + "a" * 64 + " #" + "b" * 65, "bluesky", ["#" + "a" * 64]),
    ],
)
def test_hashtags_per_platform_syntax(text: str, syntax: str, tags: list[str]) -> None:
    view = TextView(text)
    found = view.hashtags_for(syntax)
    assert [h.text for h in found] == tags
    assert all(text[h.start : h.end] == h.text for h in found)


def test_x_hashtags_are_twitter_texts() -> None:
    view = TextView("#SummerVibes #123 #a·b")
    assert view.hashtags_for("twitter-text") == view.hashtags
    with pytest.raises(ValueError, match="unknown hashtag syntax 'myspace'"):
        view.hashtags_for("myspace")


# --- length units --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "params", "expected"),
    [
        ("😀", "threads", {}, 4),  # Threads: an emoji counts its UTF-8 bytes (§1.3)
        (FAMILY, "threads", {}, 25),
        ("hi 😀", "threads", {}, 7),
        ("café", "code_points", {}, 4),
        ("café", "utf8_bytes", {}, 5),
        ("😀", "utf16_units", {}, 2),
        ("😀", "utf8_bytes", {}, 4),
        (FAMILY, "graphemes", {}, 1),
        (FAMILY, "x_weighted", {}, 2),  # v3: any emoji sequence weighs 2 (§1.1)
        (FAMILY, "x_weighted", {"config": "v2"}, 11),
        ("Hi https://example.com/a/very/long/path", "x_weighted", {}, 26),
        ("日本", "x_weighted", {}, 4),
        ("@alice@mastodon.social hi", "mastodon", {}, 9),  # remote mention counts as @alice
        ("see https://example.com/long/path/x", "mastodon", {}, 27),  # URL with scheme: 23
        ("see example.com/long/path/x", "mastodon", {}, 27),  # bare domain counts in full
        ("see https://example.com/x", "mastodon", {"url_length": 10}, 14),
        ("hi", "mastodon", {"spoiler_text": "CW food"}, 9),  # the content warning counts
        (FAMILY + " ok", "mastodon", {}, 4),
        ("", "graphemes", {}, 0),
    ],
)
def test_count(text: str, unit: str, params: dict[str, object], expected: int) -> None:
    assert count(text, unit, **params) == expected


def test_x_weighted_matches_parse_tweet() -> None:
    text = "Launch day 🚀 https://example.com #news"
    assert count(text, "x_weighted") == parse_tweet(text).weighted_length == 11 + 2 + 1 + 23 + 6


@pytest.mark.parametrize(
    ("text", "unit", "limit", "params", "expected"),
    [
        ("abcdef", "graphemes", 6, {}, None),
        ("abcdef", "graphemes", 3, {}, 3),
        (FAMILY + "ab", "graphemes", 1, {}, 7),
        (FAMILY + "ab", "code_points", 3, {}, 3),
        ("ab😀cd", "utf8_bytes", 4, {}, 2),  # the emoji straddles the limit: cut before it
        ("ab😀cd", "utf16_units", 3, {}, 2),
        ("ab😀cd", "threads", 5, {}, 2),
        ("ab😀cd", "threads", 6, {}, 3),
        ("x" * 270 + " https://example.com/abc", "x_weighted", 280, {}, 271),  # URL cut whole
        ("日" * 141, "x_weighted", 280, {}, 140),
        ("A\u0301" * 300, "x_weighted", 280, {}, 560),  # offsets into the original, not NFC
        ("hi there", "mastodon", 3, {"spoiler_text": "ab"}, 1),
        ("short", "mastodon", 500, {}, None),
    ],
)
def test_cut_offset(
    text: str, unit: str, limit: int, params: dict[str, object], expected: int | None
) -> None:
    assert cut_offset(text, unit, limit, **params) == expected


@pytest.mark.parametrize("unit", UNITS)
def test_cut_offset_agrees_with_count(unit: str) -> None:
    text = f"Big news 🎉 {FAMILY} from @alice@mastodon.social: https://example.com/x नमस्ते"
    total = count(text, unit)
    assert cut_offset(text, unit, total) is None
    cut = cut_offset(text, unit, total - 1)
    assert cut is not None
    assert count(text[:cut], unit) <= total - 1


def test_unknown_unit_and_parameter_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown length unit 'words'"):
        count("x", "words")
    with pytest.raises(ValueError, match="takes no parameter 'url_length'"):
        count("x", "graphemes", url_length=23)


# --- handles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handle", "platform", "problem"),
    [
        ("@jack", "x", None),
        ("@Jack_2024", "twitter", None),
        ("@example-name", "x", "X handles allow only letters, digits and _"),
        ("@" + "a" * 16, "x", "16 characters; X handles are at most 15"),
        ("first.last", "instagram", None),
        ("first last", "instagram", "Instagram handles allow only letters, digits, . and _"),
        ("a" * 31, "threads", "31 characters; Threads (Instagram) handles are at most 30"),
        ("alice.bsky.social", "bluesky", None),
        ("@Alice.example.com", "bluesky", None),
        ("alice", "bluesky", "Bluesky handles are domain names with at least two labels"),
        ("-alice.bsky.social", "bluesky", "Bluesky handle labels cannot start or end with -"),
        ("alice.local", "bluesky", "Bluesky does not allow handles ending in .local"),
        ("alice.123", "bluesky", "the last label of a Bluesky handle must start with a letter"),
        ("al_ice.bsky.social", "bluesky", "Bluesky handles allow only ASCII letters, digits"),
        ("@alice@mastodon.social", "mastodon", None),
        ("@Gargron", "mastodon", None),
        ("john.doe-smith", "mastodon", None),
        (".alice", "mastodon", "Mastodon handles allow only letters, digits and _"),
        ("a" * 31, "mastodon", "31 characters; Mastodon handles are at most 30"),
        ("tik.tok_1", "tiktok", None),
        ("x" * 25, "tiktok", "25 characters; TikTok handles are at most 24"),
        ("@", "x", "the handle is empty"),
    ],
)
def test_handle_problem(handle: str, platform: str, problem: str | None) -> None:
    found = handle_problem(handle, platform)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)
    assert is_valid_handle(handle, platform) is (problem is None)


def test_handle_length_limit_can_be_overridden() -> None:
    legacy = "@" + "a" * 18  # twitter-text still extracts names up to 20 characters
    assert not is_valid_handle(legacy, "x")
    assert is_valid_handle(legacy, "x", max_length=20)


def test_unknown_platform_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown platform 'myspace'"):
        handle_problem("tom", "myspace")


# --- properties --------------------------------------------------------------------------

SOCIAL_PIECES = [
    *"ab .#@$:/-_éÁ日\u0301\u200d\ufe0f\r\n",
    *("😀", "🏽", "🇺", "1", "com", "co", "http", "https://", "x.com", "👨", "\u20e3", "＠"),
]
SOCIAL_ALPHABET = st.sampled_from(SOCIAL_PIECES)
SOCIAL_TEXT = st.lists(SOCIAL_ALPHABET | st.characters(), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(SOCIAL_TEXT)
def test_spans_lie_inside_the_text(text: str) -> None:
    view = TextView(text)
    for name in ("mentions", "hashtags", "cashtags", "urls", "emoji"):
        previous_end = 0
        for entity in getattr(view, name):
            assert 0 <= entity.start < entity.end <= len(text), name
            assert text[entity.start : entity.end] == entity.text, name
            assert entity.start >= previous_end, name  # in order, never overlapping
            previous_end = entity.end


@settings(max_examples=300, deadline=None)
@given(SOCIAL_TEXT)
def test_graphemes_match_regex_x(text: str) -> None:
    assert TextView(text).graphemes == regex.findall(r"\X", text)


@settings(max_examples=200, deadline=None)
@given(SOCIAL_TEXT, st.sampled_from(UNITS), st.integers(min_value=0, max_value=30))
def test_cut_offset_is_a_boundary_within_the_limit(text: str, unit: str, limit: int) -> None:
    cut = cut_offset(text, unit, limit)
    if cut is None:
        assert count(text, unit) <= limit
    else:
        assert 0 <= cut < len(text)
        assert count(text, unit) > limit


URLISH_PIECES = [
    *"ab .-_/:@#$x",
    *("com", "co", "jp", "..", "https://", "http://", "日本", "。", "xn--ls8h", "t.co/"),
    *("?q=1", "(", ")", "みんな", "\u202a", "COM", "e.g"),
]
URLISH_TEXT = st.lists(
    st.sampled_from(URLISH_PIECES) | st.characters(max_codepoint=0x3000), max_size=40
).map("".join)


@settings(max_examples=500, deadline=None)
@given(URLISH_TEXT)
def test_url_search_near_tlds_equals_a_full_scan(text: str) -> None:
    # `_url_matches` only tries starts near a ".TLD"; it must find what finditer finds.
    rx = text_module._url_regexes()
    assert [m.span() for m in text_module._url_matches(text, rx)] == [
        m.span() for m in rx.url.finditer(text)
    ]


def _hashtags_by_full_scan(text: str) -> list[tuple[str, int, int]]:
    """twitter-text's hashtag extraction, spelled out: finditer, then drop overlaps."""
    found = [
        (m.group("tag"), m.start("tag") - 1, m.end())
        for m in text_module._entity_regexes().hashtag.finditer(text)
        if not text.startswith(("#", "＃", "://"), m.end())
    ]
    entities = sorted(
        [(h, True) for h in found] + [(u, False) for u in text_module._urls(text)],
        key=lambda pair: pair[0][1],
    )
    kept, last_end = [], -1
    for entity, is_hashtag in entities:
        if entity[1] >= last_end:
            last_end = entity[2]
            if is_hashtag:
                kept.append(entity)
    return kept


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from([*URLISH_PIECES, "#", "##", "#a", "＃b", "&", "\ufe0f", "x.com/#"])
        | st.characters(max_codepoint=0x3000),
        max_size=40,
    ).map("".join)
)
def test_hashtag_search_equals_a_full_scan(text: str) -> None:
    assert text_module._hashtags(text) == _hashtags_by_full_scan(text)


def test_long_unspaced_text_stays_fast() -> None:
    # A host cannot be longer than 253 characters, so a long CJK run before a broken
    # domain is not rescanned from every character (this took seconds before the cap).
    text = "あ" * 20000 + "_x.com " + "い" * 20000 + ".cq"
    assert TextView(text).urls == []
    assert [u.text for u in TextView("あ" * 20000 + "example.com/path").urls] == [
        "example.com/path"
    ]


def test_import_is_cheap_and_lazy() -> None:
    code = "import sys, postlint.text; print('emoji' in sys.modules, 'json' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
