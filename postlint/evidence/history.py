"""Read a scheduler export (CSV, TSV or JSONL): messy metric numbers, dates, duplicates.

Pure Python on purpose: the statistics extra is not needed to read a history,
so `postlint report` can say what it found before it asks for numpy.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import statistics
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from postlint.drafts import TEXT_COLUMNS as DRAFT_TEXT_COLUMNS
from postlint.errors import UsageError

NORMALIZATIONS = ("none", "group-median")

# Reasons a row is left out, in the order they are checked and reported.
SKIP_REASONS = (
    "duplicate",
    "outside_dates",
    "bad_date",
    "missing_metric",
    "bad_metric",
    "zero_group_median",
)

# The draft reader's text columns first (a lint of the export picks the same one), then
# other names schedulers use (Buffer, Hootsuite, Sprout Social, the platforms' exports).
TEXT_COLUMNS = (
    *DRAFT_TEXT_COLUMNS,
    "full_text",
    "post text",
    "tweet",
    "tweet text",
    "description",
)
DATE_COLUMNS = (
    "created_at",
    "date",
    "published",
    "published_at",
    "publish date",
    "posted_at",
    "timestamp",
    "time",
    "sent",
    "scheduled",
)

# Values that mean "no number here" rather than a broken number.
_MISSING = frozenset(
    {"", "-", "--", "—", "–", "n/a", "na", "#n/a", "null", "none", "nan", "?", "…"}
)
_NUMBER = re.compile(
    r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)(?P<suffix>k|m|mm|mn|b|bn)?",
    re.IGNORECASE,
)
_SUFFIX = {"k": 10**3, "m": 10**6, "mm": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009_]+")


def parse_number(value: str) -> float | None:
    """Read a metric cell: `1,419`, `1.2K`, `3.4M`, `12%`; None for a blank or `N/A`.

    Raises ValueError for text that is neither a number nor a known blank.
    """
    cleaned = _SPACES.sub("", value.strip())
    if cleaned.lower() in _MISSING:
        return None
    cleaned = cleaned.removesuffix("%")
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"not a number: {value!r}")
    try:
        number = Decimal(match["num"].replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"not a number: {value!r}") from exc
    suffix = match["suffix"]
    if suffix:
        number *= _SUFFIX[suffix.lower()]
    return float(number)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH = re.compile(r"\d{9,10}(?:\.\d+)?|\d{12,13}")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
_TIME_PARTS = (
    "",
    " %H:%M",
    " %H:%M:%S",
    " %I:%M %p",
    " %I:%M:%S %p",
    ", %I:%M %p",
    ", %H:%M",
)
_MONTH_FIRST = tuple(f"%m/%d/{y}{t}" for y in ("%y", "%Y") for t in _TIME_PARTS)
_DAY_FIRST = tuple(f"%d/%m/{y}{t}" for y in ("%y", "%Y") for t in _TIME_PARTS)
_OTHER_FORMATS = (
    *(f"%Y-%m-%d{t}" for t in _TIME_PARTS),
    *(f"%Y/%m/%d{t}" for t in _TIME_PARTS),
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    *(f"%b %d, %Y{t}" for t in _TIME_PARTS),
    *(f"%B %d, %Y{t}" for t in _TIME_PARTS),
    *(f"%b %d %Y{t}" for t in _TIME_PARTS),
    *(f"%d %b %Y{t}" for t in _TIME_PARTS),
    *(f"%d %B %Y{t}" for t in _TIME_PARTS),
    "%a %b %d %H:%M:%S %z %Y",  # the Twitter API's created_at
    "%a, %d %b %Y %H:%M:%S %z",  # RFC 2822 (RSS, e-mail)
    "%Y%m%d",
)


class TimestampParser:
    """Parse one column's timestamps; remembers the last format that worked (speed).

    Slash dates are month-first (US scheduler exports) unless the column shows a
    first field above 12 and no second field above 12, then day-first. Aware times
    are converted to UTC; naive times are taken as they are; epoch seconds (or
    milliseconds) are UTC. Results are naive datetimes so they compare.
    """

    def __init__(self, day_first: bool = False) -> None:
        slash = _DAY_FIRST if day_first else _MONTH_FIRST
        self._formats: list[str] = [*slash, *_OTHER_FORMATS]

    @classmethod
    def for_column(cls, values: Iterable[str]) -> TimestampParser:
        """A parser whose slash-date order fits the values of one column."""
        first_big = second_big = False
        for value in values:
            match = _SLASH.match(value.strip())
            if match:
                first_big = first_big or int(match[1]) > 12
                second_big = second_big or int(match[2]) > 12
        return cls(day_first=first_big and not second_big)

    def parse(self, value: str) -> datetime | None:
        """The timestamp in `value`, or None when no known format reads it."""
        text = " ".join(value.split())
        if not text:
            return None
        if _EPOCH.fullmatch(text):
            seconds = float(text) / (1000 if len(text) >= 12 and "." not in text else 1)
            return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
        if _ISO_DATE.match(text):
            try:
                return _naive_utc(datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text)))
            except ValueError:
                pass
        for index, fmt in enumerate(self._formats):
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if index:  # most columns hold one format: try it first next time
                self._formats.insert(0, self._formats.pop(index))
            return _naive_utc(parsed)
        return None


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def parse_bound(value: str, *, end: bool) -> datetime:
    """A `--since`/`--until` value; a bare date as `--until` includes that whole day."""
    moment = TimestampParser().parse(value)
    if moment is None:
        raise UsageError(
            f"cannot read the date {value!r}; use e.g. 2024-03-01 or '2024-03-01 14:05'"
        )
    date_only = ":" not in value and not _EPOCH.fullmatch(value.strip())
    if end and date_only:
        return moment + timedelta(days=1)
    return moment


class History(NamedTuple):
    """The posts of an export that can be analysed, with why the others were left out."""

    metric: str
    normalize: str
    texts: tuple[str, ...]
    values: tuple[float, ...]
    groups: tuple[str, ...] | None
    rows: tuple[dict[str, str], ...]
    skipped: dict[str, int]
    text_column: str

    @property
    def group_names(self) -> list[str]:
        """The distinct groups, sorted; empty when there is no `--by`."""
        return sorted(set(self.groups)) if self.groups is not None else []


def read_rows(paths: Sequence[Path]) -> tuple[list[str], list[dict[str, str]]]:
    """The rows of one or more exports, as text; columns are the union, in order."""
    columns: dict[str, None] = {}
    rows: list[dict[str, str]] = []
    for path in paths:
        try:
            if path.suffix.lower() in (".jsonl", ".ndjson"):
                file_rows = _read_jsonl(path)
                file_columns = list(dict.fromkeys(key for row in file_rows for key in row))
            else:
                file_columns, file_rows = _read_csv(path)
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{path}: not UTF-8 (byte {exc.start}); re-save the export as UTF-8"
            ) from exc
        columns.update(dict.fromkeys(file_columns))
        rows.extend(file_rows)
    return list(columns), rows


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        if path.suffix.lower() not in (".csv", ".tsv"):
            with contextlib.suppress(csv.Error):
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        reader = csv.DictReader(handle, delimiter=delimiter)
        columns = [name for name in (reader.fieldnames or []) if name]
        rows = [
            {name: (row.get(name) or "") for name in columns}
            for row in reader
            if any(value for value in row.values() if isinstance(value, str))
        ]
    return columns, rows


def _read_jsonl(path: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{path}:{number}: not JSON: {exc.msg}") from exc
            if not isinstance(record, dict):
                raise UsageError(f"{path}:{number}: expected an object per line")
            rows.append({str(key): _cell(value) for key, value in record.items()})
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def numeric_columns(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> list[str]:
    """Columns whose filled cells are (at least 75%) numbers: the possible metrics."""
    found = []
    for column in columns:
        filled = bad = 0
        for row in rows:
            try:
                if parse_number(row.get(column, "")) is not None:
                    filled += 1
            except ValueError:
                bad += 1
        if filled and bad <= 0.25 * (filled + bad):
            found.append(column)
    return found


def _resolve(name: str, columns: Sequence[str]) -> str | None:
    if name in columns:
        return name
    folded = [column for column in columns if column.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def _pick(candidates: Sequence[str], columns: Sequence[str]) -> str | None:
    for candidate in candidates:
        column = _resolve(candidate, columns)
        if column is not None:
            return column
    return None


def read_history(
    paths: Sequence[Path],
    *,
    metric: str,
    by: str | None = None,
    normalize: str = "none",
    since: str | None = None,
    until: str | None = None,
    date_column: str | None = None,
    text_column: str | None = None,
) -> History:
    """Read exports into the posts to analyse: text, metric value, group, full row."""
    if normalize not in NORMALIZATIONS:
        raise UsageError(f"--normalize must be one of {', '.join(NORMALIZATIONS)}")
    names = ", ".join(str(path) for path in paths)
    columns, rows = read_rows(paths)
    if not rows:
        raise UsageError(f"{names}: no rows")

    metric_parts = [part.strip() for part in metric.split("+")]
    metric_columns = []
    for part in metric_parts:
        column = _resolve(part, columns) if part else None
        if column is None:
            found = ", ".join(numeric_columns(columns, rows)) or "none"
            raise UsageError(f"{names}: no metric column {part!r}; numeric columns found: {found}")
        metric_columns.append(column)

    if text_column is not None:
        text_col = _resolve(text_column, columns)
        if text_col is None:
            raise UsageError(
                f"{names}: no text column {text_column!r}; columns: {', '.join(columns)}"
            )
    else:
        picked = _pick(TEXT_COLUMNS, columns)
        if picked is None:
            raise UsageError(
                f"{names}: no text column found (looked for {', '.join(TEXT_COLUMNS[:6])}…); "
                f"name it with --text-column; columns: {', '.join(columns)}"
            )
        text_col = picked

    by_col = None
    if by is not None:
        by_col = _resolve(by, columns)
        if by_col is None:
            raise UsageError(f"{names}: no column {by!r} for --by; columns: {', '.join(columns)}")

    start = parse_bound(since, end=False) if since else None
    stop = parse_bound(until, end=True) if until else None
    date_col = None
    if date_column is not None or start is not None or stop is not None:
        date_col = _resolve(date_column, columns) if date_column else _pick(DATE_COLUMNS, columns)
        if date_col is None:
            wanted = repr(date_column) if date_column else "for --since/--until"
            raise UsageError(
                f"{names}: no date column {wanted}; name it with --date; "
                f"columns: {', '.join(columns)}"
            )

    skipped = dict.fromkeys(SKIP_REASONS, 0)
    seen: set[tuple[str, ...]] = set()
    unique = []
    for row in rows:
        key = tuple(row.get(column, "") for column in columns)
        if key in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(key)
        unique.append(row)

    if date_col is not None and (start is not None or stop is not None):
        parser = TimestampParser.for_column(row.get(date_col, "") for row in unique)
        dated = []
        for row in unique:
            moment = parser.parse(row.get(date_col, ""))
            if moment is None:
                skipped["bad_date"] += 1
            elif (start is not None and moment < start) or (stop is not None and moment >= stop):
                skipped["outside_dates"] += 1
            else:
                dated.append(row)
        unique = dated

    kept: list[tuple[dict[str, str], float]] = []
    for row in unique:
        total = 0.0
        reason = None
        for column in metric_columns:
            try:
                number = parse_number(row.get(column, ""))
            except ValueError:
                reason = "bad_metric"
                break
            if number is None:
                reason = reason or "missing_metric"
                continue
            total += number
        if reason is None:
            kept.append((row, total))
        else:
            skipped[reason] += 1

    groups = [row.get(by_col, "") or "(blank)" for row, _ in kept] if by_col else None
    values = [value for _, value in kept]
    if normalize == "group-median":
        kept, values, groups = _normalise(kept, values, groups, skipped)

    return History(
        metric="+".join(metric_columns),
        normalize=normalize,
        texts=tuple(row.get(text_col, "") for row, _ in kept),
        values=tuple(values),
        groups=tuple(groups) if groups is not None else None,
        rows=tuple(row for row, _ in kept),
        skipped=skipped,
        text_column=text_col,
    )


def _normalise(
    kept: list[tuple[dict[str, str], float]],
    values: list[float],
    groups: list[str] | None,
    skipped: dict[str, int],
) -> tuple[list[tuple[dict[str, str], float]], list[float], list[str] | None]:
    """Divide each value by its group's median (the whole history without `--by`)."""
    labels = groups if groups is not None else [""] * len(values)
    by_group: dict[str, list[float]] = {}
    for label, value in zip(labels, values, strict=True):
        by_group.setdefault(label, []).append(value)
    medians = {label: statistics.median(members) for label, members in by_group.items()}
    out_kept, out_values, out_groups = [], [], []
    for item, value, label in zip(kept, values, labels, strict=True):
        median = medians[label]
        if median == 0:
            # A group whose median is 0 has no scale to divide by; leave it out, counted.
            skipped["zero_group_median"] += 1
            continue
        out_kept.append(item)
        out_values.append(value / median)
        out_groups.append(label)
    return out_kept, out_values, out_groups if groups is not None else None
