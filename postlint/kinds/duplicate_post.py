"""Kind `duplicate-post`: the same caption in two posts of one run (a cross-post kind).

Captions are compared after collapsing whitespace and case. The state, one per rule per run,
remembers where each caption was first seen, so the message names the other file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("other", "other_path", "other_line")

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Options:
    """`min-length`: shorter captions ("Thank you!") may repeat without a hit."""

    min_length: int = 1

    def __post_init__(self) -> None:
        if self.min_length < 1:
            raise ValueError(f"min-length: expected an integer >= 1, got {self.min_length}")


@dataclass
class State:
    """Captions seen in this run: normalised text → (path, post index, line) of the first."""

    first: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    #: (path, post index) → its normalised text, so a post linted again replaces itself
    seen: dict[tuple[str, int], str] = field(default_factory=dict)


def new_state() -> State:
    return State()


def normalize(text: str) -> str:
    """The caption as compared: whitespace runs collapsed to one space, case folded."""
    return _SPACE.sub(" ", text).strip().casefold()


def check(post: Post, options: Options, state: State) -> Iterator[Hit]:
    """One hit over a post whose caption an earlier post of the run already has."""
    key = normalize(post.text)
    me = (post.path, post.index)
    previous = state.seen.get(me)
    if previous is not None and previous != key and state.first.get(previous, ("",))[:2] == me:
        del state.first[previous]  # the same post, edited since (a language server re-lint)
    state.seen[me] = key
    if len(key) < options.min_length:
        return
    first = state.first.get(key)
    if first is None or first[:2] == me:
        state.first[key] = (post.path, post.index, post.line)
        return
    path, _, line = first
    yield Hit(
        0,
        len(post.text),
        {"other": f"{path}:{line}", "other_path": path, "other_line": line},
    )
