"""Draft sources → posts: decoding, front matter, threads, CSV/JSONL, directives, offset maps.

Every post keeps an offset map back to the decoded file text, so a problem found at
`post.text[i]` is reported at the right 1-based line and column of the original file,
whatever was stripped (front matter, directives, CSV quoting, JSON escapes, CR of CRLF).
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postlint.errors import DraftError
from postlint.platforms import canonical_platform, unknown_platforms

if TYPE_CHECKING:
    from postlint.text import TextView

SUFFIXES = (".txt", ".md", ".markdown", ".csv", ".jsonl")
TEXT_COLUMNS = ("text", "caption", "message", "post", "content", "body")
ALL_RULES = "*"

_NEWLINE = re.compile(r"\r\n|\r|\n")
_DIRECTIVE = re.compile(r"<!--\s*postlint:\s*(.*?)\s*-->")
_THREAD_SPLIT = "---"


# --------------------------------------------------------------------------- records


class OffsetMap:
    """Maps code-point offsets in a post's text to offsets in the decoded file text."""

    __slots__ = ("_file_starts", "_post_starts", "_shift")

    def __init__(self, pieces: Sequence[tuple[int, str]], shift: int = 0) -> None:
        self._post_starts: list[int] = []
        self._file_starts: list[int] = []
        pos = 0
        for file_start, chunk in pieces:
            if chunk:
                self._post_starts.append(pos)
                self._file_starts.append(file_start)
                pos += len(chunk)
        self._shift = shift

    def to_file(self, index: int) -> int:
        """File offset of the character at `index` in the post."""
        index += self._shift
        post_starts = self._post_starts
        if not post_starts:
            return 0
        if len(post_starts) == 1:  # one piece (most posts): the bisect would give 0
            return self._file_starts[0] + (index - post_starts[0])
        i = bisect.bisect_right(post_starts, index) - 1
        i = max(i, 0)
        return self._file_starts[i] + (index - post_starts[i])

    def span_to_file(self, start: int, end: int) -> tuple[int, int]:
        """File offsets of the half-open post span [start, end)."""
        file_start = self.to_file(start)
        file_end = self.to_file(end - 1) + 1 if end > start else file_start
        return file_start, file_end


class Post:
    """One post of a draft: its text, metadata, platforms and where it came from."""

    def __init__(
        self,
        *,
        path: str,
        index: int,
        text: str,
        offsets: OffsetMap,
        meta: Mapping[str, Any],
        platforms: tuple[str, ...] = (),
        escape: str = "",
        line: int = 1,
    ) -> None:
        self.path = path
        #: the 1-based file line where the post starts (for messages naming another post)
        self.line = line
        self.index = index
        self.text = text
        self.offsets = offsets
        self.meta = meta
        self.platforms = platforms
        #: how a replacement must be escaped to be written back: "", "csv", "json"
        self.escape = escape
        #: the spaCy Doc, set by the linter when an enabled rule needs tokens
        self.doc: Any = None

    @cached_property
    def view(self) -> TextView:
        """The social text model of this post (computed lazily, per view)."""
        from postlint.text import TextView

        return TextView(self.text)

    @property
    def kind(self) -> str:
        """`post` unless front matter or a column says otherwise (`reply`, …)."""
        kind = self.meta.get("kind")
        if isinstance(kind, str) and kind:
            return kind.lower()
        return "reply" if self.meta.get("in_reply_to") else "post"

    def __repr__(self) -> str:
        return f"Post({self.path!r}, {self.index}, {self.text[:30]!r})"


@dataclass
class Directives:
    """Disable directives of one source, by file line (1-based)."""

    file_rules: set[str] = field(default_factory=set)
    ranges: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)
    lines: dict[int, set[str]] = field(default_factory=dict)
    #: (line, column, rule name) of every rule a directive names, to validate names
    mentioned: list[tuple[int, int, str]] = field(default_factory=list)

    def disabled(self, rule: str, line: int) -> bool:
        """Whether `rule` is disabled on file line `line`."""
        if ALL_RULES in self.file_rules or rule in self.file_rules:
            return True
        names = self.lines.get(line)
        if names and (ALL_RULES in names or rule in names):
            return True
        return any(
            lo <= line <= hi and (ALL_RULES in names or rule in names)
            for lo, hi, names in self.ranges
        )

    @property
    def empty(self) -> bool:
        return not (self.file_rules or self.ranges or self.lines)


@dataclass
class Source:
    """A decoded draft file and the posts read from it."""

    display: str
    text: str
    encoding: str = "utf-8"
    bom: bool = False
    posts: list[Post] = field(default_factory=list)
    directives: Directives = field(default_factory=Directives)
    #: problems with the draft itself: (message, line, column); the run goes on
    errors: list[tuple[str, int, int]] = field(default_factory=list)
    #: one-line notices for stderr (skipped, empty)
    notices: list[str] = field(default_factory=list)
    path: Path | None = None
    #: the index of the first post read (a part of a big export starts past 0)
    post_base: int = 0

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a file offset."""
        starts = self.line_starts
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line ending."""
        starts = self.line_starts
        if line - 1 >= len(starts):
            return ""
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


@dataclass(frozen=True)
class ReadSettings:
    """What the config says about reading drafts."""

    text_column: str | None = None
    max_file_size: int = 50 * 1024 * 1024
    platforms: tuple[str, ...] = ()


# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, str, bool]:
    """Decode draft bytes: (text, encoding, had_bom). Raises DraftError when undecodable."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding, True
            except UnicodeDecodeError as exc:
                raise DraftError(
                    f"invalid {encoding.upper()} at byte {exc.start + len(bom)}"
                ) from None
    if b"\x00" in data:
        raise DraftError("binary file (NUL byte), skipped")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise DraftError(
            f"invalid UTF-8 at byte {exc.start} (not a UTF-8 text file?)", line, column
        ) from None


# --------------------------------------------------------------------------- helpers


def read_platforms(value: object) -> tuple[tuple[str, ...], str | None]:
    """Platforms from front matter, a column, the config or --platform: (the platforms
    named, in canonical spelling; an error message or None).

    A name that is no known platform (postlint.platforms.PLATFORMS, or an alias) is an
    error with a did-you-mean: a misspelt platform would silently switch its checks off.
    The known names are still returned."""
    names, error = _platform_names(value)
    if error:
        return (), error
    out: list[str] = []
    unknown: list[str] = []
    for item in names:
        name = canonical_platform(item)
        if name is None:
            unknown.append(item.strip())
        elif name not in out:
            out.append(name)
    return tuple(out), f"platform: {unknown_platforms(unknown)}" if unknown else None


def _platform_names(value: object) -> tuple[list[str], str | None]:
    """The names a `platform` value gives (a name, names separated by , ; | or spaces, or
    a list of names); an error message when it is neither."""
    if value is None or value == "":
        return [], None
    items: list[object]
    if isinstance(value, str):
        items = [p for p in re.split(r"[,;|\s]+", value) if p]
    elif isinstance(value, list):
        items = list(value)
    else:
        return [], f"platform: expected a name or a list of names, got {value!r}"
    for item in items:
        if not isinstance(item, str):
            return [], f"platform: expected a name or a list of names, got {item!r}"
    return [item for item in items if isinstance(item, str) and item.strip()], None


def _normalize_newlines(pieces: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Split pieces at CR/CRLF so the post text uses "\\n" while offsets stay exact."""
    out: list[tuple[int, str]] = []
    for start, chunk in pieces:
        if "\r" not in chunk:
            out.append((start, chunk))
            continue
        pos = 0
        for m in _NEWLINE.finditer(chunk):
            out.append((start + pos, chunk[pos : m.start()]))
            out.append((start + m.start(), "\n"))
            pos = m.end()
        out.append((start + pos, chunk[pos:]))
    return out


def _make_post(
    source: Source,
    pieces: list[tuple[int, str]],
    meta: Mapping[str, Any],
    platforms: tuple[str, ...],
    escape: str = "",
) -> None:
    """Append a post built from file pieces, trimmed of surrounding whitespace."""
    pieces = _normalize_newlines(pieces)
    full = "".join(chunk for _, chunk in pieces)
    stripped = full.strip()
    if not stripped:
        return
    shift = len(full) - len(full.lstrip())
    offsets = OffsetMap(pieces, shift)
    source.posts.append(
        Post(
            path=source.display,
            index=source.post_base + len(source.posts),
            text=stripped,
            offsets=offsets,
            meta=meta,
            platforms=platforms,
            escape=escape,
            line=source.line_col(offsets.to_file(0))[0],
        )
    )


def _lines(text: str, start: int) -> Iterator[tuple[int, int, int]]:
    """(content start, content end, next line start) for each line from `start`."""
    pos = start
    n = len(text)
    while pos < n:
        m = _NEWLINE.search(text, pos)
        if m is None:
            yield pos, n, n
            return
        yield pos, m.start(), m.end()
        pos = m.end()


# --------------------------------------------------------------------------- directives


def _apply_directive(source: Source, body: str, line: int, column: int) -> bool:
    """Record one directive; returns whether it was understood."""
    d = source.directives
    keyword, _, names_text = body.partition("=")
    keyword = keyword.strip()
    names = {n.strip() for n in names_text.split(",") if n.strip()} or {ALL_RULES}
    offset = column + body.find(names_text) if names_text else column
    for name in names - {ALL_RULES}:
        d.mentioned.append((line, offset, name))
    if keyword == "disable":
        d.ranges.append((line, 1 << 30, frozenset(names)))
    elif keyword == "enable":
        closed: list[tuple[int, int, frozenset[str]]] = []
        for lo, hi, open_names in d.ranges:
            if hi == 1 << 30 and (ALL_RULES in names or open_names & names):
                closed.append((lo, line, open_names))
                rest = open_names - names if ALL_RULES not in names else frozenset()
                if rest:
                    closed.append((line + 1, 1 << 30, frozenset(rest)))
            else:
                closed.append((lo, hi, open_names))
        d.ranges = closed
    elif keyword == "disable-next-line":
        d.lines.setdefault(line + 1, set()).update(names)
    elif keyword == "disable-line":
        d.lines.setdefault(line, set()).update(names)
    elif keyword == "disable-file":
        d.file_rules.update(names)
    else:
        return False
    return True


def _body_posts(
    source: Source, start: int, meta: Mapping[str, Any], platforms: tuple[str, ...]
) -> None:
    """Read the body of a .txt/.md draft from `start`: threads, directives, posts."""
    text = source.text
    pieces: list[tuple[int, str]] = []
    line_no = source.line_col(start)[0]
    for content_start, content_end, _ in _lines(text, start):
        content = text[content_start:content_end]
        if content.strip() == _THREAD_SPLIT:
            _make_post(source, pieces, meta, platforms)
            pieces = []
            line_no += 1
            continue
        if "postlint" in content and "<!--" in content:
            kept: list[tuple[int, str]] = []
            pos = 0
            for m in _DIRECTIVE.finditer(content):
                kept.append((content_start + pos, content[pos : m.start()]))
                column = m.start(1) + 1
                if not _apply_directive(source, m.group(1), line_no, column):
                    source.errors.append(
                        (f"unknown directive {m.group(1)!r}", line_no, m.start() + 1)
                    )
                pos = m.end()
            if pos:
                kept.append((content_start + pos, content[pos:]))
                if not "".join(chunk for _, chunk in kept).strip():
                    line_no += 1
                    continue
                pieces.extend(kept)
                pieces.append((content_end, "\n"))
                line_no += 1
                continue
        pieces.append((content_start, content))
        pieces.append((content_end, "\n"))
        line_no += 1
    _make_post(source, pieces, meta, platforms)


# --------------------------------------------------------------------------- formats

_FRONT_MATTER_CHECKS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "kind": (str, "a string such as post or reply"),
    "in_reply_to": (str, "a handle such as @jane"),
    "in_reply_to_text": (str, "the text of the post being answered"),
    "sentiment": (str, "positive, neutral or negative"),
    "media": (list, "a list of media entries"),
    "postlint": (dict, "a table such as {disable: [rule-a]}"),
}


def _front_matter(source: Source, settings: ReadSettings) -> tuple[int, dict[str, Any]]:
    """Parse optional YAML (---) or TOML (+++) front matter: (body start, metadata).

    Its problems are reported at their line of the file (the fence is line 1)."""
    text = source.text
    fence = text[:3]
    if fence not in ("---", "+++"):
        return 0, {}
    lines = _lines(text, 0)
    first = next(lines)
    if text[first[0] : first[1]].strip() != fence:
        return 0, {}
    body_start = None
    content_end = first[2]
    end_line = 1
    for content_start, line_end, next_start in lines:
        end_line += 1
        stripped = text[content_start:line_end].strip()
        if stripped == fence or (fence == "---" and stripped == "..."):
            content_end = content_start
            body_start = next_start
            break
    if body_start is None:
        source.errors.append((f"front matter opened with {fence} is never closed", 1, 1))
        return 0, {}
    raw_start = first[2]
    raw = text[raw_start:content_end]
    meta: Any
    try:
        if fence == "---":
            import yaml

            meta = yaml.safe_load(raw) or {}
        else:
            from postlint._toml import tomllib

            meta = tomllib.loads(raw)
    except Exception as exc:  # yaml.YAMLError / TOMLDecodeError: report with its line
        kind = "YAML" if fence == "---" else "TOML"
        message, line, column = _parse_error(exc)
        source.errors.append((f"malformed {kind} front matter: {message}", 1 + line, column))
        return body_start, {}
    if not isinstance(meta, dict):
        source.errors.append(("front matter must be a table of keys", 2, 1))
        return body_start, {}
    here = functools.partial(_meta_position, source, raw_start, raw)
    for key, (expected, description) in _FRONT_MATTER_CHECKS.items():
        if key in meta and meta[key] is not None and not isinstance(meta[key], expected):
            source.errors.append(
                (f"front matter: {key}: expected {description}, got {meta[key]!r}", *here(key))
            )
            del meta[key]
    if "platform" in meta:
        platforms, error = read_platforms(meta["platform"])
        if error:
            names, _ = _platform_names(meta["platform"])
            unknown = [v for v in names if canonical_platform(v) is None]
            source.errors.append(
                (f"front matter: {error}", *here("platform", unknown[0] if unknown else None))
            )
            meta = {**meta, "platform": list(platforms)}
    options = meta.get("postlint") or {}
    disable = options.get("disable", [])
    if isinstance(disable, str):
        disable = [disable]
    if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
        source.errors.append(
            ("front matter: postlint.disable: expected a list of rule names", *here("postlint"))
        )
    else:
        source.directives.file_rules.update(disable)
        for name in disable:
            source.directives.mentioned.append((*here("postlint", name), name))
    return body_start, meta


_PARSE_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")


def _parse_error(exc: Exception) -> tuple[str, int, int]:
    """A YAML or TOML parse error as (message, line, column), 1-based within the front
    matter; the message drops the parser's own position (the caller reports the file's)."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:  # PyYAML: the problem (and the context it was in)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        context = getattr(exc, "context", None)
        message = f"{context}: {problem}" if context else str(problem)
        message = message.replace("'<stream end>'", "the end of the front matter")
        return message, 1 + mark.line, 1 + mark.column
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    found = _PARSE_POSITION.search(text)
    message = _PARSE_POSITION.sub("", text)
    if found is not None and found.group(1):
        return message, int(found.group(1)), int(found.group(2))
    lineno = getattr(exc, "lineno", None)  # tomllib on 3.14 has them as attributes
    colno = getattr(exc, "colno", None)
    if isinstance(lineno, int) and isinstance(colno, int):
        return message, lineno, colno
    return message, 1, 1


def _meta_position(
    source: Source, raw_start: int, raw: str, key: str, needle: str | None = None
) -> tuple[int, int]:
    """Where front-matter `key` (or the value `needle` given under it) is written: the
    file's (line, column); the first line of the front matter when it cannot be found."""
    heading = re.compile(rf"^[ \t]*\[?[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*[\]:=.]", re.M)
    found = heading.search(raw)
    if found is None:
        return source.line_col(raw_start)
    offset = found.start() + len(found.group()) - len(found.group().lstrip())
    if needle:
        value = re.compile(rf"(?<![\w-]){re.escape(needle)}(?![\w-])")
        hit = value.search(raw, found.end() - 1)
        if hit is not None:
            offset = hit.start()
    return source.line_col(raw_start + offset)


def _read_text(source: Source, settings: ReadSettings, markdown: bool) -> None:
    meta: dict[str, Any] = {}
    start = 0
    if markdown:
        start, meta = _front_matter(source, settings)
    platforms, _ = read_platforms(meta.get("platform"))  # errors: _front_matter
    _body_posts(source, start, meta, platforms or settings.platforms)


_CSV_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


def _csv_records(
    text: str, delimiter: str, pos: int = 0, stop: int | None = None
) -> Iterator[tuple[int, list[tuple[int, str, bool]]]]:
    """Yield (record start offset, fields) with each field as (start, raw value, quoted),
    for the records that start in [pos, stop)."""
    unquoted = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    n = len(text)
    end = n if stop is None else stop
    while pos < end:
        record_start = pos
        fields: list[tuple[int, str, bool]] = []
        while True:
            if pos < n and text[pos] == '"':
                m = _CSV_QUOTED.match(text, pos)
                if m is None:  # unterminated quote: the rest of the file is the field
                    fields.append((pos + 1, text[pos + 1 :], True))
                    pos = n
                else:
                    fields.append((pos + 1, m.group(1), True))
                    pos = m.end()
                    # tolerate junk between the closing quote and the delimiter
                    junk = unquoted.match(text, pos)
                    if junk is not None:
                        pos = junk.end()
            else:
                m2 = unquoted.match(text, pos)
                assert m2 is not None
                fields.append((pos, m2.group(), False))
                pos = m2.end()
            if pos < n and text[pos] == delimiter:
                pos += 1
                continue
            break
        if pos < n:
            pos += 2 if text.startswith("\r\n", pos) else 1
        yield record_start, fields


def _csv_pieces(start: int, raw: str, quoted: bool) -> list[tuple[int, str]]:
    if not quoted or '""' not in raw:
        return [(start, raw)]
    pieces: list[tuple[int, str]] = []
    pos = 0
    while True:
        i = raw.find('""', pos)
        if i < 0:
            pieces.append((start + pos, raw[pos:]))
            return pieces
        pieces.append((start + pos, raw[pos : i + 1]))  # keep one quote, mapped to the first
        pos = i + 2


def _find_text_key(keys: Sequence[str], settings: ReadSettings) -> str | None:
    wanted = [settings.text_column] if settings.text_column else list(TEXT_COLUMNS)
    lowered = {k.strip().lower(): k for k in keys}
    for name in wanted:
        if name is not None and name.lower() in lowered:
            return lowered[name.lower()]
    return None


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV draft: the most frequent of , ; and tab on its first line."""
    end = text.find("\n")  # not `split`: that would copy the rest of a big export
    first_line = text if end < 0 else text[:end]
    return max((",", ";", "\t"), key=first_line.count)


def record_starts(text: str, suffix: str) -> Iterator[int]:
    """Offsets where the records of a CSV (header included) or JSONL draft start, found
    without parsing them (the parallel runner splits big exports at these offsets).

    The CSV pattern reads a record exactly as `_csv_records` does (quoted fields with
    doubled quotes, junk after a closing quote, an unterminated quote running to the end).
    """
    n = len(text)
    if suffix.lower() == ".jsonl":
        yield 0
        for m in _NEWLINE.finditer(text):
            if m.end() < n:
                yield m.end()
        return
    d = re.escape(csv_delimiter(text))
    field = f'(?:"(?:[^"]|"")*"[^{d}\r\n]*|"[\\s\\S]*|[^{d}\r\n]*)'
    record = re.compile(f"{field}(?:{d}{field})*(?:\r\n|\r|\n|\\Z)")
    pos = 0
    while pos < n:
        yield pos
        found = record.match(text, pos)
        assert found is not None  # every alternative can match the empty string
        pos = found.end() if found.end() > pos else n


def _read_csv(source: Source, settings: ReadSettings, span: tuple[int, int] | None = None) -> None:
    text = source.text
    delimiter = csv_delimiter(text)
    records = _csv_records(text, delimiter)
    header_record = next(records, None)
    if header_record is None:
        return
    if span is not None:
        records = _csv_records(text, delimiter, span[0], span[1])
    header = [raw.replace('""', '"').strip() for _, raw, _ in header_record[1]]
    key = _find_text_key(header, settings)
    if key is None:
        looked = settings.text_column or ", ".join(TEXT_COLUMNS)
        source.errors.append(
            (f"no text column (looked for {looked}; set text-column in [drafts])", 1, 1)
        )
        return
    text_index = header.index(key)
    for record_start, fields in records:
        if len(fields) == 1 and not fields[0][1] and not fields[0][2]:
            continue  # blank line
        line, _ = source.line_col(record_start)
        if len(fields) != len(header):
            from postlint.report import plural  # only for a ragged row

            source.errors.append(
                (
                    f"row has {plural(len(fields), 'field')}, the header has {len(header)}; row skipped",
                    line,
                    1,
                )
            )
            continue
        meta = {
            header[i]: raw.replace('""', '"') if quoted else raw
            for i, (_, raw, quoted) in enumerate(fields)
            if i != text_index
        }
        platforms, error = read_platforms(meta.get("platform"))
        if error:
            at = source.line_col(fields[header.index("platform")][0])
            source.errors.append((error, *at))
            meta["platform"] = ",".join(platforms)
        start, raw, quoted = fields[text_index]
        before = len(source.posts)
        _make_post(
            source,
            _csv_pieces(start, raw, quoted),
            meta,
            platforms or settings.platforms,
            escape="csv-quoted" if quoted else "csv",
        )
        if len(source.posts) == before:
            continue


def _json_fields(line: str) -> dict[str, tuple[Any, int, int]]:
    """Top-level keys of one JSON object line: key → (value, raw start, raw end)."""
    decoder = _json_decoder()
    ws = re.compile(r"\s*")

    def skip(pos: int) -> int:
        m = ws.match(line, pos)
        return m.end() if m else pos

    pos = skip(0)
    if not line.startswith("{", pos):
        raise ValueError("expected a JSON object")
    pos = skip(pos + 1)
    out: dict[str, tuple[Any, int, int]] = {}
    if line.startswith("}", pos):
        if line[skip(pos + 1) :].strip():
            raise ValueError("extra data after the object")
        return out
    while True:
        key, pos = decoder.raw_decode(line, pos)
        if not isinstance(key, str):
            raise ValueError("object keys must be strings")
        pos = skip(pos)
        if not line.startswith(":", pos):
            raise ValueError(f"expected ':' at column {pos + 1}")
        pos = skip(pos + 1)
        value, end = decoder.raw_decode(line, pos)
        out[key] = (value, pos, end)
        pos = skip(end)
        if line.startswith(",", pos):
            pos = skip(pos + 1)
            continue
        if line.startswith("}", pos):
            if line[pos + 1 :].strip():
                raise ValueError("extra data after the object")
            return out
        raise ValueError(f"expected ',' or '}}' at column {pos + 1}")


@functools.cache
def _json_decoder() -> Any:
    """The JSON decoder, made on first use: `json` is imported only for JSONL drafts."""
    import json

    return json.JSONDecoder()


_JSON_CHUNK = re.compile(r'[^"\\]+|\\u([0-9a-fA-F]{4})(?:\\u([0-9a-fA-F]{4}))?|\\(.)')
_JSON_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "/": "/",
    "\\": "\\",
    '"': '"',
}


def _json_string_pieces(line: str, start: int, end: int, base: int) -> list[tuple[int, str]]:
    """Pieces of a JSON string literal line[start:end], each mapped to its raw offset."""
    pieces: list[tuple[int, str]] = []
    pos = start + 1
    stop = end - 1
    while pos < stop:
        m = _JSON_CHUNK.match(line, pos, stop)
        if m is None:
            break
        if m.group(1):
            code = int(m.group(1), 16)
            if m.group(2) and 0xD800 <= code < 0xDC00:
                low = int(m.group(2), 16)
                pieces.append((base + pos, chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))))
            else:
                pieces.append((base + pos, chr(code)))
                if m.group(2):
                    pieces.append((base + pos + 6, chr(int(m.group(2), 16))))
        elif m.group(3) is not None:
            pieces.append((base + pos, _JSON_ESCAPES.get(m.group(3), m.group(3))))
        else:
            pieces.append((base + pos, m.group()))
        pos = m.end()
    return pieces


def _read_jsonl(
    source: Source, settings: ReadSettings, span: tuple[int, int] | None = None
) -> None:
    text = source.text
    start, stop = span if span is not None else (0, len(text))
    line_no = source.line_col(start)[0] - 1
    for content_start, content_end, _ in _lines(text, start):
        if content_start >= stop:
            break
        line_no += 1
        line = text[content_start:content_end]
        if not line.strip():
            continue
        try:
            fields = _json_fields(line)
        except ValueError as exc:
            decode_error = type(exc).__name__ == "JSONDecodeError"
            message = getattr(exc, "msg", str(exc)) if decode_error else str(exc)
            column = getattr(exc, "colno", 1) if decode_error else 1
            source.errors.append((f"invalid JSON line: {message}; line skipped", line_no, column))
            continue
        key = _find_text_key(list(fields), settings)
        if key is None or not isinstance(fields[key][0], str):
            looked = settings.text_column or ", ".join(TEXT_COLUMNS)
            source.errors.append(
                (f"no text string (looked for {looked}); line skipped", line_no, 1)
            )
            continue
        meta = {k: v for k, (v, _, _) in fields.items() if k != key}
        platforms, error = read_platforms(meta.get("platform"))
        if error:
            value_start = fields["platform"][1]
            source.errors.append((error, *source.line_col(content_start + value_start)))
            meta["platform"] = list(platforms)
        _, raw_start, raw_end = fields[key]
        pieces = _json_string_pieces(line, raw_start, raw_end, content_start)
        _make_post(source, pieces, meta, platforms or settings.platforms, escape="json")


# --------------------------------------------------------------------------- entry points


def parse(
    source: Source, suffix: str, settings: ReadSettings, span: tuple[int, int] | None = None
) -> Source:
    """Fill `source.posts` from its decoded text according to the file type.

    `span` (CSV and JSONL only): read just the records that start in [start, stop), as
    `record_starts` finds them (the header is still read from the top of a CSV).
    """
    suffix = suffix.lower()
    if suffix == ".csv":
        _read_csv(source, settings, span)
    elif suffix == ".jsonl":
        _read_jsonl(source, settings, span)
    else:
        _read_text(source, settings, markdown=suffix in (".md", ".markdown"))
    return source


def read_source(
    path: Path | None,
    settings: ReadSettings,
    *,
    display: str | None = None,
    data: bytes | None = None,
) -> Source:
    """Read and parse one draft file (or the given bytes, for stdin).

    Undecodable or unreadable files come back with an error and no posts; a binary,
    empty or oversized file comes back with a notice and no posts.
    """
    name = display if display is not None else str(path)
    suffix = Path(name).suffix if Path(name).suffix else ".txt"
    if data is None:
        assert path is not None
        try:
            size = path.stat().st_size
            if size > settings.max_file_size:
                source = Source(name, "", path=path)
                source.notices.append(
                    f"skipped: {size:,} bytes is over the size limit of "
                    f"{settings.max_file_size:,} (max-file-size)"
                )
                return source
            data = path.read_bytes()
        except OSError as exc:
            source = Source(name, "", path=path)
            source.errors.append((f"cannot read: {exc.strerror or exc}", 1, 1))
            return source
    try:
        text, encoding, bom = decode(data)
    except DraftError as exc:
        source = Source(name, "", path=path)
        if exc.message.startswith("binary file"):
            source.notices.append("skipped: binary file (NUL byte)")
        else:
            source.errors.append((exc.message, exc.line, exc.column))
        return source
    source = Source(name, text, encoding, bom, path=path)
    if not text.strip():
        source.notices.append("empty draft, nothing to lint")
        return source
    return parse(source, suffix, settings)
