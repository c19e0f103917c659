"""Parametrized tables for the rule kinds, calling each kind's `check()` directly.

Each row is a post (text, metadata, platforms) and options (the shipped rule's, or built
through `build_options` as rule files and configs are), and the hits the kind must
yield: the flagged text (`post.text[start:end]`) and the data the message is filled
from. The rule cases under tests/rules/ test the same kinds through whole rules and
files; these tables pin the kinds' own measurements and spans, edge cases included
(graphemes, emoji sequences, line breaks, repeats, empty posts).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

import pytest

from postlint.drafts import OffsetMap, Post
from postlint.errors import ConfigError
from postlint.kinds import (
    Edit,
    Hit,
    acknowledgement,
    addressee,
    bait,
    build_options,
    count,
    deflection,
    duplicate_post,
    handles,
    humour,
    length,
    media,
    phrases,
    platform_chars,
    platform_entities,
    platform_length,
    shouting,
)
from postlint.packs import builtin_catalog

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme, seven code points
FLAGS = "🇫🇷🇩🇪🇯🇵"  # three graphemes, six code points
THUMB = "👍🏽"  # one grapheme, two code points


def make_post(
    text: str,
    meta: Mapping[str, Any] | None = None,
    platforms: Iterable[str] = (),
    *,
    path: str = "draft.md",
    index: int = 0,
    line: int = 1,
) -> Post:
    """A post as the draft readers build it: its text mapped one to one onto the file."""
    return Post(
        path=path,
        index=index,
        text=text,
        offsets=OffsetMap([(0, text)]),
        meta=dict(meta or {}),
        platforms=tuple(platforms),
        line=line,
    )


@functools.cache
def shipped(rule: str) -> Any:
    """The options of a shipped rule, built and validated as a run builds them."""
    return builtin_catalog().rules[rule].build().options


def options(kind: ModuleType, **raw: Any) -> Any:
    """A kind's options from raw TOML-like values, validated as rule files are."""
    return build_options(kind.Options, raw, "test.toml: options")


def found(hits: Iterable[Hit], text: str, *keys: str) -> list[tuple[Any, ...]]:
    """(flagged text, data[key]...) per hit."""
    return [(text[h.start : h.end], *(h.data[k] for k in keys)) for h in hits]


def spans(hits: Iterable[Hit]) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in hits]


# --------------------------------------------------------------------------- length


@pytest.mark.parametrize(
    ("text", "raw", "expected"),
    [
        ("Stranger Things is back Friday 🍿", {}, []),
        ("x" * 40, {}, []),  # at the limit
        ("x" * 41, {}, [(40, 41, 41, "characters")]),
        ("", {"max": 0}, []),
        ("a", {"max": 0}, [(0, 1, 1, "characters")]),
        # a family emoji is one grapheme of seven code points: the cut falls after two
        (FAMILY * 3, {"max": 2}, [(14, 21, 3, "characters")]),
        (FAMILY * 3, {"max": 3}, []),
        # flags are pairs of regional indicators
        (FLAGS, {"max": 2}, [(4, 6, 3, "characters")]),
        (THUMB * 2, {"max": 1}, [(2, 4, 2, "characters")]),
        # e + combining acute accent: one grapheme each
        ("e\u0301" * 5, {"max": 4}, [(8, 10, 5, "characters")]),
        ("e\u0301" * 5, {"max": 4, "unit": "code_points"}, [(4, 10, 10, "code points")]),
        (FAMILY, {"max": 6, "unit": "code_points"}, [(6, 7, 7, "code points")]),
        # CR LF is one grapheme
        ("ab\r\ncd", {"max": 4}, [(5, 6, 5, "characters")]),
    ],
)
def test_length(text: str, raw: dict[str, Any], expected: list[tuple[Any, ...]]) -> None:
    hits = list(length.check(make_post(text), options(length, **raw)))
    assert [(h.start, h.end, h.data["length"], h.data["unit_name"]) for h in hits] == expected


def test_length_rejects_a_negative_max() -> None:
    with pytest.raises(ConfigError, match=r"^test.toml: options: max: expected a number"):
        options(length, max=-1)


# --------------------------------------------------------------------------- count


@pytest.mark.parametrize(
    ("text", "raw", "expected"),
    [
        ("Season 4 drops Friday.", {"min": 1}, [("Season 4 drops Friday.", 0, "@mentions")]),
        ("Season 4 of @Stranger_Things", {"min": 1}, []),
        # an email address is not a mention
        ("Write to hi@example.com", {"min": 1}, [("Write to hi@example.com", 0, "@mentions")]),
        ("@a and @b", {"min": 3}, [("@a and @b", 2, "@mentions")]),
        # too many: from the first extra one to the last
        ("#a #b #c #d", {"what": "hashtags", "max": 2}, [("#c #d", 4, "hashtags")]),
        ("#a #b", {"what": "hashtags", "max": 2}, []),
        (
            "see https://example.com now",
            {"what": "urls", "max": 0},
            [("https://example.com", 1, "link")],
        ),
        ("🎉🎉🎉", {"what": "emoji", "max": 1}, [("🎉🎉", 3, "emoji")]),
        # an emoji sequence counts once
        (f"{FAMILY} {THUMB}", {"what": "emoji", "max": 1}, [(THUMB, 2, "emoji")]),
        (FAMILY, {"what": "emoji", "max": 1}, []),
    ],
)
def test_count(text: str, raw: dict[str, Any], expected: list[tuple[Any, ...]]) -> None:
    hits = count.check(make_post(text), options(count, **raw))
    assert found(hits, text, "count", "noun") == expected


# --------------------------------------------------------------------------- phrases


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ("placeholder", "Our summer sale starts Friday! Shop now at [link]", ["[link]"]),
        ("placeholder", "Caption TK, photo TODO", ["TODO", "TK"]),
        # capitals only, whole words
        ("placeholder", "Back in stock: XXL and XXXL tees, as seen at TKO Fight Night.", []),
        ("placeholder", "Updated my todo list", []),
        ("placeholder", "Hi {{first_name}}, your order is ready", ["{{first_name}}"]),
        # require: one hit over the whole post when no pattern matches
        ("tag-a-friend", "Tag your bestie who binges @netflix", []),
        ("tag-a-friend", "tag 3 friends who need coffee", []),
        ("tag-a-friend", "@ a friend who still has the bike", []),
        ("tag-a-friend", "Share this with a friend", []),
        ("tag-a-friend", "We tagged the cast", [""]),
        ("tag-a-friend", "Friendly reminder: doors at 7", [""]),
        ("tag-a-friend", "", [""]),
    ],
)
def test_phrases_shipped(rule: str, text: str, expected: list[str]) -> None:
    hits = list(phrases.check(make_post(text), shipped(rule)))
    if shipped(rule).mode == "require":  # one hit over the whole post, nothing matched
        assert [(h.start, h.end, h.data["match"]) for h in hits] == [(0, len(text), "")] * len(
            expected
        )
    else:
        assert sorted(flagged for flagged, _ in found(hits, text, "match")) == sorted(expected)
        assert all(flagged == match for flagged, match in found(hits, text, "match"))


@pytest.mark.parametrize(
    ("raw", "text", "expected"),
    [
        ({"patterns": ["free"]}, "FREE shipping, free returns", [(0, 4), (15, 19)]),
        ({"patterns": ["free"], "ignore_case": False}, "FREE shipping, free returns", [(15, 19)]),
        # an empty match is not a hit
        ({"patterns": ["x*"]}, "no crosses here", []),
        ({"patterns": ["lorem ipsum"]}, "Lorem\nipsum", []),
        ({"patterns": [r"lorem\s+ipsum"]}, "Lorem\nipsum dolor", [(0, 11)]),
        ({"patterns": ["😂+"]}, "so good 😂😂😂", [(8, 11)]),
    ],
)
def test_phrases_forbid(raw: dict[str, Any], text: str, expected: list[tuple[int, int]]) -> None:
    hits = list(phrases.check(make_post(text), options(phrases, **raw)))
    assert spans(hits) == expected
    assert [h.data["match"] for h in hits] == [text[s:e] for s, e in expected]


@pytest.mark.parametrize(
    ("patterns", "combined"),
    [
        (["TODO", r"(?m)^TBD$", r"(?i:lorem\s+ipsum)"], True),
        # refused: a group a backreference may use, a verb acting past its alternative,
        # a verbose comment that would swallow what follows, one pattern alone
        ([r"(a)\1", "b"], False),
        ([r"a(*SKIP)(*FAIL)", "b"], False),
        (["(?x)a # a comment", "b"], False),
        (["only"], False),
    ],
)
def test_phrases_forbid_combines_only_equivalent_patterns(
    patterns: list[str], combined: bool
) -> None:
    rule = options(phrases, patterns=patterns, ignore_case=False)
    assert (rule.any_compiled is not None) is combined
    one_by_one = dataclasses.replace(rule)
    object.__setattr__(one_by_one, "any_compiled", None)
    texts = ["", "TODO", "a TBD\nTBD\n", "Lorem  IPSUM", "aa b", "aaa", "todo tbd", "x\nb"]
    for text in texts:  # the combined pattern finds a match exactly when one pattern does
        if rule.any_compiled is not None:
            assert bool(rule.any_compiled.search(text)) == any(
                p.search(text) for p in rule.compiled
            )
        post = make_post(text)
        assert list(phrases.check(post, rule)) == list(phrases.check(post, one_by_one))


def test_phrases_reject_a_bad_pattern() -> None:
    with pytest.raises(ConfigError, match=r"patterns\[1\]: invalid regular expression '\('"):
        options(phrases, patterns=["ok", "("])


# --------------------------------------------------------------------------- humour


def signals_only() -> Any:
    return build_options(humour.Options, {"detector": "signals"}, "test", base=shipped("humour"))


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("lol tag a friend", ["lol"]),
        ("LOOOL that ending", ["LOOOL"]),
        ("Hahahaha no", ["Hahahaha"]),
        ("hehehe", ["hehehe"]),
        ("POV: you finally read the product update", ["POV:"]),
        ("nobody:\nme: three coffees", ["nobody:"]),  # the first match of each pattern
        ("Why did the TV go to therapy?", ["Why did the"]),
        ("new menu ;)", [";)"]),
        ("One more ep 🤣", ["🤣"]),
        # a variation selector or skin tone does not change which emoji it is
        ("sure \U0001f609\ufe0f", ["\U0001f609\ufe0f"]),
        ("🤡 ok, we deserved that", ["🤡"]),
        # friendliness and support replies are not humour
        ("Thanks for stopping by :)", []),
        ("When you have a moment, please DM us", []),
        ("Our quarterly product update is now available.", []),
        ("", []),
    ],
)
def test_humour_signals(text: str, signals: list[str]) -> None:
    opts = signals_only()
    post = make_post(text)
    assert humour.signals(post, opts) == signals
    hits = list(humour.check(post, opts))
    if signals:
        assert hits == []
    else:
        assert spans(hits) == [(0, len(text))]
        assert hits[0].data == {
            "signals": "",
            "score": None,
            "threshold": None,
            "detail": "signal list only",
        }


@pytest.mark.parametrize(
    "text",
    [
        "Our quarterly product update is now available.",
        "Refunds take 5-7 business days to process.",
        "The store on Main Street is closed on Monday for a holiday.",
    ],
)
def test_humour_model_scores_serious_posts_below_the_threshold(text: str) -> None:
    opts = build_options(humour.Options, {"detector": "model"}, "test", base=shipped("humour"))
    (hit,) = humour.check(make_post(text), opts)
    assert (hit.start, hit.end) == (0, len(text))
    score, threshold = humour.model_score(text, opts)
    assert hit.data["score"] == round(score, 4) < threshold == hit.data["threshold"]
    assert hit.data["detail"] == f"model score {score:.2f}, threshold {threshold:.2f}"


def test_humour_threshold_decides() -> None:
    text = "Our quarterly product update is now available."
    base = build_options(humour.Options, {"detector": "model"}, "test", base=shipped("humour"))
    score, _ = humour.model_score(text, base)
    above = build_options(humour.Options, {"threshold": max(score, 0.001)}, "test", base=base)
    assert list(humour.check(make_post(text), above)) == []
    with pytest.raises(ConfigError, match="threshold: expected a number above 0, at most 1"):
        build_options(humour.Options, {"threshold": 0.0}, "test", base=base)


# --------------------------------------------------------------------------- bait


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        (
            "engagement-bait",
            "Like this post if you need caffeine, tag a friend who does too",
            [("Like this post if", "react"), ("tag a friend", "tag")],
        ),
        ("engagement-bait", "Double tap if you agree", [("Double tap if", "react")]),
        ("engagement-bait", "I like this if it is sunny", []),
        # Meta exempts asking for help
        (
            "engagement-bait",
            "Lost dog near Elm Park since Friday. Please share this with everyone nearby",
            [],
        ),
        # a quoted bait phrase is talked about, not asked for
        ("engagement-bait", 'Posts that say "Like this post if you agree" get demoted', []),
        ("engagement-bait", "Polls close at 8pm. Make a plan to vote", []),
        ("engagement-bait", "", []),
        (
            "clickbait",
            "You won't believe what happens next",
            [("You won't believe", "curiosity-gap")],
        ),
        (
            "clickbait",
            "12 cafés in Lisbon. Number 7 will make you book a flight",
            [("Number 7 will", "curiosity-gap")],
        ),
        ("clickbait", "We can't believe it's been 10 years", []),
    ],
)
def test_bait(rule: str, text: str, expected: list[tuple[str, str]]) -> None:
    hits = list(bait.check(make_post(text), shipped(rule)))
    assert found(hits, text, "category") == expected
    assert [h.data["match"] for h in hits] == [m for m, _ in expected]


def test_bait_needs_a_category() -> None:
    with pytest.raises(ConfigError, match="categories: expected at least one category"):
        options(bait)
    with pytest.raises(ConfigError, match=r"categories\.x\.label: expected a short description"):
        options(bait, categories={"x": {"patterns": ["a"]}})


def test_bait_unless_clears_its_category() -> None:
    opts = options(
        bait, categories={"vote": {"label": "votes", "patterns": ["vote"], "unless": ["polls"]}}
    )
    assert found(bait.check(make_post("Vote now!"), opts), "Vote now!", "label") == [
        ("Vote", "votes")
    ]
    assert list(bait.check(make_post("Polls open: vote now"), opts)) == []


# --------------------------------------------------------------------------- handles


X_DOTS = "X handles allow only letters, digits and _"


@pytest.mark.parametrize(
    ("text", "platforms", "expected"),
    [
        ("Thanks @first.last for the photos", ["x"], [("@first.last", "x", X_DOTS)]),
        ("Thanks @first.last for the photos", ["instagram"], []),
        ("Thanks @first.last for the photos", [], []),  # no platform: nothing to check
        ("Thanks @first.last", ["instagram", "x"], [("@first.last", "x", X_DOTS)]),
        ("Great talk by @jane_doe today!", ["x"], []),
        ("Thanks @studio.bsky.social ✨", ["bluesky"], []),
        ("No handles at all", ["x"], []),
    ],
)
def test_handles(text: str, platforms: list[str], expected: list[tuple[str, str, str]]) -> None:
    hits = handles.check(make_post(text, platforms=platforms), shipped("handle-syntax"))
    assert found(hits, text, "platform", "problem") == expected


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("cc @abcdefghijklmnop", "x"),  # 16 characters: X allows 15
        ("cc @jane", "bluesky"),  # a Bluesky handle is a domain
        ("cc @" + "a" * 31, "instagram"),  # Instagram allows 30
    ],
)
def test_handles_invalid_elsewhere(text: str, platform: str) -> None:
    hits = list(handles.check(make_post(text, platforms=[platform]), shipped("handle-syntax")))
    assert [(text[h.start : h.end], h.data["platform"]) for h in hits] == [(text[3:], platform)]
    assert hits[0].data["handle"] == text[3:] and hits[0].data["problem"]


def test_handles_options() -> None:
    only_instagram = build_options(
        handles.Options, {"platforms": ["instagram"]}, "test", base=shipped("handle-syntax")
    )
    assert list(handles.check(make_post("@first.last", platforms=["x"]), only_instagram)) == []
    with pytest.raises(ConfigError, match=r"platforms\[0\]: no handle syntax known for 'myspace'"):
        build_options(
            handles.Options, {"platforms": ["myspace"]}, "test", base=shipped("handle-syntax")
        )


# --------------------------------------------------------------------------- media


@pytest.mark.parametrize(
    ("media_meta", "expected"),
    [
        ({"media": ["cake.jpg"]}, [("cake.jpg", 1, "image")]),
        ({"media": [{"src": "launch.MP4"}]}, [("launch.MP4", 1, "video")]),
        ({"media": [{"src": "cake.jpg", "alt": "A lemon cake"}]}, []),
        ({"media": [{"src": "cake.jpg", "alt": "  "}]}, [("cake.jpg", 1, "image")]),
        ({"media": [{"src": "cake.jpg", "alt": 3}]}, [("cake.jpg", 1, "image")]),
        (
            {"media": [{"file": "a.jpg", "description": "A"}, "b.gif", {"alt": ""}]},
            # an entry without a file is named by its 0-based key, as config errors are
            [("b.gif", 2, "video"), ("media[2]", 3, "image")],
        ),
        # a CSV/JSONL column: names split on commas, alt texts in their own column
        ({"media": "a.jpg, b.mov", "alt": "A cake"}, [("b.mov", 2, "video")]),
        ({"media": "a.jpg; b.jpg", "alt_text": "A cake;A slice"}, []),
        ({"media": ""}, []),
        ({}, []),
    ],
)
def test_media(media_meta: dict[str, Any], expected: list[tuple[str, int, str]]) -> None:
    hits = list(media.check(make_post("Our new cake"), shipped("alt-text"), media.new_state()))
    assert hits == []  # no media in this post's metadata
    post = make_post("Our new cake", media_meta)
    hits = list(media.check(post, shipped("alt-text"), media.new_state()))
    assert spans(hits) == [(0, 0)] * len(expected)  # the media list is not in the text
    assert [(h.data["media"], h.data["index"], h.data["what"]) for h in hits] == expected


def test_media_checks_a_thread_once() -> None:
    meta = {"media": ["cake.jpg"]}
    first = make_post("one", meta, index=0)
    second = Post(
        path=first.path, index=1, text="two", offsets=OffsetMap([(0, "two")]), meta=first.meta
    )
    other = make_post("three", meta, path="other.md")
    state = media.new_state()
    opts = shipped("alt-text")
    assert [len(list(media.check(p, opts, state))) for p in (first, second, other)] == [1, 0, 1]


# --------------------------------------------------------------------------- platform chars


BRACKETS = "YouTube titles may not contain < or >"


@pytest.mark.parametrize(
    ("text", "platforms", "expected"),
    [
        (
            "<LIVE> Building a synth",
            ["youtube"],
            [("<", "youtube", BRACKETS), (">", "youtube", BRACKETS)],
        ),
        ("<LIVE> Building a synth", ["x"], []),
        ("<LIVE> Building a synth", [], []),
        (
            "a > b",
            ["youtube-description"],
            [(">", "youtube-description", BRACKETS.replace("titles", "descriptions"))],
        ),
        ("‹LIVE› Building a synth", ["youtube"], []),
        (
            "<<",
            ["youtube", "youtube-description"],
            [("<", "youtube", BRACKETS)] * 2
            + [("<", "youtube-description", BRACKETS.replace("titles", "descriptions"))] * 2,
        ),
    ],
)
def test_platform_chars(text: str, platforms: list[str], expected: list[tuple[str, ...]]) -> None:
    hits = list(
        platform_chars.check(
            make_post(text, platforms=platforms), shipped("youtube-title-brackets")
        )
    )
    assert found(hits, text, "platform", "basis") == expected
    assert [h.data["char"] for h in hits] == [c for c, _, _ in expected]
    assert all(h.end - h.start == 1 for h in hits)


def test_platform_chars_needs_characters() -> None:
    with pytest.raises(ConfigError, match=r"youtube\.chars: expected at least one character"):
        options(platform_chars, youtube={"chars": "", "basis": "b"})


# --------------------------------------------------------------------------- platform entities


def tags(n: int) -> str:
    return " ".join(f"#tag{i}" for i in range(1, n + 1))


def crew(n: int) -> str:
    return " ".join(f"@crew{i}" for i in range(1, n + 1))


def links(*hosts: str) -> str:
    return " ".join(f"https://{h}.example.com" for h in hosts)


@pytest.mark.parametrize(
    ("rule", "text", "platforms", "expected"),
    [
        ("hashtag-limit", tags(5), ["instagram"], []),
        ("hashtag-limit", tags(7), ["instagram"], [("#tag6 #tag7", "instagram", 7, 5, "hashtags")]),
        ("hashtag-limit", tags(2), ["threads"], [("#tag2", "threads", 2, 1, "hashtags")]),
        ("hashtag-limit", tags(7), ["x"], []),  # no limit on X
        ("hashtag-limit", tags(7), [], []),
        (
            "hashtag-limit",
            tags(7),
            ["instagram", "threads"],
            [
                ("#tag6 #tag7", "instagram", 7, 5, "hashtags"),
                (tags(7)[6:], "threads", 7, 1, "hashtags"),
            ],
        ),
        ("mention-limit", crew(20), ["instagram"], []),
        ("mention-limit", crew(21), ["instagram"], [("@crew21", "instagram", 21, 20, "@mentions")]),
        ("mention-limit", crew(21), ["threads"], []),
        ("link-limit", links("a", "b", "c", "d", "e"), ["threads"], []),
        # each distinct link counts once on Threads
        ("link-limit", links("a", "a", "b", "c", "d", "e"), ["threads"], []),
        (
            "link-limit",
            links("a", "b", "c", "d", "e", "f"),
            ["threads"],
            [("https://f.example.com", "threads", 6, 5, "links")],
        ),
        ("link-in-caption", "Shop at https://example.com", ["x"], []),
    ],
)
def test_platform_entities(
    rule: str, text: str, platforms: list[str], expected: list[tuple[Any, ...]]
) -> None:
    hits = platform_entities.check(make_post(text, platforms=platforms), shipped(rule))
    assert found(hits, text, "platform", "count", "max", "noun") == expected


def test_platform_entities_each_and_legacy() -> None:
    text = "Menu: https://a.example.com and https://b.example.com"
    hits = list(
        platform_entities.check(
            make_post(text, platforms=["instagram"]), shipped("link-in-caption")
        )
    )
    assert found(hits, text, "entity", "count", "max", "noun") == [
        ("https://a.example.com", "https://a.example.com", 2, 0, "links"),
        ("https://b.example.com", "https://b.example.com", 2, 0, "links"),
    ]
    legacy = build_options(
        platform_entities.Options, {"legacy": True}, "test", base=shipped("hashtag-limit")
    )
    post = make_post(tags(31), platforms=["instagram"])
    assert found(platform_entities.check(post, legacy), post.text, "max", "basis") == [
        ("#tag31", 30, "legacy limit of the Instagram Graph API")
    ]
    assert list(platform_entities.check(make_post(tags(30), platforms=["instagram"]), legacy)) == []


# --------------------------------------------------------------------------- platform length


@pytest.mark.parametrize(
    ("text", "platforms", "expected"),
    [
        ("a" * 280, ["x"], []),
        ("a" * 281, ["x"], [(280, 281, "x", 281, 280)]),
        # X weighs every emoji 2 and every URL 23
        ("😂" * 141, ["x"], [(140, 141, "x", 282, 280)]),
        ("a" * 256 + " https://example.com/a-very-long-path-that-counts-as-23", ["x"], []),
        ("a" * 257 + " https://example.com/long", ["x"], [(258, 282, "x", 281, 280)]),
        # Bluesky: 300 graphemes (and 3,000 bytes)
        ("🍿" * 300, ["bluesky"], []),  # 1,200 bytes
        ("a" * 301, ["bluesky"], [(300, 301, "bluesky", 301, 300)]),
        ("a" * 301, [], []),
        ("a" * 101, ["youtube"], [(100, 101, "youtube", 101, 100)]),
        ("a" * 501, ["threads", "x"], [(500, 501, "threads", 501, 500), (280, 501, "x", 501, 280)]),
    ],
)
def test_platform_length(text: str, platforms: list[str], expected: list[tuple[Any, ...]]) -> None:
    hits = platform_length.check(make_post(text, platforms=platforms), shipped("platform-length"))
    assert [
        (h.start, h.end, h.data["platform"], h.data["count"], h.data["limit"]) for h in hits
    ] == expected


def test_platform_length_bluesky_bytes_cut_before_the_emoji() -> None:
    # 300 graphemes pass, but 3,000 UTF-8 bytes do not: a family emoji is 25 bytes
    text = FAMILY * 121  # 121 graphemes, 3,025 bytes
    (hit,) = platform_length.check(
        make_post(text, platforms=["bluesky"]), shipped("platform-length")
    )
    assert (hit.data["count"], hit.data["limit"]) == (3025, 3000)
    # the cut after 120 emoji (3,000 bytes), never inside one
    assert (hit.start, hit.end) == (120 * len(FAMILY), len(text))


# --------------------------------------------------------------------------- shouting


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "HUGE SUMMER SALE STARTS TODAY, EVERYTHING MUST GO",
            [("HUGE SUMMER SALE STARTS TODAY, EVERYTHING MUST GO", 8, 8, 100)],
        ),
        ("Huge summer sale starts today: everything must GO", []),
        ("NASA and ESA are streaming the launch live today", []),
        ("BIG NEWS", []),  # under min-words
        # hashtags, handles and URLs are left out
        ("WE ARE OPEN TODAY #SALE @SHOP", [("WE ARE OPEN TODAY", 4, 4, 100)]),
    ],
)
def test_shouting(text: str, expected: list[tuple[Any, ...]]) -> None:
    hits = shouting.check(make_post(text), shipped("shouting"))
    assert found(hits, text, "shouted", "words", "percent") == expected


# --------------------------------------------------------------------------- duplicate post


def test_duplicate_post_names_the_first_and_skips_other_platforms() -> None:
    opts = shipped("duplicate-post")
    state = duplicate_post.new_state()
    caption = "Doors open at 7pm tonight: see you at the launch party!"
    posts = [
        make_post(caption, platforms=["x"], path="a.csv", index=0, line=2),
        make_post(caption, platforms=["threads"], path="a.csv", index=1, line=3),  # cross-post
        make_post(caption.upper().replace(" ", "  "), platforms=["x"], path="b.md", line=4),
        make_post("Thank you!", platforms=["x"], path="c.csv", index=0, line=2),
        make_post("Thank you!", platforms=["x"], path="c.csv", index=1, line=3),  # too short
    ]
    hits = [list(duplicate_post.check(p, opts, state)) for p in posts]
    assert [[h.data["other"] for h in hs] for hs in hits] == [[], [], ["a.csv:2"], [], []]
    assert spans(hits[2]) == [(0, len(posts[2].text))]


# --------------------------------------------------------------------------- acknowledgement


@pytest.mark.parametrize(
    ("meta", "reply", "evidence", "flagged"),
    [
        ({"sentiment": "negative"}, "Orders ship within 5 days.", "sentiment: negative", True),
        ({"sentiment": " Angry "}, "Orders ship within 5 days.", "sentiment: angry", True),
        (
            {"sentiment": "negative"},
            "Sorry about that! Orders ship in 5 days.",
            "sentiment: negative",
            False,
        ),
        # an explicit other sentiment means no complaint, whatever they wrote
        ({"sentiment": "neutral", "in_reply_to_text": "Worst service ever"}, "Ok.", None, False),
        (
            {"in_reply_to_text": "Still waiting on my order. Worst service ever"},
            "Track yours at example.com/track",
            'they wrote "Still waiting"',
            True,
        ),
        ({"in_reply_to_text": "so fed up 😤"}, "Please DM us.", 'they wrote "fed up"', True),
        ({"in_reply_to_text": "where is it 😡"}, "Please DM us.", "they wrote 😡", True),
        ({"in_reply_to_text": "where is it 😡"}, "Oh no, we hear you.", "they wrote 😡", False),
        # "!!!" is excitement next to positive wording
        ({"in_reply_to_text": "GUAC!!! best lunch ever 😍"}, "Glad you liked it", None, False),
        ({"in_reply_to_text": "Love the new oat latte!"}, "Thank you!", None, False),
        ({}, "Thanks for reaching out", None, False),
    ],
)
def test_acknowledgement(
    meta: dict[str, Any], reply: str, evidence: str | None, flagged: bool
) -> None:
    post = make_post(reply, {"in_reply_to": "@sam", **meta})
    opts = shipped("reply-acknowledges")
    assert acknowledgement.complaint(post, opts) == evidence
    hits = list(acknowledgement.check(post, opts))
    assert [(h.start, h.end, h.data["evidence"]) for h in hits] == (
        [(0, len(reply), evidence)] if flagged else []
    )


# --------------------------------------------------------------------------- addressee


@pytest.mark.parametrize(
    ("in_reply_to", "reply", "handle"),
    [
        ("@jane_doe", "So sorry about the wait! Your refund went out.", "@jane_doe"),
        ("@jane_doe", "@Jane_Doe So sorry about the wait!", None),  # any case
        ("jane_doe", "So sorry about the wait!", "@jane_doe"),  # metadata without the @
        ("@jane_doe", "cc @jane_doe_2 sorry!", "@jane_doe"),
        ("@alice@mastodon.social", "@alice thanks for the report", None),
        ("@alice", "@alice@mastodon.social thanks", None),
        ("@alice@mastodon.social", "@alice@other.example thanks", "@alice@mastodon.social"),
        (None, "Thanks!", None),
        ("not a handle!", "Thanks!", None),
    ],
)
def test_addressee(in_reply_to: str | None, reply: str, handle: str | None) -> None:
    meta = {} if in_reply_to is None else {"in_reply_to": in_reply_to}
    hits = list(addressee.check(make_post(reply, meta), options(addressee)))
    if handle is None:
        assert hits == []
        return
    (hit,) = hits
    assert (hit.start, hit.end, hit.data["handle"]) == (0, len(reply), handle)
    assert hit.fix is not None and hit.fix.safe
    assert hit.fix.edits == (Edit(0, 0, handle + " "),)


# --------------------------------------------------------------------------- deflection


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        ("@maria_k Please send us a private message.", "send us a private message"),
        ("@maria_k DM us.", "DM us"),
        ("Please contact support. -KC", "contact support"),
        # a human word or a next step redeems the redirect
        ("So sorry! DM us your order number and we'll check it within the hour", None),
        ("@maria_k Sorry your card was declined twice. DM us the order number.", None),
        # the redirect is not all it says
        (
            "Please DM us. The new app version fixes checkout on older phones, and the "
            "update is rolling out across every store this week",
            None,
        ),
        ("Thanks, glad it hit the spot", None),
        ("", None),
    ],
)
def test_deflection(reply: str, match: str | None) -> None:
    hits = list(
        deflection.check(make_post(reply, {"in_reply_to": "@maria_k"}), shipped("reply-deflects"))
    )
    assert found(hits, reply, "match") == ([] if match is None else [(match, match)])


@pytest.mark.parametrize(
    ("text", "at", "words"),
    [
        ("Please DM us.", 7, 0),
        ("Hi there. Please DM us. Have a good day", 17, 6),
        # handles, links and a trailing signature are not words
        ("@ana @acme Please DM us. https://example.com/help -KC", 17, 0),
        ("Please DM us\nThanks", 7, 1),
    ],
)
def test_deflection_other_words(text: str, at: int, words: int) -> None:
    assert deflection.other_words(text, at) == words


def test_deflection_options() -> None:
    with pytest.raises(ConfigError, match="redirects: expected at least one regular expression"):
        options(deflection)
    with pytest.raises(ConfigError, match="max-other-words: expected an integer >= 0, got -1"):
        options(deflection, redirects=["dm us"], max_other_words=-1)


@pytest.mark.parametrize("detector", ["both", "model", "signals"])
def test_humour_prepared_for_a_source_finds_what_check_finds(detector: str) -> None:
    """The linter asks `prepare` once per source (the model looked up once) and runs what
    it gives on each post: the same hits as `check` on its own."""
    from dataclasses import replace

    from postlint.kinds import humour

    options = replace(shipped("humour"), detector=detector)
    prepared = humour.prepare(options)
    texts = [
        "Why did the spreadsheet break up with the calculator? It felt used.",
        "Our quarterly product update is now available.",
        "lol. The store opens at 10am 😂",
        "",
    ]
    for text in texts:
        post = make_post(text)
        assert list(prepared(post, options)) == list(humour.check(post, options))
    assert sum(bool(list(humour.check(make_post(t), options))) for t in texts) >= 1
