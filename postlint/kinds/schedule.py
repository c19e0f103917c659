"""Kind `schedule`: a draft scheduled for a time that has already passed.

The time comes from front matter or a column (`scheduled` by default): YAML and TOML give
datetime or date objects, CSV/JSONL give ISO 8601 strings. A time without a timezone is local
time; a date alone is past once the day is over. Front matter shared by the posts of a thread
is checked once, at its first post; the hit is an empty span at the start of the post.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postlint.kinds import Hit

if TYPE_CHECKING:
    import datetime as dt

    from postlint.drafts import Post
# `datetime` is imported when a post has a time to check: most drafts have none, and a
# warm one-draft run imports it for nothing else (tests/test_imports.py)

NEEDS = frozenset({"text"})
FIELDS = ("scheduled", "status", "key")


@dataclass(frozen=True)
class Options:
    """`keys`: the front-matter keys or columns that hold the publication time (first wins)."""

    keys: tuple[str, ...] = ("scheduled",)


@dataclass
class State:
    """The path and metadata table of the last post checked. The posts of a thread share
    one table and come one after another, so only the first of them checks it; keeping
    just the last table holds memory flat over an export of any size."""

    last: tuple[str, Any] | None = None


def new_state() -> State:
    return State()


def now() -> dt.datetime:
    """The current local time, timezone-aware (a function so tests can replace it)."""
    import datetime as dt

    return dt.datetime.now().astimezone()


def parse_time(value: Any) -> dt.datetime | dt.date | None:
    """A datetime or date from a YAML/TOML value or an ISO 8601 string (None: unreadable)."""
    import datetime as dt

    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat has no "Z"
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _ago(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"was {n} {unit}{'s' if n != 1 else ''} ago"
    return "was moments ago"


def status(value: dt.datetime | dt.date, current: dt.datetime) -> str | None:
    """How long ago `value` was, relative to `current` (aware, local); None if not past."""
    import datetime as dt

    if not isinstance(value, dt.datetime):
        today = current.date()
        if value >= today:
            return None
        days = (today - value).days
        return f"was {days} day{'s' if days != 1 else ''} ago"
    when = value if value.tzinfo is not None else value.astimezone()  # naive: local time
    if when >= current:
        return None
    return _ago(current - when)


def check(post: Post, options: Options, state: State) -> Iterator[Hit]:
    """An empty-span hit at the start of the post when its scheduled time has passed."""
    key = next((k for k in options.keys if post.meta.get(k) not in (None, "")), None)
    if key is None:
        return
    if state.last is not None and state.last[0] == post.path and state.last[1] is post.meta:
        return  # a later post of the same thread
    state.last = (post.path, post.meta)
    raw = post.meta[key]
    value = parse_time(raw)
    if value is None:
        message = "is not a date or time (expected ISO 8601, such as 2026-12-01T09:00)"
        yield Hit(0, 0, {"scheduled": repr(raw), "status": message, "key": key})
        return
    past = status(value, now())
    if past is not None:
        yield Hit(0, 0, {"scheduled": value.isoformat(), "status": past, "key": key})
