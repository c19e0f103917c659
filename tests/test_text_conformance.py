"""twitter-text's conformance suite (v3.1.0) run against postlint.text.

The YAML files in tests/data/twitter-text/ are read at test time; every case of validate.yml,
extract.yml and tlds.yml is one test. Which function and config a section uses follows
twitter-text's own JS conformance runner (js/test/conformance.html).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from postlint import text as tt

DATA = Path(__file__).parent / "data" / "twitter-text"


def _parse(config: str) -> Callable[[str], dict[str, Any]]:
    def run(text: str) -> dict[str, Any]:
        r = tt.parse_tweet(text, config)
        return {
            "weightedLength": r.weighted_length,
            "valid": r.valid,
            "permillage": r.permillage,
            "displayRangeStart": r.display_range_start,
            "displayRangeEnd": r.display_range_end,
            "validRangeStart": r.valid_range_start,
            "validRangeEnd": r.valid_range_end,
        }

    return run


TESTERS: dict[tuple[str, str], Callable[[str], Any]] = {
    ("extract", "mentions"): tt.extract_mentioned_screen_names,
    ("extract", "mentions_with_indices"): tt.extract_mentioned_screen_names_with_indices,
    ("extract", "mentions_or_lists_with_indices"): tt.extract_mentions_or_lists_with_indices,
    ("extract", "replies"): tt.extract_reply_screen_name,
    ("extract", "urls"): tt.extract_urls,
    ("extract", "urls_with_indices"): tt.extract_urls_with_indices,
    ("extract", "urls_with_directional_markers"): tt.extract_urls_with_indices,
    ("extract", "tco_urls_with_params"): tt.extract_urls,
    ("extract", "hashtags"): tt.extract_hashtags,
    ("extract", "hashtags_from_astral"): tt.extract_hashtags,
    ("extract", "hashtags_with_indices"): tt.extract_hashtags_with_indices,
    ("extract", "cashtags"): tt.extract_cashtags,
    ("extract", "cashtags_with_indices"): tt.extract_cashtags_with_indices,
    # The old 140-character check runs under twitter-text's config v1.
    ("validate", "tweets"): lambda text: tt.parse_tweet(text, "v1").valid,
    ("validate", "usernames"): tt.is_valid_username,
    ("validate", "lists"): tt.is_valid_list,
    ("validate", "hashtags"): tt.is_valid_hashtag,
    ("validate", "urls"): tt.is_valid_url,
    ("validate", "urls_without_protocol"): lambda text: tt.is_valid_url(text, True, False),
    ("validate", "WeightedTweetsCounterTest"): _parse("v2"),
    ("validate", "WeightedTweetsWithDiscountedEmojiCounterTest"): _parse("v3"),
    ("validate", "UnicodeDirectionalMarkerCounterTest"): _parse("v3"),
    ("tlds", "country"): tt.extract_urls,
    ("tlds", "generic"): tt.extract_urls,
}


def _cases() -> list[Any]:
    params = []
    for suite in ("extract", "validate", "tlds"):
        with open(DATA / f"{suite}.yml", encoding="utf-8") as f:
            tests = yaml.safe_load(f)["tests"]
        for section, cases in tests.items():
            for i, case in enumerate(cases):
                params.append(
                    pytest.param(
                        suite, section, case, id=f"{suite}-{section}-{i}-{case['description']}"
                    )
                )
    return params


CASES = _cases()


def test_every_section_has_a_tester() -> None:
    sections = {(p.values[0], p.values[1]) for p in CASES}
    assert sections == set(TESTERS)


def test_suite_is_complete() -> None:
    # 97 validate cases and 169 extract cases (PROVENANCE.md), plus one per TLD.
    suites = [p.values[0] for p in CASES]
    assert suites.count("validate") == 97
    assert suites.count("extract") == 169
    assert suites.count("tlds") > 1500


@pytest.mark.parametrize(("suite", "section", "case"), CASES)
def test_conformance(suite: str, section: str, case: dict[str, Any]) -> None:
    actual = TESTERS[(suite, section)](case["text"])
    assert actual == case["expected"], case["description"]
