"""Kind `duplicate-post`: the same caption in two posts of one run (a cross-post kind).

Captions are compared after collapsing whitespace and case. Two posts for different platforms
(the same caption in a scheduler export's X row and Instagram row) are cross-posting, not a
duplicate; posts whose platforms overlap, or whose platform is not known, are compared. The
state, one per rule per run, remembers where each caption was seen, so the message names the
other file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from postlint.kinds import Hit

try:  # hashlib's own blake2b, without hashlib's loading of OpenSSL (~5 ms of a cold start)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("other", "other_path", "other_line")


@dataclass(frozen=True)
class Options:
    """`min-length`: shorter captions ("Thank you!") may repeat without a hit."""

    min_length: int = 1

    def __post_init__(self) -> None:
        if self.min_length < 1:
            raise ValueError(f"min-length: expected an integer >= 1, got {self.min_length}")


class Seen(NamedTuple):
    """Where a caption was seen: file, post index, line, platforms."""

    path: str
    post: int
    line: int
    platforms: frozenset[str]


@dataclass
class State:
    """Captions seen in this run: a digest of the normalised text → the posts that have
    it, in order. Digests (16 bytes) rather than the captions themselves, and one shared
    set per platform combination, keep a 100,000-row export's state small."""

    posts: dict[bytes, list[Seen]] = field(default_factory=dict)
    #: (path, post index) → its caption's digest, so a post linted again replaces itself
    keys: dict[tuple[str, int], bytes] = field(default_factory=dict)
    platform_sets: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)


def new_state() -> State:
    return State()


def normalize(text: str) -> str:
    """The caption as compared: whitespace runs collapsed to one space, case folded."""
    # str.split() splits on exactly the characters `\s` matches (str.isspace), so the
    # join collapses the runs and strips the ends as the regular expression did
    return " ".join(text.split()).casefold()


def _same_audience(a: frozenset[str], b: frozenset[str]) -> bool:
    return not a or not b or bool(a & b)


def check(post: Post, options: Options, state: State) -> Iterator[Hit]:
    """One hit over a post whose caption an earlier post of the run, for the same platform
    (or an unknown one), already has."""
    caption = normalize(post.text)
    key = blake2b(caption.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    me = (post.path, post.index)
    previous = state.keys.get(me)
    if previous is not None and previous in state.posts:
        # the same post linted again (a language server): forget it (a caption shorter
        # than `min_length` was never remembered)
        state.posts[previous] = [s for s in state.posts[previous] if (s.path, s.post) != me]
    state.keys[me] = key
    if len(caption) < options.min_length:
        return
    platforms = state.platform_sets.get(post.platforms)
    if platforms is None:
        platforms = state.platform_sets[post.platforms] = frozenset(post.platforms)
    seen = state.posts.setdefault(key, [])
    first = next((s for s in seen if _same_audience(s.platforms, platforms)), None)
    seen.append(Seen(post.path, post.index, post.line, platforms))
    if first is None:
        return
    yield Hit(
        0,
        len(post.text),
        {"other": f"{first.path}:{first.line}", "other_path": first.path, "other_line": first.line},
    )
