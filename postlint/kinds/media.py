"""Kind `media`: images or videos in a draft's `media` without alt text.

`media` comes from front matter (a list of file names or of tables `{src, alt}`) or from a
CSV/JSONL column (file names separated by commas, with an `alt`/`alt_text` column). A draft
whose front matter is shared by the posts of a thread is checked once, at its first post;
the hit is an empty span at the start of the post, since the media list is not in its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("media", "index", "what")

_SPLIT = re.compile(r"\s*[,;|]\s*")


@dataclass(frozen=True)
class Options:
    """`alt-keys`: keys holding alt text; `src-keys`: keys holding the file; `videos`:
    file suffixes named "video" in messages (others are "image")."""

    alt_keys: tuple[str, ...] = ("alt", "alt_text", "alt-text", "description")
    src_keys: tuple[str, ...] = ("src", "file", "path", "url")
    videos: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".gif")


@dataclass
class State:
    """The path and metadata table of the last post checked. The posts of a thread share
    one table and come one after another, so only the first of them checks it; keeping
    just the last table holds memory flat over an export of any size."""

    last: tuple[str, Any] | None = None


def new_state() -> State:
    return State()


def _entries(meta: Mapping[str, Any], options: Options) -> list[tuple[str, bool]]:
    """(file name, has alt text) for each media entry of a draft."""
    media = meta.get("media")
    if media is None or media == "":
        return []
    if isinstance(media, str):  # a CSV/JSONL column: names, alt text in its own column
        names = [n for n in _SPLIT.split(media.strip()) if n]
        alt = next((meta.get(k) for k in options.alt_keys if meta.get(k)), None)
        alts = [a for a in _SPLIT.split(alt.strip())] if isinstance(alt, str) else []
        return [(n, i < len(alts) and bool(alts[i].strip())) for i, n in enumerate(names)]
    if not isinstance(media, list):
        return []
    out = []
    for item in media:
        if isinstance(item, str):
            out.append((item, False))
        elif isinstance(item, dict):
            src = next((str(item[k]) for k in options.src_keys if item.get(k)), "")
            alt = next((item[k] for k in options.alt_keys if k in item), None)
            out.append((src, isinstance(alt, str) and bool(alt.strip())))
    return out


def check(post: Post, options: Options, state: State) -> Iterator[Hit]:
    """An empty-span hit at the post's start for each media entry without alt text."""
    if not post.meta.get("media"):
        return
    if state.last is not None and state.last[0] == post.path and state.last[1] is post.meta:
        return  # a later post of the same thread
    state.last = (post.path, post.meta)
    for i, (src, has_alt) in enumerate(_entries(post.meta, options)):
        if has_alt:
            continue
        what = "video" if src.lower().endswith(options.videos) else "image"
        yield Hit(0, 0, {"media": src or f"media[{i}]", "index": i + 1, "what": what})
