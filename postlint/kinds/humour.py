"""Kind `humour`: the post carries no humour signal (laughter, emoticons, memes, jokes).

Signals are data in the rule's TOML so a team can extend them: regex `patterns`
(laughter words in their stretched forms, emoticons, meme templates, joke formats)
and `emoji` (laughing and playful emoji, found with the text model's emoji view).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from postlint.kinds import Hit
from postlint.kinds.phrases import TIMEOUT, compile_patterns

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text", "emoji"})
FIELDS = ("signals",)

#: variation selectors and skin-tone modifiers do not change which emoji it is
_EMOJI_NOISE = dict.fromkeys(
    map(ord, "\ufe0e\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
)


@dataclass(frozen=True)
class Options:
    """`patterns`: humour regexes; `emoji`: emoji that signal humour."""

    patterns: tuple[str, ...] = ()
    emoji: tuple[str, ...] = ()
    compiled: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)
    emoji_set: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", compile_patterns(self.patterns, True, "patterns"))
        object.__setattr__(
            self, "emoji_set", frozenset(e.translate(_EMOJI_NOISE) for e in self.emoji)
        )


def signals(post: Post, options: Options) -> list[str]:
    """The humour signals found in the post, as the text that carries them."""
    found: list[str] = []
    for pattern in options.compiled:
        m = pattern.search(post.text, timeout=TIMEOUT)
        if m:
            found.append(m.group())
    if options.emoji_set:
        found.extend(
            e.text for e in post.view.emoji if e.text.translate(_EMOJI_NOISE) in options.emoji_set
        )
    return found


def check(post: Post, options: Options) -> Iterator[Hit]:
    """One hit over the whole post when no signal is present."""
    if not signals(post, options):
        yield Hit(0, len(post.text), {"signals": ""})
