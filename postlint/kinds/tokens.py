"""Kind `tokens`: spaCy Matcher patterns written in TOML, forbidden or required.

A pattern is a list of token specs, as in spaCy's rule-based Matcher
(https://spacy.io/usage/rule-based-matching#matcher): `{LOWER = "tag"}`,
`{LOWER = {IN = ["friend", "bestie"]}}`, `{LEMMA = "tag"}`, `{POS = "PROPN"}`,
`{OP = "*"}`, `{TEXT = {REGEX = "^#"}}`. So a team writes "any form of *tag* followed
by a friend-word" once instead of a regex per spelling.

Patterns are validated when the rule loads, in pure Python against spaCy's documented
token attributes, predicates and operators (spaCy's own `TokenPattern` schema), so a
typo is a config error naming the rule file and key and loading a rule never imports
spaCy. The Matcher is compiled on the first check. Attributes that need a trained
pipeline (`LEMMA`, `POS`, `TAG`, `MORPH`, `DEP`, `ENT_TYPE`, …) add to the rule's needs
(`needs_for`), and the run then requires `[nlp] model`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from postlint.errors import did_you_mean
from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"tokens"})
FIELDS = ("match",)

_STRING_ATTRS = (
    "ORTH", "TEXT", "LOWER", "NORM", "SHAPE", "POS", "TAG", "MORPH", "DEP", "LEMMA",
    "ENT_TYPE", "ENT_ID", "ENT_KB_ID",
)  # fmt: skip
_NUMBER_ATTRS = ("LENGTH",)
_BOOL_ATTRS = (
    "SPACY", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE",
    "IS_PUNCT", "IS_SPACE", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT",
    "IS_CURRENCY", "IS_STOP", "IS_SENT_START", "SENT_START", "LIKE_NUM", "LIKE_URL",
    "LIKE_EMAIL",
)  # fmt: skip
_IOB_VALUES = ("", "I", "O", "B", 0, 1, 2, 3)
ATTRIBUTES = (*_STRING_ATTRS, *_NUMBER_ATTRS, *_BOOL_ATTRS, "ENT_IOB", "OP")
_LIST_PREDICATES = ("IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS")
_STRING_PREDICATES = ("REGEX", *_LIST_PREDICATES, "FUZZY", *(f"FUZZY{i}" for i in range(1, 10)))
_NUMBER_PREDICATES = ("REGEX", *_LIST_PREDICATES, "==", "!=", ">=", "<=", ">", "<")
_OPERATOR = re.compile(r"^(?:[!?+*]|\{\d+\}|\{\d+,\d*\}|\{\d*,\d+\})$")

#: what each attribute needs beyond tokens
_ATTRIBUTE_NEEDS = {
    "LEMMA": "lemmas",
    "POS": "pos",
    "TAG": "pos",
    "MORPH": "pos",
    "DEP": "parse",
    "IS_SENT_START": "parse",
    "SENT_START": "parse",
    "ENT_TYPE": "entities",
    "ENT_IOB": "entities",
    "ENT_ID": "entities",
    "ENT_KB_ID": "entities",
}


def _string_value(value: Any, key: str, numbers: bool = False) -> None:
    scalar = (int, float) if numbers else (str,)
    if isinstance(value, scalar) and not isinstance(value, bool):
        return
    if not isinstance(value, Mapping):
        kind = "a number" if numbers else "a string"
        raise ValueError(f"{key}: expected {kind} or a table of predicates, got {value!r}")
    allowed = _NUMBER_PREDICATES if numbers else _STRING_PREDICATES
    for name, arg in value.items():
        upper = str(name).upper()
        if upper not in allowed:
            raise ValueError(
                f"{key}.{name}: unknown predicate{did_you_mean(upper, allowed)}"
                f" (allowed: {', '.join(allowed)})"
            )
        where = f"{key}.{name}"
        if upper in _LIST_PREDICATES:
            item = (int,) if numbers else (str,)
            if not isinstance(arg, (list, tuple)) or not all(
                isinstance(a, item) and not isinstance(a, bool) for a in arg
            ):
                kind = "numbers" if numbers else "strings"
                raise ValueError(f"{where}: expected a list of {kind}, got {arg!r}")
        elif upper == "REGEX":
            if not isinstance(arg, str):
                raise ValueError(f"{where}: expected a regular expression, got {arg!r}")
            try:
                re.compile(arg)  # spaCy's Matcher compiles REGEX with the stdlib `re`
            except re.error as exc:
                raise ValueError(f"{where}: invalid regular expression {arg!r}: {exc}") from None
        elif upper.startswith("FUZZY"):
            if not isinstance(arg, (str, Mapping)):
                raise ValueError(f"{where}: expected a string or a table, got {arg!r}")
            if isinstance(arg, Mapping):
                _string_value(arg, where)
        elif isinstance(arg, bool) or not isinstance(arg, (int, float)):
            raise ValueError(f"{where}: expected a number, got {arg!r}")


def validate_pattern(pattern: Any, key: str) -> tuple[dict[str, Any], ...]:
    """Check one Matcher pattern; returns it with upper-case keys. ValueError names `key`."""
    if isinstance(pattern, Mapping):
        raise ValueError(
            f'{key}: expected a pattern (a list of token specs such as [{{LOWER = "tag"}}]), '
            f"got the table {dict(pattern)!r}; patterns is a list of such lists"
        )
    if not isinstance(pattern, (list, tuple)) or not pattern:
        raise ValueError(f"{key}: expected a non-empty list of token specs, got {pattern!r}")
    out = []
    for i, spec in enumerate(pattern):
        where = f"{key}[{i}]"
        if not isinstance(spec, Mapping):
            raise ValueError(
                f'{where}: expected a token spec table such as {{LOWER = "tag"}}, got {spec!r}'
            )
        normalized: dict[str, Any] = {}
        for name, value in spec.items():
            attr = str(name).upper()
            at = f"{where}.{name}"
            if attr == "_":
                raise ValueError(f"{at}: custom extension attributes are not available")
            if attr not in ATTRIBUTES:
                raise ValueError(f"{at}: unknown token attribute{did_you_mean(attr, ATTRIBUTES)}")
            if attr == "OP":
                if not isinstance(value, str) or not _OPERATOR.match(value):
                    raise ValueError(
                        f"{at}: expected an operator: !, ?, +, *, {{n}}, {{n,m}}, {{n,}} or "
                        f"{{,m}}, got {value!r}"
                    )
            elif attr in _BOOL_ATTRS:
                if not isinstance(value, bool):
                    raise ValueError(f"{at}: expected true or false, got {value!r}")
            elif attr == "ENT_IOB":
                if value not in _IOB_VALUES or isinstance(value, bool):
                    raise ValueError(f'{at}: expected B, I, O or "", got {value!r}')
            else:
                _string_value(value, at, numbers=attr in _NUMBER_ATTRS)
            normalized[attr] = _upper_predicates(value)
        out.append(normalized)
    if all(
        spec.get("OP") in ("?", "*", "!") or re.match(r"^\{0?,", str(spec.get("OP", "")))
        for spec in out
    ):
        raise ValueError(f"{key}: every token is optional or negated, so it matches nothing")
    return tuple(out)


def _upper_predicates(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k).upper(): _upper_predicates(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value


def needs_for(options: Options) -> frozenset[str]:
    """The rule's needs: tokens, plus what its attributes need (lemmas, pos, …)."""
    needs = set(NEEDS)
    for pattern in options.checked:
        for spec in pattern:
            needs.update(_ATTRIBUTE_NEEDS[a] for a in spec if a in _ATTRIBUTE_NEEDS)
    return frozenset(needs)


@dataclass(frozen=True)
class Options:
    """`patterns`: Matcher patterns; `mode`: `forbid` flags each match, `require` flags
    a post where none matches."""

    #: checked (with this kind's wording) in __post_init__ into `checked`
    patterns: Any = ()
    mode: Literal["forbid", "require"] = "forbid"
    checked: tuple[tuple[dict[str, Any], ...], ...] = field(
        default=(), init=False, repr=False, compare=False
    )
    #: the compiled Matcher, built on the first check (per vocab)
    compiled: dict[int, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.patterns, (list, tuple)):
            raise ValueError(
                "patterns: expected a list of Matcher patterns, each a list of token specs "
                f'such as [[{{LOWER = "tag"}}, {{LOWER = "a"}}]], got {self.patterns!r}'
            )
        if not self.patterns:
            raise ValueError("patterns: give at least one Matcher pattern")
        shaped = tuple(tuple(p) if isinstance(p, list) else p for p in self.patterns)
        object.__setattr__(self, "patterns", shaped)  # as TOML gave it, in tuples
        checked = tuple(validate_pattern(p, f"patterns[{i}]") for i, p in enumerate(self.patterns))
        object.__setattr__(self, "checked", checked)

    def matcher(self, vocab: Any) -> Any:
        """The Matcher for `vocab`, compiled once."""
        key = id(vocab)
        matcher = self.compiled.get(key)
        if matcher is None:
            from postlint.nlp import token_matcher

            matcher = token_matcher(vocab, self.checked)
            self.compiled.clear()  # one pipeline per run; do not keep old vocabs alive
            self.compiled[key] = matcher
        return matcher


def check(post: Post, options: Options) -> Iterator[Hit]:
    """Forbid: a hit per (longest, non-overlapping) match. Require: one hit over the post
    when no pattern matches."""
    from postlint.nlp import doc_for

    doc = doc_for(post, needs_for(options))
    spans = options.matcher(doc.vocab)(doc, as_spans=True)
    if options.mode == "require":
        if not spans:
            yield Hit(0, len(post.text), {"match": ""})
        return
    for span in sorted(spans, key=lambda s: s.start_char):
        yield Hit(span.start_char, span.end_char, {"match": span.text})
