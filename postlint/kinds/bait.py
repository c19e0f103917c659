"""Kind `bait`: phrases that goad readers into an action, sorted into named categories.

Each category (Meta's five engagement-bait types, for example: react, comment, share,
tag, vote) has a label for the message, `patterns` that find it and `unless` patterns
that clear it when the post is about something else (an election reminder's "vote").
`exempt` patterns clear the whole post: Meta exempts posts that ask for help, advice or
recommendations (Facebook Newsroom, "News Feed FYI: Fighting Engagement Bait on
Facebook", 2017-12-18; docs: platforms.md §4.1). Matches inside quotation marks are
skipped by default, so a post that quotes a bait phrase to talk about it is not bait.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import regex

from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("category", "label", "match")

_CATEGORY_KEYS = ("label", "patterns", "unless")
#: straight and curly double quotes, and guillemets; single quotes are apostrophes too often
_QUOTED = regex.compile(r'"[^"\n]{1,200}"|“[^”\n]{1,200}”|«[^»\n]{1,200}»')


class Category(NamedTuple):
    """One compiled category of bait."""

    name: str
    label: str
    patterns: tuple[Any, ...]
    unless: tuple[Any, ...]


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key}: expected a list of regular expressions, got {value!r}")
    return tuple(value)


def _category(name: str, table: Any, ignore_case: bool) -> Category:
    key = f"categories.{name}"
    if not isinstance(table, dict):
        raise ValueError(f"{key}: expected a table with label and patterns, got {table!r}")
    for item in table:
        if item not in _CATEGORY_KEYS:
            raise ValueError(f"{key}.{item}: unknown key (expected label, patterns, unless)")
    label = table.get("label")
    if not isinstance(label, str) or not label:
        raise ValueError(f"{key}.label: expected a short description for the message")
    patterns = _strings(table.get("patterns"), f"{key}.patterns")
    if not patterns:
        raise ValueError(f"{key}.patterns: expected at least one regular expression")
    unless = _strings(table.get("unless", []), f"{key}.unless")
    return Category(
        name,
        label,
        compile_patterns(patterns, ignore_case, f"{key}.patterns"),
        compile_patterns(unless, ignore_case, f"{key}.unless"),
    )


@dataclass(frozen=True)
class Options:
    """`categories`: name → {label, patterns, unless}; `exempt`: patterns that clear the
    post; `skip_quoted`: ignore matches inside quotation marks."""

    #: a config's `[rules.NAME.categories.vote]` replaces that category only
    MERGED_TABLES: ClassVar[frozenset[str]] = frozenset({"categories"})

    categories: Mapping[str, Any] = field(default_factory=dict)
    exempt: tuple[str, ...] = ()
    skip_quoted: bool = True
    ignore_case: bool = True
    compiled: tuple[Category, ...] = field(default=(), init=False, repr=False, compare=False)
    compiled_exempt: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.categories:
            raise ValueError("categories: expected at least one category of bait")
        compiled = tuple(
            _category(name, table, self.ignore_case) for name, table in self.categories.items()
        )
        object.__setattr__(self, "compiled", compiled)
        object.__setattr__(
            self, "compiled_exempt", compile_patterns(self.exempt, self.ignore_case, "exempt")
        )


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)]


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per bait phrase, named by its category; none when the post is exempt."""
    text = post.text
    if any(p.search(text, timeout=TIMEOUT) for p in options.compiled_exempt):
        return
    quoted = _quoted_spans(text) if options.skip_quoted else []
    found: list[tuple[int, int, Category]] = []
    for category in options.compiled:
        if any(p.search(text, timeout=TIMEOUT) for p in category.unless):
            continue
        candidates = sorted(
            (m.start(), -m.end())
            for pattern in category.patterns
            for m in pattern.finditer(text, timeout=TIMEOUT)
            if m.end() > m.start()
        )
        spans: list[tuple[int, int]] = []
        for start, neg_end in candidates:
            end = -neg_end
            if any(qs <= start and end <= qe for qs, qe in quoted):
                continue
            if spans and start < spans[-1][1]:
                continue  # one hit per phrase, however many patterns find it: the first, longest
            spans.append((start, end))
        found.extend((start, end, category) for start, end in spans)
    for start, end, category in sorted(found, key=lambda f: (f[0], f[1])):
        if any(
            other is not category and s <= start and end <= e and (s, e) != (start, end)
            for s, e, other in found
        ):
            continue  # "share for tacos" inside the vote "like for pizza, share for tacos"
        yield Hit(
            start,
            end,
            {"category": category.name, "label": category.label, "match": text[start:end]},
        )
