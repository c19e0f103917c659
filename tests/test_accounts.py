"""untagged-account: the `[accounts]` table, name matching, platforms, fixes, config errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.config import CommandLine, Resolver
from postlint.drafts import OffsetMap, Post
from postlint.kinds import build_options
from postlint.kinds.accounts import Options, check, parse_accounts
from postlint.packs import builtin_catalog
from tests.conftest import postlint_in_fresh_python

#: ignoring every shipped pack leaves only the rules a test enables
IGNORE_PACKS = "ignore = [" + ", ".join(f'"{p}"' for p in sorted(builtin_catalog().packs)) + "]"

ACCOUNTS = """
[accounts."Stranger Things"]
aliases = ["StrangerThings", "ST4"]
x = "@Stranger_Things"
instagram = "@strangerthingstv"
default = "@strangerthings"

[accounts."Millie Bobby Brown"]
instagram = "@milliebobbybrown"
"""


def _config(top: str = "", rule: str = "") -> str:
    """A config with only untagged-account enabled (exact output does not depend on
    other rules), `top` keys, the rule's `rule` options and the accounts."""
    return f"{IGNORE_PACKS}\n{top}\n[rules.untagged-account]\nenabled = true\n{rule}\n" + ACCOUNTS


TABLE = {
    "Stranger Things": {
        "aliases": ["StrangerThings", "ST4"],
        "x": "@Stranger_Things",
        "instagram": "@strangerthingstv",
        "default": "@strangerthings",
    },
    "Millie Bobby Brown": {"instagram": "@milliebobbybrown"},
    "Netflix": {"x": "@netflix", "instagram": "@netflix"},
}


def _post(text: str, platforms: tuple[str, ...] = ()) -> Post:
    return Post(
        path="d.txt", index=0, text=text, offsets=OffsetMap([(0, text)]), meta={},
        platforms=platforms,
    )  # fmt: skip


def _hits(text: str, platforms: tuple[str, ...] = (), **options: object) -> list[tuple[str, str]]:
    opts = build_options(Options, {"accounts": TABLE, **options}, "test")
    return [(text[h.start : h.end], h.data["handle"]) for h in check(_post(text, platforms), opts)]


@pytest.mark.parametrize(
    ("text", "platforms", "expected"),
    [
        ("Stranger Things is back", ("x",), [("Stranger Things", "@Stranger_Things")]),
        ("stranger   THINGS is back", ("x",), [("stranger   THINGS", "@Stranger_Things")]),
        ("Stranger\nThings is back", ("x",), [("Stranger\nThings", "@Stranger_Things")]),
        ("ST4 is back", ("instagram",), [("ST4", "@strangerthingstv")]),
        ("StrangerThings is back", (), [("StrangerThings", "@strangerthings")]),
        # whole words only
        ("ST42 and Stranger Thingsy", ("x",), []),
        # never inside a hashtag, a URL, a handle or a cashtag
        ("#ST4 #StrangerThings", ("x",), []),
        ("https://example.com/Stranger-Things/ST4 now", ("x",), []),
        ("example.com/ST4 now", ("x",), []),
        ("@ST4 and @StrangerThings_fans", ("x",), []),
        # tagged with the platform's handle, any case
        ("Stranger Things @stranger_things", ("x",), []),
        # another platform's handle does not count
        ("Stranger Things @strangerthingstv", ("x",), [("Stranger Things", "@Stranger_Things")]),
        # a cross-post needs each platform's handle
        (
            "Stranger Things @Stranger_Things",
            ("x", "instagram"),
            [("Stranger Things", "@strangerthingstv for instagram")],
        ),
        # no platform: any of the account's handles counts, else the default is needed
        ("Stranger Things @strangerthingstv", (), []),
        # no handle for the platform and no default: cannot be tagged there
        ("Millie Bobby Brown on X", ("x",), []),
        ("Millie Bobby Brown on IG", ("instagram",), [("Millie Bobby Brown", "@milliebobbybrown")]),
        # only the first mention of an account is flagged
        ("ST4! Stranger Things!", ("x",), [("ST4", "@Stranger_Things")]),
    ],
)
def test_matching(text: str, platforms: tuple[str, ...], expected: list[tuple[str, str]]) -> None:
    assert _hits(text, platforms) == expected


def test_without_accounts_the_rule_is_a_no_op() -> None:
    opts = build_options(Options, {}, "test")
    assert list(check(_post("Stranger Things"), opts)) == []


@pytest.mark.parametrize(
    ("mode", "edit", "safe"),
    [
        ("append", (15, 15, " (@Stranger_Things)"), True),
        ("replace", (0, 15, "@Stranger_Things"), False),
    ],
)
def test_fix_modes(mode: str, edit: tuple[int, int, str], safe: bool) -> None:
    opts = build_options(Options, {"accounts": TABLE, "fix": mode}, "test")
    (hit,) = check(_post("Stranger Things is back", ("x",)), opts)
    assert hit.fix is not None
    assert tuple(hit.fix.edits[0]) == edit
    assert hit.fix.safe is safe


@pytest.mark.parametrize("mode", ["append", "replace"])
@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("Stranger Things is back", "@Stranger_Things for x, @strangerthingstv for instagram"),
        # the caption already tags X's account: Instagram's handle would still go to X
        ("Stranger Things is back @Stranger_Things", "@strangerthingstv for instagram"),
    ],
)
def test_platforms_that_need_different_handles_get_no_fix(
    mode: str, text: str, handle: str
) -> None:
    # one caption for X and Instagram cannot carry the right handle for both
    opts = build_options(Options, {"accounts": TABLE, "fix": mode}, "test")
    (hit,) = check(_post(text, ("x", "instagram")), opts)
    assert hit.fix is None
    assert hit.data["handle"] == handle
    assert hit.data["note"] == (
        "; no automatic fix: x and instagram need different handles in one caption,"
        " write one post per platform"
    )


def test_platforms_that_share_a_handle_keep_the_fix() -> None:
    opts = build_options(Options, {"accounts": TABLE}, "test")
    (hit,) = check(_post("Netflix has it", ("x", "instagram")), opts)
    assert hit.data["note"] == ""
    assert hit.fix is not None and hit.fix.safe
    assert tuple(hit.fix.edits[0]) == (7, 7, " (@netflix)")


def test_fix_none_offers_no_fix() -> None:
    opts = build_options(Options, {"accounts": TABLE, "fix": "none"}, "test")
    (hit,) = check(_post("Stranger Things", ("x",)), opts)
    assert hit.fix is None


def test_append_steps_over_a_possessive() -> None:
    opts = build_options(Options, {"accounts": TABLE}, "test")
    (hit,) = check(_post("Stranger Things’s finale", ("x",)), opts)
    assert hit.fix is not None and hit.fix.edits[0].start == len("Stranger Things’s")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[accounts."Stranger Things"]\ntwiter = "@x"\n',
            'postlint.toml: accounts."Stranger Things".twiter: unknown key; did you mean '
            "twitter? (expected aliases, default or a platform: x, instagram, threads, "
            "bluesky, mastodon, tiktok, linkedin, facebook, youtube)",
        ),
        (
            '[accounts.Netflix]\nx = "netflix"\n',
            "postlint.toml: accounts.Netflix.x: expected a handle starting with @ such as "
            "\"@name\", got 'netflix'",
        ),
        (
            '[accounts.Netflix]\nx = "@net-flix"\n',
            "postlint.toml: accounts.Netflix.x: '@net-flix' is not a valid x handle: X "
            "handles allow only letters, digits and _",
        ),
        (
            '[accounts.Netflix]\naliases = "NFLX"\nx = "@netflix"\n',
            "postlint.toml: accounts.Netflix.aliases: expected a list of names, got 'NFLX'",
        ),
        (
            "[accounts.Netflix]\naliases = []\n",
            "postlint.toml: accounts.Netflix: give at least one handle (a platform key or default)",
        ),
        (
            'accounts = "x"\n',
            'postlint.toml: accounts: expected a table of accounts such as [accounts."Name"]',
        ),
    ],
)
def test_config_errors_name_the_file_and_key(project: Path, table: str, message: str) -> None:
    (project / "postlint.toml").write_text(table, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-config"])
    assert result.exit_code == 2
    assert result.output == f"postlint: error: {message}\n"


def test_resolver_passes_the_accounts_table_to_the_rule(project: Path) -> None:
    (project / "postlint.toml").write_text(ACCOUNTS, encoding="utf-8")
    resolver = Resolver(None, CommandLine())
    config = resolver.config_for(None)
    (rule,) = [r for r in resolver.rules_for(config, None) if r.name == "untagged-account"]
    assert rule.options.accounts == config.tables["accounts"]
    assert [a.name for a, _ in rule.options.parsed] == ["Stranger Things", "Millie Bobby Brown"]


def test_check_reports_and_fixes_through_the_cli(project: Path) -> None:
    (project / "postlint.toml").write_text(_config('platform = "x"'), "utf-8")
    (project / "post.txt").write_text("Big news: ST4 is back.\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["--format", "concise", "post.txt"])
    assert out.exit_code == 1
    assert out.output == (
        "post.txt:1:11: warning [untagged-account] Stranger Things is named but not "
        "tagged: add @Stranger_Things\n"
    )
    out = runner.invoke(cli, ["--fix", "--format", "concise", "post.txt"])
    assert out.exit_code == 0
    assert out.output == ""
    assert (project / "post.txt").read_text(
        "utf-8"
    ) == "Big news: ST4 (@Stranger_Things) is back.\n"


def test_replace_is_unsafe_and_needs_unsafe_fixes(project: Path) -> None:
    config = _config('platform = "x"', 'fix = "replace"')
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "post.txt").write_text("Stranger Things is back\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["--fix", "--format", "concise", "post.txt"])
    assert out.exit_code == 1
    assert (project / "post.txt").read_text("utf-8") == "Stranger Things is back\n"
    out = runner.invoke(cli, ["--fix", "--unsafe-fixes", "--format", "concise", "post.txt"])
    assert out.exit_code == 0, out.output
    assert (project / "post.txt").read_text("utf-8") == "@Stranger_Things is back\n"


def test_untagged_account_never_imports_spacy(project: Path) -> None:
    (project / "postlint.toml").write_text(_config(), encoding="utf-8")
    (project / "post.txt").write_text("Stranger Things is back\n", encoding="utf-8")
    out = postlint_in_fresh_python(
        ["--format", "concise", "post.txt"], project, "print('spacy' in sys.modules)\n"
    )
    assert out.stdout.splitlines() == [
        "post.txt:1:1: warning [untagged-account] Stranger Things is named but not tagged: "
        "add @strangerthings",
        "False",
    ]


def test_parse_accounts_normalizes_platform_aliases() -> None:
    (account,) = parse_accounts({"Netflix": {"twitter": "@netflix", "ig": "@netflix"}})
    assert dict(account.handles) == {"x": "@netflix", "instagram": "@netflix"}


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "drafts" / "accounts"


def test_the_example_drafts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parent.parent.parent)
    result = CliRunner().invoke(cli, ["--format", "concise", "examples/drafts/accounts"])
    assert result.exit_code == 1
    where = "examples/drafts/accounts"
    assert result.stdout.splitlines() == [
        f"{where}/queue.csv:2:15: warning [untagged-account] Stranger Things is named but not "
        "tagged: add @Stranger_Things",
        f"{where}/untagged.md:4:1: warning [untagged-account] Stranger Things is named but not "
        "tagged: add @strangerthingstv",
        f"{where}/untagged.md:4:16: warning [untagged-account] Netflix is named but not tagged: "
        "add @netflix",
        f"{where}/untagged.md:4:41: warning [untagged-account] Millie Bobby Brown is named but "
        "not tagged: add @milliebobbybrown",
        f"{where}/wrong-platform.md:4:1: warning [untagged-account] Stranger Things is named "
        "but not tagged: add @strangerthingstv for instagram; no automatic fix: x and "
        "instagram need different handles in one caption, write one post per platform",
    ]
