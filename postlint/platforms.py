"""Per-platform option tables for the platform kinds: one table per platform, validated.

Platform facts (limits, units, counts) live in the rule files of `rules/platforms/`, one
TOML table per platform, never in code. This module gives the kinds a common base for those
tables: a field per platform, merged key by key when a config overrides one
(`[rules.platform-length] mastodon = {limit = 1000}`), and helpers that check a table's
keys and value types so a bad config names the platform and key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from postlint.errors import closest, did_you_mean

#: the platforms a table may be given for (option names; `youtube_description` is the
#: platform `youtube-description`: a video's description, checked apart from its title)
PLATFORM_FIELDS: tuple[str, ...] = (
    "x",
    "instagram",
    "threads",
    "bluesky",
    "mastodon",
    "linkedin",
    "facebook",
    "tiktok",
    "youtube",
    "youtube_description",
)


def platform_name(field_name: str) -> str:
    """The platform name posts use for an option field (`youtube_description` → `youtube-description`)."""
    return field_name.replace("_", "-")


#: every platform a draft, a config or the command line may name: the one list postlint
#: checks names against (front matter, CSV and JSONL `platform`, `--platform`, `platform`
#: in postlint.toml, a rule's `applies-to.platforms`)
PLATFORMS: tuple[str, ...] = tuple(platform_name(f) for f in PLATFORM_FIELDS)
#: other names people write for a platform
PLATFORM_ALIASES: Mapping[str, str] = MappingProxyType(
    {"twitter": "x", "ig": "instagram", "fb": "facebook", "bsky": "bluesky"}
)


def canonical_platform(name: str) -> str | None:
    """The platform `name` means (case and aliases folded), or None when it names none."""
    key = name.strip().lower()
    key = PLATFORM_ALIASES.get(key, key)
    return key if key in PLATFORMS else None


def unknown_platforms(names: Iterable[str]) -> str:
    """`unknown platform 'twiter'; did you mean twitter?` for names that are no platform
    (the closest known name or alias suggested; the known names listed when none is close)."""
    names = list(names)
    choices = (*PLATFORMS, *PLATFORM_ALIASES)
    known = f" (known: {', '.join(PLATFORMS)})"
    if len(names) == 1:
        suffix = did_you_mean(names[0].strip().lower(), choices)
        return f"unknown platform {names[0]!r}{suffix or known}"
    parts = []
    lost = False
    for name in names:
        match = closest(name.strip().lower(), choices)
        lost = lost or match is None
        parts.append(f"{name!r} (did you mean {match}?)" if match else repr(name))
    return f"unknown platforms {', '.join(parts)}{known if lost else ''}"


@dataclass(frozen=True)
class PlatformTables:
    """One table per platform (empty: not checked); a kind's `Options` inherit these fields."""

    MERGED_TABLES: ClassVar[frozenset[str]] = frozenset(PLATFORM_FIELDS)

    x: Mapping[str, Any] = field(default_factory=dict)
    instagram: Mapping[str, Any] = field(default_factory=dict)
    threads: Mapping[str, Any] = field(default_factory=dict)
    bluesky: Mapping[str, Any] = field(default_factory=dict)
    mastodon: Mapping[str, Any] = field(default_factory=dict)
    linkedin: Mapping[str, Any] = field(default_factory=dict)
    facebook: Mapping[str, Any] = field(default_factory=dict)
    tiktok: Mapping[str, Any] = field(default_factory=dict)
    youtube: Mapping[str, Any] = field(default_factory=dict)
    youtube_description: Mapping[str, Any] = field(default_factory=dict)

    def tables(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(platform name, table) for every platform with a table."""
        for name in PLATFORM_FIELDS:
            table = getattr(self, name)
            if table:
                yield platform_name(name), table

    def build_tables(self, build: Callable[[str, Mapping[str, Any]], Any]) -> dict[str, Any]:
        """Run `build(platform, table)` for each table; the results keyed by platform name."""
        return {platform: build(platform, table) for platform, table in self.tables()}


def set_field(options: Any, name: str, value: Any) -> None:
    """Set a derived (init=False) field of a frozen Options instance in `__post_init__`."""
    object.__setattr__(options, name, value)


class Table:
    """Typed access to one platform's table; errors name `platform.key` (ValueError)."""

    def __init__(self, platform: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        self.platform = platform
        self.table = {key.replace("-", "_"): value for key, value in table.items()}
        spelled = [a.replace("_", "-") for a in allowed]
        for key in table:
            if key.replace("-", "_") not in allowed:
                raise ValueError(
                    f"{platform}.{key}: unknown key{did_you_mean(key, spelled)}"
                    f" (expected {', '.join(spelled)})"
                )

    def _where(self, key: str) -> str:
        return f"{self.platform}.{key.replace('_', '-')}"

    def has(self, key: str) -> bool:
        return key in self.table

    def integer(self, key: str, default: int | None = None, minimum: int = 0) -> int:
        """An integer >= `minimum`; required unless `default` is given."""
        value = self.table.get(key, default)
        if value is None:
            raise ValueError(f"{self._where(key)}: required (an integer >= {minimum})")
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{self._where(key)}: expected an integer >= {minimum}, got {value!r}")
        return value

    def string(self, key: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        """A string (one of `choices` if given); required unless `default` is given."""
        value = self.table.get(key, default)
        if value is None:
            raise ValueError(f"{self._where(key)}: required (a string)")
        if not isinstance(value, str):
            raise ValueError(f"{self._where(key)}: expected a string, got {value!r}")
        if choices and value not in choices:
            raise ValueError(
                f"{self._where(key)}: expected one of {', '.join(choices)}, got {value!r}"
                f"{did_you_mean(value, choices)}"
            )
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise ValueError(f"{self._where(key)}: expected true or false, got {value!r}")
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            raise ValueError(f"{self._where(key)}: expected a table, got {value!r}")
        return dict(value)

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ValueError(f"{self._where(key)}: expected a list of tables, got {value!r}")
        return list(value)


__all__ = [
    "PLATFORMS",
    "PLATFORM_ALIASES",
    "PLATFORM_FIELDS",
    "PlatformTables",
    "Table",
    "canonical_platform",
    "platform_name",
    "set_field",
    "unknown_platforms",
]
