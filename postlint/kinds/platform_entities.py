"""Kind `platform-entities`: more hashtags, @mentions or links than a platform allows.

Each platform's table in the rule file gives `max` and the `basis` of that number (shown in
the message, so a reader knows which limit applied); a platform whose limit changed keeps
the older number as `legacy-max`/`legacy-basis`, used when the rule's `legacy` option is
true (Instagram: 5 hashtags since December 2025, 30 in the Graph API documentation).
`unique = true` counts each distinct entity once (Threads counts each unique URL once).
`hashtag-syntax` says how the platform reads a hashtag (`postlint.text.HASHTAG_SYNTAXES`;
Instagram: letters, digits and `_`, platforms.md §1.2); by default twitter-text's rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from postlint.kinds import Hit
from postlint.platforms import PlatformTables, Table, set_field

if TYPE_CHECKING:
    from postlint.drafts import Post
    from postlint.text import Entity

NEEDS = frozenset({"text"})
FIELDS = ("platform", "count", "max", "noun", "basis", "entity")

What = Literal["hashtags", "mentions", "urls", "cashtags"]
_NOUNS = {
    "hashtags": ("hashtag", "hashtags"),
    "mentions": ("@mention", "@mentions"),
    "urls": ("link", "links"),
    "cashtags": ("cashtag", "cashtags"),
}
_KEYS = ("max", "basis", "legacy_max", "legacy_basis", "unique", "hashtag_syntax")
#: `postlint.text.HASHTAG_SYNTAXES`, kept here so loading a rule stays cheap
_HASHTAG_SYNTAXES = ("twitter-text", "instagram", "mastodon", "bluesky")


class Limit(NamedTuple):
    """At most `max` entities on one platform, because of `basis`."""

    max: int
    basis: str
    unique: bool
    hashtag_syntax: str = "twitter-text"


def _limits(legacy: bool) -> Any:
    def build(platform: str, raw: Mapping[str, Any]) -> Limit:
        table = Table(platform, raw, _KEYS)
        current = Limit(
            table.integer("max"),
            table.string("basis", ""),
            table.boolean("unique", False),
            table.string("hashtag_syntax", "twitter-text", _HASHTAG_SYNTAXES),
        )
        if legacy and table.has("legacy_max"):
            return current._replace(
                max=table.integer("legacy_max"),
                basis=table.string("legacy_basis", "legacy limit"),
            )
        table.string("legacy_basis", "")  # type-checked even when not used
        if table.has("legacy_max"):
            table.integer("legacy_max")
        return current

    return build


@dataclass(frozen=True)
class Options(PlatformTables):
    """`what` to count; `each`: one hit per extra entity; `legacy`: use `legacy-max`."""

    what: What = "hashtags"
    each: bool = False
    legacy: bool = False
    limits: Mapping[str, Limit] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_field(self, "limits", self.build_tables(_limits(self.legacy)))


def _counted(entities: list[Entity], unique: bool) -> list[Entity]:
    if not unique:
        return entities
    seen: set[str] = set()
    out = []
    for entity in entities:
        key = entity.text.lower()
        if key not in seen:
            seen.add(key)
            out.append(entity)
    return out


def check(post: Post, options: Options) -> Iterator[Hit]:
    """Per platform over its limit: one hit from the first extra entity to the last
    (or one per extra entity with `each`)."""
    if not post.platforms:
        return
    for platform in post.platforms:
        limit = options.limits.get(platform)
        if limit is None:
            continue
        entities: list[Entity]
        if options.what == "hashtags":
            entities = post.view.hashtags_for(limit.hashtag_syntax)
        else:
            entities = getattr(post.view, options.what)
        counted = _counted(entities, limit.unique)
        if len(counted) <= limit.max:
            continue
        one, many = _NOUNS[options.what]
        data = {
            "platform": platform,
            "count": len(counted),
            "max": limit.max,
            "noun": one if len(counted) == 1 else many,
            "basis": limit.basis,
        }
        extra = counted[limit.max :]
        if options.each:
            for entity in extra:
                yield Hit(entity.start, entity.end, {**data, "entity": entity.text})
        else:
            yield Hit(extra[0].start, extra[-1].end, {**data, "entity": extra[0].text})
