"""The service pack: reply drafts that address the person, acknowledge a complaint, do more
than redirect, and are not one template pasted to everyone; fixes and CLI output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.drafts import ReadSettings, Source, parse
from postlint.kinds import canned
from postlint.packs import builtin_catalog
from postlint.replies import same_handle
from tests.conftest import lint_draft, rule_problems

SERVICE = 'extends = ["service"]\n'


def reply(body: str, **meta: str) -> str:
    lines = [f'{key}: "{value}"' for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def messages(project: Path, text: str, rule: str, file: str = "reply.md") -> list[str]:
    result = lint_draft(project, text, file, SERVICE)
    return [p.message for p in rule_problems(result, rule)]


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def test_every_service_rule_runs_on_replies_only() -> None:
    catalog = builtin_catalog()
    names = set(catalog.packs["service"].rules)
    assert names == {"reply-mentions-user", "reply-acknowledges", "reply-deflects", "canned-reply"}
    assert all(catalog.rules[n].post_kinds == ("reply",) for n in names)


def test_posts_are_not_checked_by_service_rules(project: Path) -> None:
    text = "---\nplatform: x\n---\nDM us.\n---\nDM us for wholesale prices today.\n---\nDM us for wholesale prices today.\n"
    result = lint_draft(project, text, "post.md", SERVICE)
    assert result.problems == []


# --------------------------------------------------------------------- reply-mentions-user


@pytest.mark.parametrize(
    ("in_reply_to", "body", "expected"),
    [
        (
            "@jane_doe",
            "So sorry about the wait!",
            ["reply does not mention @jane_doe, the person it answers"],
        ),
        ("@jane_doe", "@jane_doe So sorry about the wait!", []),
        ("@jane_doe", "So sorry about the wait, @jane_doe!", []),
        ("@Jane_Doe", "@jane_doe thanks!", []),
        ("jane_doe", "Thanks!", ["reply does not mention @jane_doe, the person it answers"]),
        ("@jane", "@jane_doe thanks!", ["reply does not mention @jane, the person it answers"]),
        (
            "@jane",
            "email jane@example.com",
            ["reply does not mention @jane, the person it answers"],
        ),
        ("@alice@mastodon.social", "@alice fixed now", []),
        (
            "@alice@mastodon.social",
            "@alice@other.example fixed now",
            ["reply does not mention @alice@mastodon.social, the person it answers"],
        ),
        ("@bob.bsky.social", "@bob.bsky.social glad it works", []),
    ],
)
def test_reply_mentions_user(
    project: Path, in_reply_to: str, body: str, expected: list[str]
) -> None:
    assert (
        messages(project, reply(body, in_reply_to=in_reply_to), "reply-mentions-user") == expected
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("@Jane", "@jane", True),
        ("jane", "@JANE", True),
        ("@alice@mastodon.social", "@alice", True),
        ("@alice@mastodon.social", "@alice@Mastodon.Social", True),
        ("@alice@mastodon.social", "@alice@other.example", False),
        ("@jane", "@jane_doe", False),
    ],
)
def test_same_handle(a: str, b: str, same: bool) -> None:
    assert same_handle(a, b) is same


def test_fix_puts_the_handle_in_front(project: Path) -> None:
    (project / "postlint.toml").write_text(SERVICE, encoding="utf-8")
    text = reply("So sorry about the wait!\nYour refund went out today.", in_reply_to="@jane_doe")
    (project / "reply.md").write_text(text, encoding="utf-8")
    code, out, _ = run(["-f", "concise", "--fix", "reply.md"])
    assert code == 0, out
    assert (project / "reply.md").read_text(encoding="utf-8") == reply(
        "@jane_doe So sorry about the wait!\nYour refund went out today.", in_reply_to="@jane_doe"
    )


def test_fix_in_a_csv_export(project: Path) -> None:
    (project / "postlint.toml").write_text(SERVICE, encoding="utf-8")
    (project / "replies.csv").write_text(
        'in_reply_to,text\n@ana,"Thanks, it\'s fixed"\n@ben,@ben Thanks!\n', encoding="utf-8"
    )
    run(["--fix", "--select", "reply-mentions-user", "replies.csv"])
    assert (project / "replies.csv").read_text(encoding="utf-8") == (
        'in_reply_to,text\n@ana,"@ana Thanks, it\'s fixed"\n@ben,@ben Thanks!\n'
    )


# --------------------------------------------------------------------- reply-acknowledges

ACK = "reply to a complaint ({}) does not acknowledge the problem"


@pytest.mark.parametrize(
    ("meta", "body", "expected"),
    [
        (
            {"sentiment": "negative"},
            "Orders ship within 5-7 business days.",
            ["sentiment: negative"],
        ),
        (
            {"sentiment": "Negative"},
            "Orders ship within 5-7 business days.",
            ["sentiment: negative"],
        ),
        (
            {"in_reply_to_text": "Still waiting on my order from 3 weeks ago"},
            "Orders ship in 5-7 days.",
            ['they wrote "Still waiting"'],
        ),
        (
            {"in_reply_to_text": "Why would you cancel Anne with an E?? Bring it back"},
            "Season 3 is streaming now!",
            ['they wrote "Why would you cancel"'],
        ),
        (
            {"in_reply_to_text": "worst customer service ever"},
            "Please see our FAQ.",
            ['they wrote "worst"'],
        ),
        (
            {"in_reply_to_text": "been on hold for 40 minutes"},
            "Our lines open at 8.",
            ['they wrote "on hold for"'],
        ),
        (
            {"in_reply_to_text": "My package is at the wrong address 😡"},
            "Check the tracking link.",
            ["they wrote 😡"],
        ),
        (
            {"in_reply_to_text": "Third time this week!!!"},
            "Our app updates on Tuesdays.",
            ['they wrote "!!!"'],
        ),
        (
            {"in_reply_to_text": "WHERE IS MY ORDER"},
            "It left on Monday.",
            ['they wrote "WHERE IS MY ORDER"'],
        ),
        (
            {"in_reply_to_text": "ugh the app crashed smh"},
            "Update to 4.2.",
            ['they wrote "ugh"'],
        ),
        (
            {"in_reply_to_text": "I'm cancelling my subscription"},
            "Here's how.",
            ['they wrote "I\'m cancelling my"'],
        ),
        (
            {"in_reply_to_text": "charged me twice for one order"},
            "Refunds take 5 days.",
            ['they wrote "charged me twice"'],
        ),
        # plain problem reports and cheers are not complaints by wording
        (
            {"in_reply_to_text": "why is my home sharing not working, how do I fix it"},
            "Which Mac?",
            [],
        ),
        ({"in_reply_to_text": "Can you refund me the difference?"}, "Yes, DM us.", []),
        ({"in_reply_to_text": "Thanks @ChipotleTweets !!!"}, "Enjoy!", []),
        ({"in_reply_to_text": "Chicken bowl, bring on the GUAC!!! 😍"}, "Well played.", []),
        (
            {"in_reply_to_text": "Walking there in my llama onesie 😭 happy Halloween"},
            "Love it",
            [],
        ),
        ({"in_reply_to_text": "Third time this week!!! 😭"}, "Noted.", ['they wrote "!!!"']),
        ({"in_reply_to_text": "How do I cancel my order?"}, "Tap Orders, then Cancel.", []),
        # acknowledged
        ({"sentiment": "negative"}, "Sorry, three weeks is far too long.", []),
        ({"sentiment": "negative"}, "We apologize for the delay.", []),
        ({"sentiment": "negative"}, "Thanks for flagging this, the link is fixed.", []),
        ({"sentiment": "negative"}, "We hear you. We've passed this on.", []),
        ({"sentiment": "negative"}, "That's not the experience we want you to have.", []),
        ({"sentiment": "negative"}, "Sad to hear that. Which store was it?", []),
        ({"sentiment": "negative"}, "We understand how frustrating that is.", []),
        ({"sentiment": "negative"}, "You're right, that shouldn't have happened.", []),
        ({"sentiment": "negative"}, "We take this very seriously. DM us?", []),
        ({"sentiment": "negative"}, "Oh no! That's never good. Which store?", []),
        # not complaints
        ({"in_reply_to_text": "Loving the new flavour, great job"}, "Glad you like it!", []),
        (
            {"sentiment": "neutral", "in_reply_to_text": "What's the worst seat for sun?"},
            "Rows A to F.",
            [],
        ),
        ({"sentiment": "positive"}, "Thank you!", []),
        ({}, "Rows A to F get the afternoon sun.", []),
    ],
)
def test_reply_acknowledges(
    project: Path, meta: dict[str, str], body: str, expected: list[str]
) -> None:
    text = reply("@sam " + body, in_reply_to="@sam", **meta)
    assert messages(project, text, "reply-acknowledges") == [ACK.format(e) for e in expected]


@pytest.mark.parametrize(
    ("answered", "evidence"),
    [
        ("Your app is broken again", "Your app is broken"),
        ("My package is lost", "My package is lost"),
        ("not happy with the delivery", "not happy"),
        ("the app keeps crashing", "keeps crashing"),
        ("you guys suck", "suck"),
        ("I want a refund", "I want a refund"),
        ("Where is my order?", "Where is my order"),
        # questions and praise are not complaints
        ("What time do you open?", None),
        ("Where is my order number on the receipt?", None),
        ("How do I get a refund?", None),
        ("Is the app down?", None),
        ("Happy customer here, the delivery was early", None),
        ("My order was delivered today, thanks!", None),
    ],
)
def test_complaints_in_plain_words(project: Path, answered: str, evidence: str | None) -> None:
    text = reply("@bob Our store opens at 9.", in_reply_to="@bob", in_reply_to_text=answered)
    expected = [ACK.format(f'they wrote "{evidence}"')] if evidence else []
    assert messages(project, text, "reply-acknowledges") == expected


def test_thanks_for_reaching_out_is_not_an_acknowledgement(project: Path) -> None:
    text = reply(
        "@sam Thanks for reaching out! Orders ship in 5-7 days.",
        in_reply_to="@sam",
        sentiment="negative",
    )
    assert messages(project, text, "reply-acknowledges") == [ACK.format("sentiment: negative")]


def test_the_sentiments_that_mark_a_complaint_are_configurable(project: Path) -> None:
    config = SERVICE + '[rules.reply-acknowledges]\nsentiments = ["negative", "mixed"]\n'
    text = reply("@sam Orders ship in 5-7 days.", in_reply_to="@sam", sentiment="mixed")
    result = lint_draft(project, text, "reply.md", config)
    assert [p.message for p in rule_problems(result, "reply-acknowledges")] == [
        ACK.format("sentiment: mixed")
    ]


# --------------------------------------------------------------------- reply-deflects

DEFLECT = 'reply only redirects ("{}"): add a human word or a next step'


@pytest.mark.parametrize(
    ("body", "redirect"),
    [
        (
            "Please send us a Private Message about this.",
            "send us a Private Message",
        ),
        ("DM us.", "DM us"),
        ("Please contact support.", "contact support"),
        ("Call 1-800-555-0199 for account questions.", "Call 1-800-555-0199"),
        ("Visit example.com/help for that.", "Visit example.com/help"),
        ("Reach out to our care team.", "Reach out to our care team"),
        ("Shoot us an email.", "Shoot us an email"),
        ("Please PM me.", "PM me"),
        ("Head over to https://help.example.com", "Head over to https://help.example.com"),
        # redeemed by a human word or a next step
        ("So sorry about that! Please DM us.", None),
        ("Thanks for the heads up, DM us?", None),
        ("Hi Maria, please send us a DM.", None),
        ("DM us with your order number.", None),
        ("Send us a DM and we'll check your account.", None),
        ("Please DM us so we can look into it.", None),
        ("Call us and a manager will reply within 2 hours.", None),
        ("No worries! Shoot me a DM and I'll dive right in.", None),
        ("Let's dig into this further. DM us and we'll continue there.", None),
        ("Send a DM if you ever need us :)", None),
        ("Please DM us a screenshot of the error.", None),
        # the redirect is not all the reply says
        (
            "Some accounts keep drafts in a separate folder, under Mail settings. "
            "If you're still having trouble, DM us.",
            None,
        ),
        # no redirect at all
        ("The store opens at 9 tomorrow.", None),
        ("A technician will call you Tuesday morning.", None),
    ],
)
def test_reply_deflects(project: Path, body: str, redirect: str | None) -> None:
    text = reply("@maria_k " + body, in_reply_to="@maria_k")
    expected = [DEFLECT.format(redirect)] if redirect else []
    assert messages(project, text, "reply-deflects") == expected


# --------------------------------------------------------------------- canned-reply


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("@ana We're sorry, DM us. -KC", "@ben we're  sorry, DM us ^AA", True),
        ("@ana @acme_help Sorry for the wait!", "@ben Sorry for the wait", True),
        ("@ana Sorry for the wait ~Sam", "@ben Sorry for the wait — Jen", True),
        ("@ana Sorry the refund is late", "@ben Sorry the app logs you out", False),
        ("@ana Call us on 0800 123", "@ana Call us on 0800 124", False),
    ],
)
def test_canned_normalisation(a: str, b: str, same: bool) -> None:
    pattern = canned.Options().compiled
    assert (canned.normalize(a, pattern) == canned.normalize(b, pattern)) is same


def test_canned_replies_across_files_name_the_first(project: Path) -> None:
    (project / "postlint.toml").write_text(SERVICE, encoding="utf-8")
    body = "We're sorry for the trouble, please DM us your order number and we'll check it."
    for name, handle, sig in (("a.md", "ana", "-KC"), ("b.md", "ben", "-AA"), ("c.md", "cy", "")):
        text = reply(f"@{handle} {body} {sig}".rstrip(), in_reply_to=f"@{handle}")
        (project / name).write_text(text, encoding="utf-8")
    (project / "d.md").write_text(
        reply("@dee Glad it arrived safely!", in_reply_to="@dee"), encoding="utf-8"
    )
    code, out, _ = run(["-f", "concise", "--select", "canned-reply", "."])
    assert code == 1
    assert out.splitlines() == [
        "b.md:4:1: warning [canned-reply] same reply as a.md:4",
        "c.md:4:1: warning [canned-reply] same reply as a.md:4",
    ]


def test_a_post_linted_again_is_not_its_own_copy() -> None:
    options = canned.Options()
    state = canned.new_state()
    source = parse(
        Source("r.md", reply("@ana Sorry for the wait, DM us please.", in_reply_to="@ana")),
        ".md",
        ReadSettings(),
    )
    post = source.posts[0]
    assert list(canned.check(post, options, state)) == []
    assert list(canned.check(post, options, state)) == []  # a language server re-lint


def test_min_words_lets_short_replies_repeat(project: Path) -> None:
    text = (
        "---\nkind: reply\n---\n@ana Thanks for stopping by!\n---\n@ben Thanks for stopping by!\n"
    )
    assert messages(project, text, "canned-reply", "replies.md") == []
    config = SERVICE + "[rules.canned-reply]\nmin-words = 3\n"
    result = lint_draft(project / "strict", text, "replies.md", config)
    assert [p.message for p in rule_problems(result, "canned-reply")] == [
        "same reply as strict/replies.md:4"
    ]


# --------------------------------------------------------------------- the examples


def test_service_examples_report_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    code, out, _ = run(["-f", "concise", "examples/drafts/service"])
    assert code == 1
    assert out.splitlines() == [
        "examples/drafts/service/app-crash.md:5:1: warning [reply-acknowledges] reply to a "
        'complaint (they wrote "keeps crashing") does not acknowledge the problem',
        "examples/drafts/service/app-crash.md:5:17: warning [reply-deflects] reply only "
        'redirects ("send us a private message"): add a human word or a next step',
        "examples/drafts/service/refund-late.md:5:1: warning [reply-acknowledges] reply to a "
        'complaint (they wrote "Still waiting") does not acknowledge the problem',
        "examples/drafts/service/refund-late.md:5:1: warning [reply-mentions-user] reply does "
        "not mention @sam_r, the person it answers",
        "examples/drafts/service/replies.csv:3:31: warning [canned-reply] same reply as "
        "examples/drafts/service/replies.csv:2",
    ]


def test_option_errors_name_the_file_and_key(project: Path) -> None:
    (project / "postlint.toml").write_text(
        SERVICE + "[rules.reply-deflects]\nmax-other-words = -1\n", encoding="utf-8"
    )
    code, out, err = run(["check-config"])
    assert (code, out) == (2, "")
    assert err == (
        "postlint: error: postlint.toml: rules.reply-deflects: "
        "max-other-words: expected an integer >= 0, got -1\n"
    )
