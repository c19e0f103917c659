"""Kind `bait`: phrases that goad readers into an action, sorted into named categories.

Each category (Meta's five engagement-bait types, for example: react, comment, share,
tag, vote) has a label for the message, `patterns` that find it and `unless` patterns
that clear it when the post is about something else (an election reminder's "vote").
`exempt` patterns find a request for help, advice or recommendations, which Meta exempts
(Facebook Newsroom, "News Feed FYI: Fighting Engagement Bait on Facebook", 2017-12-18;
docs: platforms.md §4.1). The exemption is local: it excuses only the categories named in
`exempt_categories` (the ways a request is passed on: sharing it, tagging someone who can
help, answering in the comments), and never a bait phrase that matches `exempt_unless` (a
separate "share this if you…" clause). With no `exempt_categories` it clears the whole
post. Matches inside quotation marks are skipped by default, so a post that quotes a bait
phrase to talk about it is not bait.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from postlint import regexes
from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("category", "label", "match")

_CATEGORY_KEYS = ("label", "patterns", "unless")
#: straight and curly double quotes, and guillemets; single quotes are apostrophes too often
#: where a bait clause ends: a sentence end or a line break
_SENTENCE_END = regexes.compile(r"[.!?…]+(?=\s|$)|\n")
_QUOTED = regexes.compile(r'"[^"\n]{1,200}"|“[^”\n]{1,200}”|«[^»\n]{1,200}»')


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
    """`categories`: name → {label, patterns, unless}; `exempt`: patterns of a request for
    help; `exempt_categories`: the categories such a request excuses (none: all of them);
    `exempt_unless`: bait clauses (the phrase to its sentence's end) it never excuses; `skip_quoted`: ignore matches inside quotes."""

    #: a config's `[rules.NAME.categories.vote]` replaces that category only
    MERGED_TABLES: ClassVar[frozenset[str]] = frozenset({"categories"})

    categories: Mapping[str, Any] = field(default_factory=dict)
    exempt: tuple[str, ...] = ()
    exempt_categories: tuple[str, ...] = ()
    exempt_unless: tuple[str, ...] = ()
    skip_quoted: bool = True
    ignore_case: bool = True
    compiled: tuple[Category, ...] = field(default=(), init=False, repr=False, compare=False)
    compiled_exempt: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    compiled_exempt_unless: tuple[Any, ...] = field(
        default=(), init=False, repr=False, compare=False
    )

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
        unknown = [c for c in self.exempt_categories if c not in self.categories]
        if unknown:
            raise ValueError(
                f"exempt-categories: unknown category {unknown[0]!r} "
                f"(expected one of {', '.join(self.categories)})"
            )
        object.__setattr__(
            self,
            "compiled_exempt_unless",
            compile_patterns(self.exempt_unless, self.ignore_case, "exempt-unless"),
        )


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)]


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per bait phrase, named by its category, unless a request for help excuses it."""
    text = post.text
    exempt = any(p.search(text, timeout=TIMEOUT) for p in options.compiled_exempt)
    if exempt and not options.exempt_categories:
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
        if exempt and _excused(_clause(text, start), category, options):
            continue
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


def _clause(text: str, start: int) -> str:
    """The bait phrase at `start` and the rest of its sentence ("share with 5 friends for
    your chance to win")."""
    m = _SENTENCE_END.search(text, start)
    return text[start : m.start() if m else len(text)]


def _excused(clause: str, category: Category, options: Options) -> bool:
    """Whether a request for help in the post excuses the bait phrase that starts
    `clause`: it passes the request on (a share, a tag, a comment) and is not a bait
    clause of its own (`exempt_unless`)."""
    if category.name not in options.exempt_categories:
        return False
    return not any(p.search(clause, timeout=TIMEOUT) for p in options.compiled_exempt_unless)
