"""Kind `count`: how many mentions, hashtags, URLs or emoji a post has, against min/max."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("count", "noun")

What = Literal["mentions", "hashtags", "urls", "emoji"]
_NOUNS = {"mentions": "@mention", "hashtags": "hashtag", "urls": "link", "emoji": "emoji"}


@dataclass(frozen=True)
class Options:
    """`what` to count; flag fewer than `min` or more than `max` (-1: no maximum)."""

    what: What = "mentions"
    min: int = 0
    max: int = -1


def check(post: Post, options: Options) -> Iterator[Hit]:
    """Too few: one hit over the whole post. Too many: one hit from the first extra one."""
    entities = getattr(post.view, options.what)
    count = len(entities)
    noun = _NOUNS[options.what]
    plural = noun if count == 1 or noun == "emoji" else noun + "s"
    if count < options.min:
        yield Hit(0, len(post.text), {"count": count, "noun": plural})
    elif options.max >= 0 and count > options.max:
        extra = entities[options.max]
        yield Hit(extra.start, entities[-1].end, {"count": count, "noun": plural})
