"""Reply drafts: the handle a reply answers and whether the reply mentions it.

A reply draft names the post it answers in its metadata (front matter or a column):
`in_reply_to` (the handle, "@jane"), optionally `in_reply_to_text` (what they wrote) and
`sentiment`. The service pack's kinds share these helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from postlint import regexes

if TYPE_CHECKING:
    from postlint.drafts import Post

#: a handle as written in metadata: X/Instagram `@name`, `@first.last`, Bluesky
#: `@alice.bsky.social`, Mastodon `@user@instance` (docs: platforms.md §1.10)
_HANDLE = regexes.compile(r"^[@＠]?([A-Za-z0-9_][A-Za-z0-9_.\-]*(?:@[\w.\-]+)?)$")
#: leading @handles of a reply ("@jane @acme_help thanks…")
LEADING_MENTIONS = regexes.compile(r"^(?:[@＠][A-Za-z0-9_][\w.\-]*(?:@[\w.\-]+)?[\s,:;]*)+")


def answered_handle(post: Post) -> str | None:
    """The handle the reply answers, as "@name" (None: not given or not a handle)."""
    value = post.meta.get("in_reply_to")
    if not isinstance(value, str):
        return None
    m = _HANDLE.match(value.strip())
    return "@" + m.group(1) if m else None


def handle_key(handle: str) -> tuple[str, str]:
    """(user, instance) casefolded, without the sigil: "@Alice@Mastodon.social" →
    ("alice", "mastodon.social"); handles are case-insensitive on every platform."""
    name = handle.lstrip("@＠").casefold()
    user, _, instance = name.partition("@")
    return user.rstrip("."), instance


def same_handle(a: str, b: str) -> bool:
    """Whether two handles name the same account. A Mastodon `@user@instance` matches a
    bare `@user`: the app shows and counts a remote mention as `@user` (platforms.md §1.5)."""
    user_a, instance_a = handle_key(a)
    user_b, instance_b = handle_key(b)
    if user_a != user_b:
        return False
    return not (instance_a and instance_b) or instance_a == instance_b


def mentions(post: Post, handle: str) -> bool:
    """Whether the post's text @mentions `handle` anywhere."""
    return any(same_handle(m.text, handle) for m in post.view.mentions)
