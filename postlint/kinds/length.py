"""Kind `length`: the post is longer than `max` units (graphemes by default)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from postlint.kinds import Hit

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("length", "unit_name")

Unit = Literal["graphemes", "code_points"]


@dataclass(frozen=True)
class Options:
    """`max`: the longest allowed post; `unit`: what is counted."""

    max: int = 40
    unit: Unit = "graphemes"

    def __post_init__(self) -> None:
        if self.max < 0:
            raise ValueError(f"max: expected a number of {self.unit} >= 0, got {self.max}")


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit from the first unit past the limit to the end of the post."""
    if options.unit == "graphemes":
        graphemes = post.view.graphemes
        length = len(graphemes)
        if length <= options.max:
            return
        cut = sum(map(len, graphemes[: options.max]))
    else:
        length = len(post.text)
        if length <= options.max:
            return
        cut = options.max
    unit_name = "characters" if options.unit == "graphemes" else "code points"
    yield Hit(cut, len(post.text), {"length": length, "unit_name": unit_name})
