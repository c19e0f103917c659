"""Kind `handles`: an @handle that cannot exist on a platform the post is meant for.

The syntax of each platform's handles is `postlint.text.handle_problem` (platforms.md
§1.10); the rule's `platforms` option says which platforms to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("platform", "handle", "problem")

#: platforms `postlint.text.handle_problem` knows (kept here so loading a rule stays cheap)
KNOWN = ("x", "instagram", "threads", "bluesky", "mastodon", "tiktok")


@dataclass(frozen=True)
class Options:
    """`platforms`: where handle syntax is checked (others are skipped)."""

    platforms: tuple[str, ...] = KNOWN

    def __post_init__(self) -> None:
        for i, name in enumerate(self.platforms):
            if name not in KNOWN:
                raise ValueError(
                    f"platforms[{i}]: no handle syntax known for {name!r}"
                    f" (known: {', '.join(KNOWN)})"
                )


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per @handle that is invalid on one of the post's platforms."""
    platforms = [p for p in post.platforms if p in options.platforms]
    if not platforms or ("@" not in post.text and "＠" not in post.text):
        return
    from postlint.text import handle_problem

    for mention in post.view.mentions:
        for platform in platforms:
            problem = handle_problem(mention.text, platform)
            if problem is not None:
                yield Hit(
                    mention.start,
                    mention.end,
                    {"platform": platform, "handle": mention.text, "problem": problem},
                )
