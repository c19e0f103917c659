"""The platforms pack: per-platform limits counted each platform's way, tables in config,
every problem naming its platform, and the CLI's exact output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.cli import cli
from postlint.config import DEFAULT_EXTENDS, load_config
from postlint.kinds.platform_length import _upper_bound
from postlint.packs import builtin_catalog
from postlint.text import count
from tests.conftest import lint_draft, rule_problems

PLATFORMS_ONLY = 'extends = ["platforms"]\n'
PLATFORM_RULES = (
    "platform-length",
    "hashtag-limit",
    "mention-limit",
    "link-limit",
    "link-in-caption",
    "handle-syntax",
    "youtube-title-brackets",
)


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def draft(platform: str, body: str) -> str:
    return f"---\nplatform: {platform}\n---\n{body}\n"


def messages(project: Path, text: str, rule: str, config: str = PLATFORMS_ONLY) -> list[str]:
    result = lint_draft(project, text, "draft.md", config)
    return [p.message for p in rule_problems(result, rule)]


def test_the_platforms_and_hygiene_packs_run_by_default() -> None:
    assert DEFAULT_EXTENDS == ("engagement", "hygiene", "platforms")
    assert load_config(None).extends == DEFAULT_EXTENDS


def test_the_pack_holds_the_issue_s_rules_with_their_severities() -> None:
    catalog = builtin_catalog()
    severities = {name: catalog.rules[name].severity for name in catalog.packs["platforms"].rules}
    assert severities == {
        "platform-length": "error",
        "hashtag-limit": "error",
        "mention-limit": "error",
        "link-limit": "error",
        "handle-syntax": "error",
        "link-in-caption": "warning",
        "youtube-title-brackets": "warning",
    }
    for name in PLATFORM_RULES:
        assert "platforms.md" in catalog.rules[name].doc.source, name


@pytest.mark.parametrize(
    ("platform", "body", "expected"),
    [
        # X: twitter-text v3 weights; a URL is 23 whatever its length, an emoji 2
        ("x", "a" * 280, []),
        ("x", "a" * 291, ["x: 291 weighted characters; limit is 280"]),
        ("x", "a" * 256 + " https://example.com/" + "p" * 200, []),
        ("x", "🎉" * 141, ["x: 282 weighted characters; limit is 280"]),
        # Bluesky: 300 graphemes and 3,000 UTF-8 bytes, both
        ("bluesky", "👍🏽" * 300, []),
        ("bluesky", "👍🏽" * 301, ["bluesky: 301 characters; limit is 300"]),
        ("bluesky", "👩‍💻" * 300, ["bluesky: 3300 UTF-8 bytes; limit is 3000"]),
        # Threads: an emoji counts as its UTF-8 bytes (👨‍👩‍👧‍👦 = 25)
        ("threads", "👨‍👩‍👧‍👦" * 20, []),
        (
            "threads",
            "👨‍👩‍👧‍👦" * 21,
            ["threads: 525 characters (emoji count as their UTF-8 bytes); limit is 500"],
        ),
        # Mastodon: URLs 23, @user@domain as @user
        ("mastodon", "a" * 476 + " https://example.com/" + "p" * 300, []),
        ("mastodon", "@alice@an.example.social " + "a" * 493, []),
        ("mastodon", "a" * 501, ["mastodon: 501 characters; limit is 500"]),
        ("instagram", "a" * 2201, ["instagram: 2201 characters; limit is 2200"]),
        ("linkedin", "a" * 3001, ["linkedin: 3001 characters; limit is 3000"]),
        ("facebook", "a" * 63206, []),
        ("tiktok", "😀" * 1101, ["tiktok: 2202 UTF-16 units; limit is 2200"]),
        ("youtube", "a" * 101, ["youtube: 101 characters; limit is 100"]),
        (
            "youtube-description",
            "é" * 2501,
            ["youtube-description: 5002 UTF-8 bytes; limit is 5000"],
        ),
        ("pinterest", "a" * 100_000, []),
    ],
)
def test_each_platform_counts_its_own_way(
    project: Path, platform: str, body: str, expected: list[str]
) -> None:
    assert messages(project, draft(platform, body), "platform-length") == expected


def test_the_marker_starts_where_the_platform_cuts(project: Path) -> None:
    text = draft("x", "https://example.com/launch " + "é" * 260)
    (problem,) = rule_problems(
        lint_draft(project, text, "draft.md", PLATFORMS_ONLY), "platform-length"
    )
    # 23 for the URL, 1 for the space, then 256 accented letters fit in 280
    assert (problem.line, problem.column) == (4, 28 + 256)
    assert (problem.end_line, problem.end_column) == (4, 28 + 260)


def test_a_post_for_several_platforms_is_checked_against_each(project: Path) -> None:
    text = draft("[x, threads, bluesky, instagram]", "a" * 310)
    assert messages(project, text, "platform-length") == [
        "x: 310 weighted characters; limit is 280",
        "bluesky: 310 characters; limit is 300",
    ]


def test_a_mastodon_content_warning_counts_too(project: Path) -> None:
    text = "---\nplatform: mastodon\ncontent_warning: " + "w" * 20 + "\n---\n" + "a" * 490 + "\n"
    assert messages(project, text, "platform-length") == ["mastodon: 510 characters; limit is 500"]


def test_config_changes_one_key_of_a_platform_and_keeps_the_others(project: Path) -> None:
    config = PLATFORMS_ONLY + "[rules.platform-length]\nmastodon = { limit = 1000 }\n"
    long_urls = " ".join(["https://example.com/" + "p" * 60] * 30)  # 30 × 23 + 29 = 719
    assert messages(project, draft("mastodon", long_urls), "platform-length", config) == []
    assert messages(project, draft("mastodon", "a" * 1001), "platform-length", config) == [
        "mastodon: 1001 characters; limit is 1000"
    ]


def test_config_can_add_a_platform_to_a_table_driven_rule(project: Path) -> None:
    config = PLATFORMS_ONLY + (
        '[rules.hashtag-limit]\ntiktok = { max = 2, basis = "our house style" }\n'
    )
    assert messages(project, draft("tiktok", "#a #b #c"), "hashtag-limit", config) == [
        "tiktok: 3 hashtags; limit is 2 (our house style)"
    ]


def test_instagram_counts_hashtags_its_own_way(project: Path) -> None:
    # platforms.md §1.2: letters, digits and _ (#2024_ is a tag, which twitter-text's
    # letter rule would miss), punctuation ends a tag (#a·b is #a)
    tags = "#a #b #c #d #2024_ #e·f"
    assert messages(project, draft("instagram", tags), "hashtag-limit") == [
        "instagram: 6 hashtags; limit is 5 (Instagram's limit announced December 2025)"
    ]
    result = lint_draft(project, draft("instagram", tags), "draft.md", PLATFORMS_ONLY)
    (problem,) = rule_problems(result, "hashtag-limit")
    assert (problem.line, problem.column, problem.end_column) == (4, 20, 22)  # the 6th: #e
    # Threads has no documented syntax of its own: twitter-text's (the 2 tags are #a, #e·f)
    config = PLATFORMS_ONLY + '[rules.hashtag-limit]\nthreads = { max = 1, basis = "b" }\n'
    assert messages(project, draft("threads", "#2024_ #a #e·f"), "hashtag-limit", config) == [
        "threads: 2 hashtags; limit is 1 (b)"
    ]
    config = PLATFORMS_ONLY + '[rules.hashtag-limit]\ninstagram = { hashtag-syntax = "ig" }\n'
    (project / "postlint.toml").write_text(config)
    (project / "post.txt").write_text("hi\n")
    code, _, err = run(["post.txt"])
    assert code == 2
    assert "rules.hashtag-limit: instagram.hashtag-syntax: expected one of twitter-text" in err


def test_the_legacy_instagram_limit_is_a_setting_and_the_message_says_so(project: Path) -> None:
    tags = " ".join(f"#t{i}" for i in range(31))
    assert messages(project, draft("instagram", tags), "hashtag-limit") == [
        "instagram: 31 hashtags; limit is 5 (Instagram's limit announced December 2025)"
    ]
    config = PLATFORMS_ONLY + "[rules.hashtag-limit]\nlegacy = true\n"
    assert messages(project, draft("instagram", tags), "hashtag-limit", config) == [
        "instagram: 31 hashtags; limit is 30 (legacy limit of the Instagram Graph API)"
    ]


@pytest.mark.parametrize(
    ("table", "error"),
    [
        (
            "mastodon = { limt = 1000 }",
            "rules.platform-length: mastodon.limt: unknown key; did you mean limit?"
            " (expected limit, unit, params, also, unit-name)",
        ),
        (
            "mastodon = { limit = 0 }",
            "rules.platform-length: mastodon.limit: expected an integer >= 1, got 0",
        ),
        (
            'x = { unit = "graphems" }',
            "rules.platform-length: x.unit: expected one of graphemes, code_points, utf8_bytes,"
            " utf16_units, x_weighted, threads, mastodon, got 'graphems'; did you mean graphemes?",
        ),
        (
            "x = { params = { url_length = 20 } }",
            "rules.platform-length: x.params.url_length: unit x_weighted takes config",
        ),
        ('mastodon = "big"', "rules.platform-length: mastodon: expected a table, got 'big'"),
    ],
)
def test_bad_platform_tables_in_config_are_one_line_errors(
    project: Path, table: str, error: str
) -> None:
    (project / "postlint.toml").write_text(f"{PLATFORMS_ONLY}[rules.platform-length]\n{table}\n")
    (project / "post.txt").write_text("hello\n")
    code, out, err = run(["post.txt"])
    assert (code, out) == (2, "")
    assert err == f"postlint: error: postlint.toml: {error}\n"


def test_a_misspelled_platform_gets_a_did_you_mean(project: Path) -> None:
    (project / "postlint.toml").write_text(
        f"{PLATFORMS_ONLY}[rules.platform-length]\nmastodn = {{ limit = 1000 }}\n"
    )
    (project / "post.txt").write_text("hello\n")
    code, _, err = run(["post.txt"])
    assert code == 2
    assert err.startswith("postlint: error: postlint.toml: rules.platform-length")
    assert err.endswith("mastodn: unknown option; did you mean mastodon?\n")


def test_no_platform_no_platform_problems(project: Path) -> None:
    result = lint_draft(
        project, "a" * 5000 + " @first.last #a #b #c #d #e #f <x>\n", config=PLATFORMS_ONLY
    )
    assert result.problems == []


def test_platform_from_the_command_line_and_exact_concise_output(project: Path) -> None:
    (project / "postlint.toml").write_text(PLATFORMS_ONLY)
    (project / "post.txt").write_text("Thanks @first.last! " + "a" * 270 + "\n")
    code, out, err = run(["--format", "concise", "--platform", "twitter,threads", "post.txt"])
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "post.txt:1:8: error [handle-syntax] x: @first.last cannot exist there:"
        " X handles allow only letters, digits and _",
        "post.txt:1:281: error [platform-length] x: 290 weighted characters; limit is 280",
    ]


def test_overrides_give_a_folder_its_platform(project: Path) -> None:
    (project / "postlint.toml").write_text(
        PLATFORMS_ONLY + '[[overrides]]\nfiles = ["ig/**"]\nplatform = "instagram"\n'
    )
    (project / "ig").mkdir()
    (project / "ig" / "post.txt").write_text("Menu at https://example.com/menu\n")
    (project / "other.txt").write_text("Menu at https://example.com/menu\n")
    code, out, _ = run(["--format", "concise", "."])
    assert code == 1
    assert out.splitlines() == [
        "ig/post.txt:1:9: warning [link-in-caption] instagram: https://example.com/menu is not"
        " clickable (Instagram captions do not turn links into links)"
    ]


@pytest.mark.parametrize(
    ("platform", "handle", "problem"),
    [
        ("x", "@first.last", "X handles allow only letters, digits and _"),
        ("x", "@abcdefghijklmnop", "16 characters; X handles are at most 15"),
        ("instagram", "@" + "a" * 31, "31 characters; Instagram handles are at most 30"),
        ("tiktok", "@" + "a" * 25, "25 characters; TikTok handles are at most 24"),
        (
            "bluesky",
            "@jane",
            "Bluesky handles are domain names with at least two labels (name.bsky.social)",
        ),
        ("mastodon", "@jane@mastodon.social", None),
        ("x", "@jane_doe", None),
        ("instagram", "@jane.doe", None),
        ("bluesky", "@jane.bsky.social", None),
        ("linkedin", "@first.last", None),  # no handle syntax known: not checked
    ],
)
def test_handle_syntax_per_platform(
    project: Path, platform: str, handle: str, problem: str | None
) -> None:
    expected = [] if problem is None else [f"{platform}: {handle} cannot exist there: {problem}"]
    assert (
        messages(project, draft(platform, f"Thanks {handle} for this"), "handle-syntax") == expected
    )


def test_handle_syntax_platforms_are_validated(project: Path) -> None:
    config = PLATFORMS_ONLY + '[rules.handle-syntax]\nplatforms = ["x", "myspace"]\n'
    (project / "postlint.toml").write_text(config)
    (project / "post.txt").write_text("hi\n")
    code, _, err = run(["post.txt"])
    assert code == 2
    assert err == (
        "postlint: error: postlint.toml: rules.handle-syntax: platforms[1]: no handle syntax known"
        " for 'myspace' (known: x, instagram, threads, bluesky, mastodon, tiktok)\n"
    )


def test_handle_syntax_facts_can_be_overridden_per_platform(project: Path) -> None:
    # a team with legacy 20-character X accounts raises X's limit; other keys and other
    # platforms keep the shipped facts
    config = PLATFORMS_ONLY + "[rules.handle-syntax]\nx = {max-length = 20}\n"
    legacy, too_long = "@" + "a" * 20, "@" + "a" * 21
    body = f"Thanks {legacy} {too_long} @first.last"
    assert messages(project, draft("x", body), "handle-syntax", config) == [
        f"x: {too_long} cannot exist there: 21 characters; X handles are at most 20",
        "x: @first.last cannot exist there: X handles allow only letters, digits and _",
    ]
    assert messages(project, draft("x", f"Thanks {legacy}"), "handle-syntax") == [
        f"x: {legacy} cannot exist there: 20 characters; X handles are at most 15"
    ]
    tiktok = "@" + "a" * 25
    assert messages(project, draft("tiktok", tiktok), "handle-syntax", config) == [
        f"tiktok: {tiktok} cannot exist there: 25 characters; TikTok handles are at most 24"
    ]
    # a blocked TLD list of one's own
    config = PLATFORMS_ONLY + '[rules.handle-syntax]\nbluesky = {blocked-tlds = ["test"]}\n'
    assert messages(
        project, draft("bluesky", "@jane.test @jane.local"), "handle-syntax", config
    ) == ["bluesky: @jane.test cannot exist there: Bluesky does not allow handles ending in .test"]


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ("x = {max-length = 0}", "x.max-length: expected an integer >= 1, got 0"),
        ('x = {max-length = "20"}', "x.max-length: expected an integer >= 1, got '20'"),
        ('x = {pattern = "[a-z"}', "x.pattern: not a valid regular expression"),
        ('x = {syntax = "email"}', "x.syntax: expected one of name, domain, fediverse"),
        ("x = {max-lenght = 20}", "x.max-lenght: unknown key; did you mean max-length?"),
        ('bluesky = {blocked-tlds = "local"}', "bluesky.blocked-tlds: expected a list of strings"),
        ('mastodon = {source = " "}', "mastodon.source: cite where the platform's handle rules"),
    ],
)
def test_handle_syntax_tables_are_validated(project: Path, table: str, error: str) -> None:
    (project / "postlint.toml").write_text(PLATFORMS_ONLY + f"[rules.handle-syntax]\n{table}\n")
    (project / "post.txt").write_text("hi\n")
    code, _, err = run(["post.txt"])
    assert code == 2
    assert err.startswith(f"postlint: error: postlint.toml: rules.handle-syntax: {error}"), err
    assert err.count("\n") == 1


def test_handle_syntax_facts_live_in_the_rule_file() -> None:
    # platforms.md: limits change, so they are data with a source, never code
    source = (Path(__file__).resolve().parent.parent / "postlint" / "text.py").read_text()
    handles = source[source.index("# Handle syntax per platform") :]
    for fact in ("253", "63", "onion", "[A-Za-z0-9_]", "= 15", "= 24", "= 30"):
        assert fact not in handles, fact


def test_link_and_mention_limits(project: Path) -> None:
    links = " ".join(f"{c}.example.com" for c in "abcdef")
    assert messages(project, draft("threads", links), "link-limit") == [
        "threads: 6 links; limit is 5 (Threads API, from 2025-12-22)"
    ]
    assert messages(project, draft("threads", links + " a.example.com"), "link-limit") == [
        "threads: 6 links; limit is 5 (Threads API, from 2025-12-22)"
    ]
    mentions = " ".join(f"@user{i}" for i in range(21))
    assert messages(project, draft("instagram", mentions), "mention-limit") == [
        "instagram: 21 @mentions; limit is 20 (Instagram Graph API)"
    ]
    assert messages(project, draft("x", mentions), "mention-limit") == []


def test_youtube_brackets(project: Path) -> None:
    assert messages(project, draft("youtube", "Top 10 <3"), "youtube-title-brackets") == [
        "youtube: < is rejected (YouTube titles may not contain < or >)"
    ]
    assert messages(project, draft("x", "Top 10 <3"), "youtube-title-brackets") == []


_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        " ",
        ".",
        "é",
        "日",
        "😀",
        "👨‍👩‍👧‍👦",
        "🇺🇸",
        "t.co",
        "x.co/a",
        "https://a.co",
        "http://t.co/x",
        "example.com",
        "@alice@example.social",
        "@bob",
        "\u0301",
        "\u200d",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_cheap_bounds_never_undercount(text: str) -> None:
    for unit, params in (
        ("graphemes", {}),
        ("code_points", {}),
        ("threads", {}),
        ("x_weighted", {}),
        ("mastodon", {"url_length": 23}),
    ):
        bound = _upper_bound(text, unit, params)
        assert bound is not None and bound >= count(text, unit, **params), (unit, text)
