"""Kind `entities`: people, organisations and works a post names but neither tags nor
has in the `[accounts]` table, found by a trained spaCy pipeline's named entities.

It needs `entities`, which only a trained pipeline (`[nlp] model`) provides; the rule
that uses it is off by default, so a default run never imports spaCy. Entities that
overlap a handle, hashtag or URL, that match an account name or alias, or that a
handle in the post spells (`Netflix` and `@netflix`, `Millie Bobby Brown` and
`@milliebobbybrown`), or that are followed by a handle in brackets, are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint import regexes
from postlint.kinds import Hit
from postlint.kinds.accounts import Account, occurrences, parse_accounts

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"entities"})
FIELDS = ("entity", "label", "noun")
CONFIG_TABLES = ("accounts",)

#: OntoNotes labels (the English trained pipelines' NER scheme) and how messages say them
_NOUNS = {
    "PERSON": "person",
    "ORG": "organisation",
    "WORK_OF_ART": "title",
    "PRODUCT": "product",
    "EVENT": "event",
    "FAC": "place",
    "GPE": "place",
    "NORP": "group",
}
_HANDLE_AFTER = regexes.compile(r"\s*[(\[]?\s*[@＠]")
_SKELETON = regexes.compile(r"[\W_]+")


def _skeleton(text: str) -> str:
    return str(_SKELETON.sub("", text)).lower()


@dataclass(frozen=True)
class Options:
    """`labels`: which entity labels to point at; `accounts`: the `[accounts]` table
    (passed in by the config), whose names and aliases are never flagged here."""

    labels: tuple[str, ...] = ("PERSON", "ORG", "WORK_OF_ART")
    accounts: Mapping[str, Any] = field(default_factory=dict)
    known: tuple[Account, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = [label for label in self.labels if label not in _NOUNS]
        if unknown:
            raise ValueError(
                f"labels: unknown entity label {unknown[0]!r} (expected some of "
                f"{', '.join(_NOUNS)})"
            )
        object.__setattr__(self, "known", parse_accounts(self.accounts))


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit per distinct untagged entity of the wanted labels, at its first mention."""
    from postlint.nlp import doc_for

    doc = doc_for(post, NEEDS)
    view = post.view
    blocked = [(e.start, e.end) for e in (*view.mentions, *view.hashtags, *view.urls)]
    handles = [_skeleton(m.text) for m in view.mentions]
    names = {_skeleton(n) for account in options.known for n in account.names}
    from postlint.kinds.accounts import name_pattern

    account_spans: list[tuple[int, int]] = []
    for account in options.known:
        account_spans.extend(occurrences(post, name_pattern(account.names)))
    seen: set[str] = set()
    for ent in doc.ents:
        if ent.label_ not in options.labels:
            continue
        start, end = ent.start_char, ent.end_char
        key = _skeleton(ent.text)
        if not key or key in seen or key in names:
            continue
        if any(start < e and s < end for s, e in (*blocked, *account_spans)):
            continue
        if any(key in h or (len(h) >= 4 and h in key) for h in handles):
            continue
        if _HANDLE_AFTER.match(post.text, end):
            continue
        seen.add(key)
        yield Hit(start, end, {"entity": ent.text, "label": ent.label_, "noun": _NOUNS[ent.label_]})
