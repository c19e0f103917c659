"""The bundled examples show every shipped rule both firing and passing.

`examples/drafts` (what the quickstart's `postlint examples/drafts` lints, without spaCy)
is linted with the configs its folders carry; every rule on by default and every rule of
the packs those folders opt into must flag some post and let some other post pass, and
every draft file type must be there. The engagement playbook, the default pack, shows
each of its rules firing and passing in each file type. `examples/nlp` does the same
for the two rules that need spaCy.

A post "passes" a rule only when the rule had something to check there: a platform rule
needs a post for one of its platforms, a reply rule a reply, and so on (`_checks`), and a
post whose file disables the rule by a directive does not count.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from postlint.config import CommandLine, Resolver
from postlint.drafts import SUFFIXES, Post, Source
from postlint.kinds.acknowledgement import complaint
from postlint.linter import RunState, applies
from postlint.packs import Rule
from postlint.replies import answered_handle
from postlint.runner import discover, lint_file

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = "examples/drafts"
NLP = "examples/nlp"


def _platforms(options: Any) -> set[str]:
    return {name for name, _ in options.tables()}


#: kind → whether a rule of that kind had something to check in a post (beyond
#: `applies`: post kinds and platforms of the rule's `[applies-to]`)
_CHECKS: dict[str, Callable[[Post, Any], bool]] = {
    "platform-length": lambda post, o: bool(_platforms(o) & set(post.platforms)),
    "platform-entities": lambda post, o: bool(_platforms(o) & set(post.platforms)),
    "platform-chars": lambda post, o: bool(_platforms(o) & set(post.platforms)),
    "handles": lambda post, o: (
        bool((set(o.platforms) or _platforms(o)) & set(post.platforms)) and bool(post.view.mentions)
    ),
    "media": lambda post, o: bool(post.meta.get("media")),
    "schedule": lambda post, o: any(post.meta.get(k) for k in o.keys),
    "hashtag-case": lambda post, o: bool(post.view.hashtags),
    "accounts": lambda post, o: bool(o.parsed) and bool(post.view.mentions),
    "acknowledgement": lambda post, o: complaint(post, o) is not None,
    "addressee": lambda post, o: answered_handle(post) is not None,
    "deflection": lambda post, o: any(p.search(post.text) for p in o.compiled[0]),
}


def _checks(rule: Rule, post: Post) -> bool:
    check = _CHECKS.get(rule.kind)
    return applies(rule, post) and (check is None or check(post, rule.options))


def _disabled_in(source: Source, rule: str) -> bool:
    """Whether a directive or the front matter turns `rule` off anywhere in the file."""
    d = source.directives
    names = set(d.file_rules).union(*(n for _, _, n in d.ranges), *d.lines.values())
    return bool({rule, "*"} & names)


class Seen:
    """What linting a folder showed: per rule, the file types it fired and passed in."""

    def __init__(self) -> None:
        self.fired: dict[str, set[str]] = defaultdict(set)
        self.passed: dict[str, set[str]] = defaultdict(set)
        self.enabled: set[str] = set()
        self.types: set[str] = set()
        self.errors: list[str] = []


def _lint(folder: str) -> Seen:
    resolver = Resolver(None, CommandLine())
    seen = Seen()
    found = discover([folder], resolver)
    assert not found.missing and not found.notices
    state = RunState()  # one run: duplicates are found across files, as the CLI does
    for path in found.files:
        result = lint_file(path, resolver, state)
        source = result.source
        suffix = Path(source.display).suffix.lower()
        seen.types.add(suffix)
        rules = resolver.rules_for(result.config, source.path)
        seen.enabled.update(r.name for r in rules)
        flagged = {(p.rule, p.post) for p in result.problems}
        seen.errors.extend(
            f"{p.path}:{p.line}: {p.message}"
            for p in result.problems
            if p.rule in ("draft-error", "invalid-directive", "rule-error")
        )
        for name, _ in flagged:
            seen.fired[name].add(suffix)
        for post in source.posts:
            for rule in rules:
                if (rule.name, post.index) in flagged or _disabled_in(source, rule.name):
                    continue
                if _checks(rule, post):
                    seen.passed[rule.name].add(suffix)
    return seen


def _lint_at_root(folder: str) -> Seen:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)  # paths are shown relative to the working directory
        return _lint(folder)


@pytest.fixture(scope="module")
def drafts() -> Seen:
    return _lint_at_root(DRAFTS)


def _expected_rules() -> set[str]:
    """Rules on by default, plus every rule of each pack an examples/drafts config extends
    (their own `default = false` rules aside: those are opt-in by name)."""
    resolver = Resolver(None, CommandLine())
    default = resolver.config_for(ROOT / DRAFTS / "engagement" / "any.txt")
    names = {r.name for r in resolver.rules_for(default, None)}
    catalog = resolver.catalog(default)
    for config_file in (ROOT / DRAFTS).rglob("postlint.toml"):
        config = resolver.config_for(config_file.parent / "any.txt")
        for pack in config.extends:
            names.update(r for r in catalog.packs[pack].rules if catalog.rules[r].default)
    return names


EXPECTED = sorted(_expected_rules())


def test_the_expected_rules_cover_the_shipped_packs() -> None:
    """The table below is not empty by accident: the default packs and the playbooks the
    example folders choose (reach, service) are all in it."""
    assert {"max-length", "account-tag", "tag-a-friend", "humour"} <= set(EXPECTED)
    assert {"mention-limit", "link-limit", "scheduled-in-past", "alt-text"} <= set(EXPECTED)
    assert {"engagement-bait", "clickbait", "reply-deflects", "canned-reply"} <= set(EXPECTED)
    assert "untagged-entity" not in EXPECTED  # needs spaCy: examples/nlp


def test_the_examples_read_cleanly(drafts: Seen) -> None:
    assert drafts.errors == []


@pytest.mark.parametrize("rule", EXPECTED)
def test_every_rule_fires_and_passes_in_the_examples(drafts: Seen, rule: str) -> None:
    assert rule in drafts.enabled, f"{rule} is not enabled for any draft in {DRAFTS}"
    assert drafts.fired[rule], f"{rule} never fires in {DRAFTS}"
    assert drafts.passed[rule], f"no post of {DRAFTS} that {rule} checks passes it"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_file_type_is_in_the_examples(drafts: Seen, suffix: str) -> None:
    assert suffix in drafts.types


ENGAGEMENT = ["max-length", "account-tag", "tag-a-friend", "humour"]


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("rule", ENGAGEMENT)
def test_the_engagement_rules_fire_and_pass_in_every_file_type(
    drafts: Seen, rule: str, suffix: str
) -> None:
    assert suffix in drafts.fired[rule], f"{rule} never fires in a {suffix} example"
    assert suffix in drafts.passed[rule], f"{rule} never passes in a {suffix} example"


def test_the_nlp_example_shows_the_spacy_rules() -> None:
    seen = _lint_at_root(NLP)
    assert seen.errors == []
    for rule in ("untagged-entity", "tag-a-friend-tokens"):
        assert rule in seen.enabled
        assert seen.fired[rule], rule
        assert seen.passed[rule], rule
    # it replaces the regex rule with its token-pattern twin
    assert "tag-a-friend" not in seen.enabled


def test_the_quickstart_examples_need_no_spacy() -> None:
    """`pip install . && postlint examples/drafts` has no spaCy: with spaCy made
    unimportable the run still lints (exit 1: the examples show problems), never exit 2."""
    code = (
        "import sys; sys.modules['spacy'] = None\n"
        "from postlint.cli import main\n"
        "sys.argv = ['postlint', '--no-cache', '--format', 'concise', 'examples/drafts']\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert "[mention-limit]" in proc.stdout and "[link-limit]" in proc.stdout
