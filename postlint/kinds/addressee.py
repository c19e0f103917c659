"""Kind `addressee`: a reply that does not @mention the person it answers.

The handle comes from the reply's `in_reply_to` metadata; replies without one are not
checked. The fix puts the handle in front of the reply.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from postlint.kinds import Edit, Fix, Hit
from postlint.replies import answered_handle, mentions

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("handle",)


@dataclass(frozen=True)
class Options:
    """No options: the handle is the reply's `in_reply_to`."""


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit over the reply when it never mentions `in_reply_to`; the fix prepends it."""
    handle = answered_handle(post)
    if handle is None or mentions(post, handle):
        return
    fix = Fix((Edit(0, 0, handle + " "),), f"start the reply with {handle}", safe=True)
    yield Hit(0, len(post.text), {"handle": handle}, fix)
