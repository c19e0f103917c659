"""Social text model: graphemes, mentions, hashtags, URLs and emoji, with spans.

Minimal first version; the full twitter-text-conformant model replaces the
internals while keeping `TextView` and `Entity` as the kinds' interface.
"""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

import regex


class Entity(NamedTuple):
    """A span of a post's text: `text[start:end]` (code-point offsets)."""

    start: int
    end: int
    text: str


_GRAPHEME = regex.compile(r"\X")
_MENTION = regex.compile(r"(?<![\w@])[@＠]([A-Za-z0-9_]{1,20}(?:@[\w.-]+\w)?)")
_HASHTAG = regex.compile(r"(?<![\w&])[#＃](\w*\p{L}\w*)")
_URL = regex.compile(r"(?i)\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]'}]")


class TextView:
    """Lazily computed views of one post's text, shared by every kind."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def graphemes(self) -> list[str]:
        return _GRAPHEME.findall(self.text)

    @cached_property
    def grapheme_count(self) -> int:
        return len(self.graphemes)

    @cached_property
    def mentions(self) -> list[Entity]:
        return [Entity(m.start(), m.end(), m.group()) for m in _MENTION.finditer(self.text)]

    @cached_property
    def hashtags(self) -> list[Entity]:
        return [Entity(m.start(), m.end(), m.group()) for m in _HASHTAG.finditer(self.text)]

    @cached_property
    def urls(self) -> list[Entity]:
        return [Entity(m.start(), m.end(), m.group()) for m in _URL.finditer(self.text)]

    @cached_property
    def emoji(self) -> list[Entity]:
        import emoji as emoji_lib

        return [
            Entity(e["match_start"], e["match_end"], e["emoji"])
            for e in emoji_lib.emoji_list(self.text)
        ]
