"""The reach pack: engagement bait named by Meta's category, Meta's exemptions, lookalikes
that must not fire, clickbait and follow swaps, options tuned in config, and CLI output."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.packs import builtin_catalog
from tests.conftest import lint_draft, rule_problems

REACH = 'extends = ["reach"]\n'


def found(project: Path, text: str, rule: str, config: str = REACH) -> list[tuple[int, str]]:
    """(column, message) of each problem of `rule` in a one-line draft."""
    result = lint_draft(project, text, "draft.txt", config)
    return [(p.column, p.message) for p in rule_problems(result, rule)]


def categories(project: Path, text: str, config: str = REACH) -> list[str]:
    return [m.split(" baiting:")[0] for _, m in found(project, text, "engagement-bait", config)]


def test_the_pack_is_opt_in_and_holds_its_rules() -> None:
    catalog = builtin_catalog()
    assert set(catalog.packs["reach"].rules) == {"engagement-bait", "clickbait", "engagement-swap"}
    assert catalog.rules["engagement-bait"].conflicts == ("tag-a-friend",)
    assert "platforms.md §4.1" in catalog.rules["engagement-bait"].doc.source
    assert "cannot be checked" in catalog.packs["reach"].description


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Meta's own examples (Facebook Newsroom 2017-12-18 and its help page)
        ("LIKE this if you're an Aries!", "react"),
        ('Comment "Yes" if you enjoy sunsets on the beach', "comment"),
        ("If you're excited for the weekend, comment 'TGIF'!", "comment"),
        ("SHARE with 10 friends for a chance to win a new convertible", "share"),
        ("Share with 5 friends for your chance to win!", "share"),
        ("Tag a friend who likes to nap!", "tag"),
        ("Tag a friend who would do this!", "tag"),
        ("Vote for your favorite pet!", "vote"),
        ("SHARE this if you are a millennial", "share"),
        ("LIKE this if you were born in August", "react"),
        # brand phrasings
        ("New menu drops Monday. Like if you agree 👍", "react"),
        ("Double tap if you're ready for the weekend", "react"),
        ("Smash that like button for part 2", "react"),
        ("Give this post a like if you remember these", "react"),
        ("React with ❤️ if you love Mondays", "react"),
        ("Fresh bagels at 7am. Like and share!", "react"),
        ("Type AMEN if you made it through Monday 🙏", "comment"),
        ("Drop a 🔥 in the comments if you're coming", "comment"),
        ("Describe your Monday in one word 👇", "comment"),
        ("Finish this sentence: the best pizza topping is ___", "comment"),
        ("Comment below if you agree", "comment"),
        ("Send this to someone who needs a laugh today", "share"),
        ("RT for a chance to win a year of coffee", "share"),
        ("Please share this on your story 🙏", "share"),
        ("tag your bestie who always steals your fries", "tag"),
        ("Tag 3 friends to enter!", "tag"),
        ("@ a friend who would do this", "tag"),
        ("Mention a friend who needs a holiday", "tag"),
        ("❤️ for summer, 😂 for winter", "vote"),
        ("👍 = yes / 👎 = no", "vote"),
        ("Like for pizza, share for tacos", "vote"),
        ("Comment A for pizza or B for tacos", "vote"),
        ("Which dress? Vote in the comments", "vote"),
        # shapes beyond a closed word list (audit, issue 5)
        ("Retweet to spread the word", "share"),
        ("Retweet to show your support", "share"),
        ("Share with a friend who bakes", "share"),
        ("Send to a friend who needs a laugh", "share"),
        ("Add a comment if you agree", "comment"),
        ("TAG YOUR TEAMMATE", "tag"),
        ("Tag an entrepreneur", "tag"),
        ("tag your swolemate", "tag"),
        ("Tag a travel companion", "tag"),
        ("Tag that one friend who always orders dessert", "tag"),
        ("#giveaway tag a friend to enter", "tag"),
        ("Follow us & tag 2 friends", "tag"),
        ("Double tap for details", "react"),
    ],
)
def test_each_kind_of_bait_is_named(project: Path, text: str, category: str) -> None:
    assert categories(project, text) == [category]


def test_the_message_names_the_category(project: Path) -> None:
    assert found(project, "Tag a friend who likes to nap!", "engagement-bait") == [
        (1, "tag baiting: asks readers to tag friends")
    ]
    assert found(project, "Vote for your favorite pet!", "engagement-bait") == [
        (1, "vote baiting: asks readers to vote with reactions, comments or shares")
    ]


def test_several_kinds_in_one_post_each_get_a_problem(project: Path) -> None:
    text = "🎉 Like this post if you need coffee, tag a friend who does, and SHARE with 3 friends"
    assert categories(project, text) == ["react", "tag", "share"]


@pytest.mark.parametrize(
    "text",
    [
        "Share your feedback with us at the link in bio",
        "Share your photos with #BakeryLove",
        "Polls close at 8pm — make a plan to vote",
        "Register to vote by Friday, then vote for your future",
        "Early voting starts today. Vote for your favorite candidate",
        "We tagged the cast in our behind-the-scenes post",
        "Like us, you'll love the new autumn menu",
        "The comment section is open for questions until 5pm",
        "Leave a comment below",
        "Let us know what you think",
        "I like this one a lot",
        "We'd love it if you joined us on Saturday",
        "We wanted to share this with you first",
        "We can't wait to share it with you",
        "Like this look? Shop the collection",
        "Tag us in your photos to be featured",
        "That plot twist hit like a truck",
        "A pizza big enough to share with your friends",
        "Say NO to plastic straws",
        "Forward it to our support team and we'll look",
        "The price tag on this one is friendly",
        "Vote for us in the Best of Leeds awards: link in bio",
        'Stop writing "tag a friend" in every caption',
        "Our oat latte: like a hug in a cup",
        # shapes of real captions: Instagram check-ins, song lyrics, a story
        "Birthday brunch with my mama @ The Grove",
        "Well, that escalated quickly. @ Harbour Street Bakery",
        "Drop it like it's hot for free ice cream",
        'When your boss says hi and you reply "maybe later"',
        "Please reply if you are interested in the role",
        # a tag that names no person, a negated tag, a place, a meme
        "Tag your photos with #BakeryLove to be featured",
        "Tag the location so other visitors can find us",
        "Tag your favourite coffee shop in your stories",
        "Please don't tag a friend in the spoilers thread",
        "Tag yourself: which croissant are you",
        "Send to your email and print the ticket at home",
        "Leave a comment if you have any questions about the menu",
        "Double tap the photo to zoom in on the stitching",
        "Retweets are not endorsements",
    ],
)
def test_lookalikes_do_not_fire(project: Path, text: str) -> None:
    assert found(project, text, "engagement-bait") == []


@pytest.mark.parametrize(
    "text",
    [
        "Missing since Friday: Bella, 14. Please share this with everyone in the Leeds area",
        "Lost dog near Elm Park, answers to Bo. Share this with everyone nearby",
        "AMBER ALERT: share this with your friends in Ohio",
        "We're raising money for the shelter: share this with your friends",
        "Donate if you can and share this with 5 friends",
        "Heading to Lisbon next month, any tips? Tag a friend who has been!",
        "Can anyone recommend a plumber in Bristol? Tag someone who knows one",
    ],
)
def test_requests_for_help_advice_or_recommendations_are_exempt(project: Path, text: str) -> None:
    assert found(project, text, "engagement-bait") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one election word somewhere does not make a poll an election reminder
        ("Our primary colours collection: vote for your favourite shade in the comments", ["vote"]),
        ("Vote for your favorite pet! Voters get a sticker", ["vote"]),
        # an election context does
        ("Vote for your favorite candidate on Tuesday", []),
        ("Polls open at 7am: vote for your future", []),
        # a request for help excuses passing it on, not a separate bait clause
        ("Any tips for Lisbon? Like this if you have been there", ["react"]),
        ("Any tips for Lisbon? Share this if you love Portugal", ["share"]),
        ("Any tips for Lisbon? Comment below if you have been", []),
        (
            "Lost dog near Elm Park. Share this with everyone nearby, like if you love dogs",
            ["react"],
        ),
        (
            "We're raising money for the shelter. Share with 5 friends for your chance to win",
            ["share"],
        ),
    ],
)
def test_exemptions_are_local(project: Path, text: str, expected: list[str]) -> None:
    assert categories(project, text) == expected


def test_an_unknown_exempt_category_names_the_key(project: Path) -> None:
    (project / "postlint.toml").write_text(
        REACH + '[rules.engagement-bait]\nexempt-categories = ["shares"]\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check-config"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "postlint: error: postlint.toml: rules.engagement-bait: "
        "exempt-categories: unknown category 'shares' (expected one of react, comment"
    )


def test_exemption_needs_a_request_not_a_topic(project: Path) -> None:
    # "advice" as the subject of a post is not a request for advice
    assert categories(project, "Tag a friend who needs this advice column") == ["tag"]


def test_quoted_bait_fires_when_skip_quoted_is_off(project: Path) -> None:
    text = 'Stop writing "tag a friend" in every caption'
    config = REACH + "[rules.engagement-bait]\nskip-quoted = false\n"
    assert categories(project, text, config) == ["tag"]


def test_config_replaces_one_category_and_keeps_the_others(project: Path) -> None:
    # a team that runs votes on purpose clears the vote category's patterns with `unless`
    config = REACH + (
        "[rules.engagement-bait.categories.vote]\n"
        'label = "asks readers to vote"\n'
        'patterns = ["\\\\bvote\\\\b"]\n'
        'unless = ["#CommunityChoice"]\n'
    )
    assert categories(project, "Vote for your favorite pet! #CommunityChoice", config) == []
    assert categories(project, "Tag a friend who likes to nap!", config) == ["tag"]


def test_a_bad_category_names_the_file_and_key(project: Path) -> None:
    (project / "postlint.toml").write_text(
        REACH + '[rules.engagement-bait.categories.vote]\nlabel = "x"\npatterns = ["("]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check-config"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "postlint: error: postlint.toml: rules.engagement-bait: "
        "categories.vote.patterns[0]: invalid regular expression '('"
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("You won't believe what happens next 😱 link in bio", "You won't believe"),
        ("You won’t believe this price", "You won’t believe"),
        ("She opened the box. What happens next will shock you", "What happens next will"),
        ("This one trick will save you hours of meal prep", "This one trick will"),
        ("One weird trick to clean your oven", "One weird trick"),
        ("The ending will blow your mind", "will blow your mind"),
        ("12 cafés in Lisbon, number 7 will make you book a flight", "number 7 will"),
        ("Our top 5 sneaker drops of the year. #4 is insane", "#4 is insane"),
        ("Doctors hate him! Local dad's 10-minute workout", "Doctors hate him"),
        ("Wait till you see what she made with leftover rice", "Wait till you see what"),
        ("The secret banks don't want you to know", "banks don't want you to know"),
        ("What happens next? 😱 Link in bio", "What happens next?"),
        ("Watch what happens next 👀", "Watch what happens next"),
        ("This one trick cut our bills in half", "This one trick"),
        ("The one trick every baker should know", "The one trick"),
        ("This simple hack saved us £200 a year", "This simple hack saved"),
    ],
)
def test_clickbait_fires_on_curiosity_gaps(project: Path, text: str, match: str) -> None:
    assert [m for _, m in found(project, text, "clickbait")] == [
        f'curiosity gap: "{match}" withholds the point'
    ]


@pytest.mark.parametrize(
    "text",
    [
        "We can't believe it's been 10 years since our first shop",
        "Find out what happens next on Thursday at 9",
        "Here's why we moved the launch to May: the new oven arrives late",
        "This gift will surprise your mom",
        "A trick question for trivia night: how many moons has Mars?",
        "Believe it or not, we're 10 today",
        "Number 7 bus diverted today",
        "Here is what happens next: the store opens at 9",
        "Here's what happens next. The store opens at 9",
        "Book a magic trick show for kids' parties",
        "The one trick every baker should know: rest the dough overnight",
        "This trick shot took 40 takes",
        "Hat trick for Jones in the derby!",
        "What happens next season? Renewal news on Friday",
    ],
)
def test_clickbait_lookalikes_pass(project: Path, text: str) -> None:
    assert found(project, text, "clickbait") == []


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("New drop is live 🔥 follow for follow!", ["follow for follow"]),
        ("Sunset in Porto like4like", ["like4like"]),
        ("Sunset in Porto #l4l #f4f", ["#l4l", "#f4f"]),
        ("New video out now, sub4sub", ["sub4sub"]),
        ("Follow me and I'll follow you back", ["Follow me and I'll follow you back"]),
        ("Weekend vibes #followback", ["#followback"]),
        ("Follow us for a new recipe every day", []),
        ("#fbf to our first shop in 2009", []),
        ("Thank you to our 10k followers", []),
        ("Congrats to @like4like_studio on the launch", []),
        # one problem per occurrence, however many patterns find it
        ("Follow me I'll follow back", ["Follow me I'll follow back"]),
        ("#likes4likes #lforl #likeback", ["#likes4likes", "#lforl", "#likeback"]),
        ("Follow back the river to the falls", []),
    ],
)
def test_engagement_swaps(project: Path, text: str, matches: list[str]) -> None:
    assert [m for _, m in found(project, text, "engagement-swap")] == [
        f'engagement swap: "{m}" trades follows or likes instead of earning them' for m in matches
    ]


def test_reach_examples_report_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    result = CliRunner().invoke(cli, ["-f", "concise", "examples/drafts/reach"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "examples/drafts/reach/giveaway.md:6:1: warning [engagement-bait] "
        "react baiting: asks readers to react to the post",
        "examples/drafts/reach/giveaway.md:6:38: warning [engagement-bait] "
        "tag baiting: asks readers to tag friends",
        "examples/drafts/reach/giveaway.md:7:5: warning [engagement-bait] "
        "share baiting: asks readers to share the post",
        "examples/drafts/reach/giveaway.md:7:36: warning [engagement-swap] "
        'engagement swap: "#l4l" trades follows or likes instead of earning them',
        "examples/drafts/reach/listicle.txt:1:37: warning [clickbait] "
        'curiosity gap: "Number 7 will" withholds the point',
        "examples/drafts/reach/queue.csv:2:11: warning [engagement-bait] "
        "vote baiting: asks readers to vote with reactions, comments or shares",
    ]
