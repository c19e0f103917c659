"""Kind `platform-length`: the post is longer than a platform accepts, counted its way.

Each platform's table in the rule file gives the `limit`, the `unit` it is counted in (a
unit of `postlint.text.count`: X's weighted length, Bluesky's graphemes, Threads' emoji as
UTF-8 bytes, Mastodon's URLs as 23, …), optional `params` for the unit, and `also`: further
limits that apply at the same time (Bluesky: 300 graphemes and 3,000 UTF-8 bytes). A post is
checked against every platform it is meant for; the hit starts where that platform would
cut the post.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

from postlint.kinds import Hit
from postlint.platforms import PlatformTables, Table, set_field

if TYPE_CHECKING:
    from postlint.drafts import Post

NEEDS = frozenset({"text"})
FIELDS = ("platform", "count", "limit", "unit_name")

#: the units `postlint.text.count` takes (kept here so loading a rule does not import text)
UNITS = (
    "graphemes",
    "code_points",
    "utf8_bytes",
    "utf16_units",
    "x_weighted",
    "threads",
    "mastodon",
)
#: how a count in each unit is named in messages
UNIT_NAMES = {
    "graphemes": "characters",
    "code_points": "characters",
    "utf8_bytes": "UTF-8 bytes",
    "utf16_units": "UTF-16 units",
    "x_weighted": "weighted characters",
    "threads": "characters (emoji count as their UTF-8 bytes)",
    "mastodon": "characters",
}
#: front-matter keys whose text Mastodon counts with the post (the content warning)
CONTENT_WARNING_KEYS = ("content_warning", "spoiler_text", "cw")

_KEYS = ("limit", "unit", "params", "also", "unit_name")
_ALSO_KEYS = ("limit", "unit", "params", "unit_name")


class Measure(NamedTuple):
    """One limit of one platform: at most `limit` in `unit` (with `params`)."""

    limit: int
    unit: str
    params: Mapping[str, Any]
    unit_name: str


def _measure(table: Table) -> Measure:
    unit = table.string("unit", "graphemes", UNITS)
    params = table.mapping("params")
    allowed = {"x_weighted": ("config",), "mastodon": ("url_length",)}.get(unit, ())
    for key in params:
        if key not in allowed:
            what = ", ".join(allowed) if allowed else "no parameters"
            raise ValueError(f"{table.platform}.params.{key}: unit {unit} takes {what}")
    return Measure(
        table.integer("limit", minimum=1),
        unit,
        params,
        table.string("unit_name", UNIT_NAMES[unit]),
    )


def _measures(platform: str, raw: Mapping[str, Any]) -> tuple[Measure, ...]:
    table = Table(platform, raw, _KEYS)
    out = [_measure(table)]
    for i, extra in enumerate(table.tables("also")):
        out.append(_measure(Table(f"{platform}.also[{i}]", extra, _ALSO_KEYS)))
    return tuple(out)


@dataclass(frozen=True)
class Options(PlatformTables):
    """A table per platform: `limit`, `unit`, `params`, `also` (more limits), `unit-name`."""

    measures: Mapping[str, tuple[Measure, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        set_field(self, "measures", self.build_tables(_measures))


def _content_warning(post: Post) -> str:
    for key in CONTENT_WARNING_KEYS:
        value = post.meta.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _upper_bound(text: str, unit: str, params: Mapping[str, Any]) -> int | None:
    """A cheap number the exact count never exceeds (None: no cheap bound), so that most
    posts, far below every limit, are never counted exactly."""
    n = len(text)
    if unit in ("graphemes", "code_points"):
        return n  # a grapheme has at least one code point
    if unit == "mastodon" and "spoiler_text" not in params:
        # a URL with a scheme ("http://a.b", 10+) counts url_length instead of its length;
        # a remote mention counts less than its length
        return n + max(0, int(params.get("url_length", 23)) - 10) * text.count("://")
    if unit not in ("threads", "x_weighted"):
        return None  # bytes and UTF-16 units: the exact count is as cheap
    # UTF-8 bytes bound both: a code point counts 1 (X: 1, or 2 if not ASCII, hence 2+ bytes)
    # and a Threads emoji counts its bytes
    size = n if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    if unit == "threads":
        return size
    # X: a URL holds a "." and is at least 4 characters ("t.co"), so it adds at most 19
    return size + 19 * text.count(".")


def _grapheme_starts(post: Post) -> list[int]:
    """The offset where each user-perceived character of the post starts, and the end."""
    return list(accumulate(map(len, post.view.graphemes), initial=0))


def _measure_post(post: Post, measure: Measure, params: dict[str, Any]) -> tuple[int, int] | None:
    """(count, offset where the platform cuts) when the post is over `measure`, else None.

    The cut is moved back to the start of the character it falls in (a byte or UTF-16 limit
    can fall inside an emoji; the marker shows the whole character).
    """
    from postlint.text import count, cut_offset

    text = post.text
    if measure.unit == "graphemes":  # the view's graphemes are computed once per post
        starts = _grapheme_starts(post)
        length = len(starts) - 1
        return (length, starts[measure.limit]) if length > measure.limit else None
    length = count(text, measure.unit, **params)
    if length <= measure.limit:
        return None
    cut = cut_offset(text, measure.unit, measure.limit, **params)
    if cut is None:
        return length, len(text)
    if measure.unit == "mastodon":
        return length, cut  # Mastodon counts whole graphemes already
    starts = _grapheme_starts(post)
    return length, starts[bisect_right(starts, cut) - 1]


def check(post: Post, options: Options) -> Iterator[Hit]:
    """A hit per platform limit the post exceeds, from where the platform cuts it to the end."""
    if not post.platforms:
        return
    text = post.text
    for platform in post.platforms:
        for measure in options.measures.get(platform, ()):
            params = dict(measure.params)
            if measure.unit == "mastodon":
                warning = _content_warning(post)
                if warning:
                    params["spoiler_text"] = warning
            bound = _upper_bound(text, measure.unit, params)
            if bound is not None and bound <= measure.limit:
                continue
            over = _measure_post(post, measure, params)
            if over is None:
                continue
            length, start = over
            yield Hit(
                start,
                len(text),
                {
                    "platform": platform,
                    "count": length,
                    "limit": measure.limit,
                    "unit_name": measure.unit_name,
                },
            )
