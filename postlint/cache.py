"""The result cache: a file's problems, kept under a key of everything that decides them.

A key covers postlint's version (and, for editable installs, a stamp of its source files),
the effective config (its settings, the overrides and platforms that apply to the file,
the command line's selection), the bytes of every rule file in the packs the config can
use, the file's path relative to the config root, and the file's bytes. An entry holds
the problems as plain values (marshal, no imports), as length-framed records (a magic
line, the header, then one record per part), written to a temporary file and renamed
into place, so concurrent runs never see half an entry; an entry that cannot be read is
ignored and rebuilt.

The header also keeps the file's rendered output (`Writer.render`, `Entry.rendered`), for
output formats whose output for a file depends on that file alone (postlint.runner's
`Renderer`), under a signature of the format, the colour setting and the displayed path.
A re-run of an unchanged file then writes that text instead of rendering its problems
(the problems are still loaded: the summary and the exit code count them). A run in
another format, colour or folder renders its own and adds it to the entry (at most
`RENDERINGS`, the oldest dropped); output longer than `RENDERED_MAX` and files linted in
parts are rendered afresh each run. Reporters are in the source stamp, so an edited
reporter never replays old output.

Cross-post rules (kinds with `new_state`, such as duplicate detection) make a file's
problems depend on the other files of the run. Their entries also record a fingerprint
of the whole run (every file's path and bytes, in order); they are used only when the
fingerprint matches, so a change anywhere re-lints the run, and an unchanged run is free.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import marshal
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from postlint import __version__

#: bump when the entry layout changes
FORMAT = 2
DIR_NAME = ".postlint_cache"
_MAGIC = f"postlint-cache-{FORMAT}\n".encode("ascii")
_SCALARS = (str, int, float, bool, type(None))
#: entries up to this size are read in one go (most files' entries are a few hundred bytes)
_SMALL = 64 * 1024
#: rendered output is kept only up to this many characters per file and output format
#: (a big export's report is cheaper to render again than to hold and store)
RENDERED_MAX = 32 * 1024
#: how many renderings (output format, colour, displayed path) an entry keeps
RENDERINGS = 4
_PLAIN = frozenset(_SCALARS)


def default_dir(project_root: Path | None) -> Path:
    """`.postlint_cache/` in the project root (where the config lives), else the user
    cache dir (`$XDG_CACHE_HOME/postlint` or `~/.cache/postlint`)."""
    if project_root is not None:
        return project_root / DIR_NAME
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "postlint"


def source_stamp() -> str:
    """postlint's version plus the size and mtime of its own modules (reporters included:
    entries keep rendered output) and shipped data (the humour model, word lists), so an
    edited checkout (editable install) or a rebuilt model never reuses stale results."""
    here = Path(__file__).resolve().parent
    parts = [__version__]
    for folder in (here, here / "kinds", here / "report", here / "data"):
        try:
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.name.endswith(".py") or (folder.name == "data" and entry.is_file()):
                        st = entry.stat()
                        parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            continue
    return "\n".join(parts)


def option_files_stamp(settings: Iterable[Mapping[str, Any]]) -> str:
    """The size and mtime of every file a rule option names (`[rules.humour] model =
    "ours.model"`): retraining a team's model must not replay results of the old one."""
    parts = []
    for options in settings:
        for value in options.values():
            if isinstance(value, str) and value and os.path.isfile(value):
                st = os.stat(value)
                parts.append(f"{os.path.abspath(value)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(sorted(parts))


def digest(*parts: bytes | str) -> str:
    """A hex SHA-256 of the given parts (length-prefixed, so parts never run together)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def rule_files_digest(folders: Sequence[Path]) -> str:
    """A digest of every rule file (`*.toml`) in the given pack folders and their subfolders."""
    h = hashlib.sha256()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".toml"):
                    path = os.path.join(root, name)
                    h.update(path.encode("utf-8", "surrogatepass"))
                    try:
                        with open(path, "rb") as fh:
                            h.update(fh.read())
                    except OSError:
                        h.update(b"<unreadable>")
    return h.hexdigest()


# --------------------------------------------------------------------------- problems as values


def problem_values(problem: Any) -> tuple[Any, ...]:
    """A problem as marshal-able values (its path is left out: it is stamped on load)."""
    fix = problem.fix
    fix_values = (
        None
        if fix is None
        else (tuple(tuple(e) for e in fix.edits), fix.description, bool(fix.safe))
    )
    data = problem.data
    if not all(type(v) in _PLAIN for v in data.values()):
        try:
            marshal.dumps(dict(data))
            data = dict(data)
        except ValueError:  # keep what JSON reporters can show
            data = {k: v for k, v in data.items() if isinstance(v, _SCALARS)}
    elif type(data) is not dict:
        data = dict(data)
    return (
        problem.line,
        problem.column,
        problem.end_line,
        problem.end_column,
        problem.rule,
        problem.severity,
        problem.message,
        problem.post,
        fix_values,
        data,
        problem.start,
        problem.end,
    )


def problem_from(values: Sequence[Any], path: str) -> Any:
    """Rebuild a Problem from `problem_values`, reported at `path`."""
    from postlint.linter import FileEdit, FileFix, Problem

    line, column, end_line, end_column, rule, severity, message, post, fix, data, s, e = values
    file_fix = None
    if fix is not None:
        file_fix = FileFix(tuple(FileEdit(*edit) for edit in fix[0]), fix[1], fix[2])
    return Problem(
        path, line, column, end_line, end_column, rule, severity, message, post, file_fix, data,
        s, e,
    )  # fmt: skip


# --------------------------------------------------------------------------- the store


def _record(data: bytes) -> bytes:
    """One marshalled value framed by its length: read back with one `read` and one
    `marshal.loads` (`marshal.load` from a file reads it a few bytes at a time)."""
    return len(data).to_bytes(4, "little") + data


def _read_record(fh: BinaryIO) -> Any:
    """The next `_record` of `fh` (EOFError when cut short, ValueError when garbled)."""
    size = fh.read(4)
    data = fh.read(int.from_bytes(size, "little")) if len(size) == 4 else b""
    if len(size) != 4 or len(data) != int.from_bytes(size, "little"):
        raise EOFError("cut short")
    return marshal.loads(data)


class Entry:
    """A cached file: its header, then its problems in the parts they were linted in."""

    def __init__(self, fh: BinaryIO, header: dict[str, Any]) -> None:
        self._fh = fh
        self.header = header
        #: where the parts start (after the magic and the header)
        self.body = fh.tell()
        #: the entry's bytes, when it was read whole (small entries)
        self.data: bytes | None = None

    @property
    def fingerprint(self) -> str:
        """The run fingerprint the entry depends on ("" when it depends on this file only)."""
        return str(self.header.get("fingerprint", ""))

    def rendered(self, signature: str) -> str | None:
        """The output kept under `signature` (see `Writer.render`), or None."""
        table = self.header.get("rendered")
        text = table.get(signature) if isinstance(table, dict) else None
        return text if isinstance(text, str) else None

    def parts(self) -> Iterator[list[tuple[Any, ...]]]:
        """Each part's problems as values, in order (raises ValueError when damaged)."""
        try:
            for _ in range(int(self.header["parts"])):
                part = _read_record(self._fh)
                if not isinstance(part, list):
                    raise ValueError("damaged cache entry")
                yield part
        except (EOFError, TypeError, KeyError) as exc:
            raise ValueError(f"damaged cache entry: {exc}") from None
        finally:
            self._fh.close()

    def close(self) -> None:
        self._fh.close()


class Writer:
    """Writes one entry part by part into a temporary file; `commit` renames it into place."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self.header = dict(header)
        self.header["parts"] = 0
        self._parts: list[bytes] = []
        self._tmp: str | None = None
        self._fh: BinaryIO | None = None
        self._size = 0

    def render(self, signature: str, text: str) -> None:
        """Keep the file's rendered output under `signature` (dropped when too long)."""
        if len(text) <= RENDERED_MAX:
            self.header["rendered"] = {signature: text}

    def add(self, problems: Sequence[Any]) -> None:
        """Append one part (a list of Problems)."""
        data = _record(marshal.dumps([problem_values(p) for p in problems]))
        self.header["parts"] += 1
        self._parts.append(data)
        self._size += len(data)
        if self._size > 1 << 20:  # big files: spill to the temporary file as we go
            self._spill()

    def _open(self) -> BinaryIO:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = f"{self.path}.{os.getpid()}.{id(self):x}.tmp"
            self._fh = open(self._tmp, "wb")  # noqa: SIM115 - closed in commit/abort
        return self._fh

    def _spill(self) -> None:
        fh = self._open()
        for data in self._parts:
            fh.write(data)
        self._parts.clear()

    def commit(self) -> None:
        """Write the header in front of the parts and rename the entry into place."""
        try:
            self._spill()
            fh = self._open()
            fh.close()
            assert self._tmp is not None
            with open(self._tmp, "rb") as body:
                _replace(self.path, self.header, iter(lambda: body.read(1 << 20), b""))
        except OSError:
            pass  # a cache that cannot be written costs speed, never a result
        finally:
            self.abort()

    def abort(self) -> None:
        """Drop the temporary file (nothing is written)."""
        if self._fh is not None:
            self._fh.close()
        if self._tmp and os.path.exists(self._tmp):
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)


def _replace(path: Path, header: dict[str, Any], body: Iterable[bytes]) -> None:
    """Write an entry (magic, header, then the parts' bytes) to a temporary file beside
    `path` and rename it into place: readers see the old entry or the new one, whole."""
    tmp = f"{path}.{os.getpid()}.{id(header):x}.new.tmp"
    try:
        with open(tmp, "wb") as out:
            out.write(_MAGIC)
            out.write(_record(marshal.dumps(header)))
            for chunk in body:
                out.write(chunk)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class Cache:
    """Entries under one folder, two hex digits of fan-out; safe to share between runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries = folder / f"v{FORMAT}"
        self._entries = os.fspath(self.entries)
        self._ready = False

    def _path(self, key: str) -> Path:
        return self.entries / key[:2] / key[2:]

    def _file(self, key: str) -> str:
        # `_path` as a string: a re-run looks up every file's entry, and building two
        # Path objects per look-up cost a third of reading the entry
        return f"{self._entries}{os.sep}{key[:2]}{os.sep}{key[2:]}"

    def has(self, key: str) -> bool:
        """Whether an entry exists under `key` (it may still turn out unreadable)."""
        return os.path.isfile(self._file(key))

    def load(self, key: str, small: bool = False) -> Entry | None:
        """The entry under `key`, or None when there is none or it cannot be read.
        `small`: read the whole entry into memory when it is small (one read, no open file
        kept; `Entry.data` then holds its bytes for a second `load_bytes`)."""
        try:
            fh: BinaryIO = open(self._file(key), "rb")  # noqa: SIM115 - handed to the Entry
        except OSError:
            return None
        data = None
        if small:
            try:
                data = fh.read(_SMALL + 1)
            except OSError:
                data = b""
            if len(data) <= _SMALL:
                fh.close()
                return self.load_bytes(data)
            fh.seek(0)
        return self._open(fh)

    def load_bytes(self, data: bytes) -> Entry | None:
        """An entry from bytes read before (None when they are not a valid entry)."""
        entry = self._open(io.BytesIO(data))
        if entry is not None:
            entry.data = data
        return entry

    def _open(self, fh: BinaryIO) -> Entry | None:
        try:
            if fh.read(len(_MAGIC)) != _MAGIC:
                raise ValueError("not a cache entry")
            header = _read_record(fh)
            if not isinstance(header, dict) or not isinstance(header.get("parts"), int):
                raise ValueError("bad header")
        except (EOFError, ValueError, TypeError):
            fh.close()
            return None
        return Entry(fh, header)

    def add_rendering(self, key: str, entry: Entry, signature: str, text: str) -> None:
        """Keep `text` under `signature` in the entry read whole from `key` (a re-run in
        another output format, colour or working folder), rewritten in place atomically;
        the oldest of more than `RENDERINGS` renderings is dropped. Big entries (not read
        whole) and long output are left as they are."""
        if entry.data is None or len(text) > RENDERED_MAX:
            return
        header = dict(entry.header)
        old = header.get("rendered")
        table = {k: v for k, v in old.items() if k != signature} if isinstance(old, dict) else {}
        table[signature] = text
        while len(table) > RENDERINGS:
            del table[next(iter(table))]
        header["rendered"] = table
        with contextlib.suppress(OSError):  # a cache that cannot be written costs speed
            _replace(self._path(key), header, (entry.data[entry.body :],))

    def writer(self, key: str, header: dict[str, Any]) -> Writer:
        """A writer for the entry under `key` (the folder gets a `.gitignore` of `*`)."""
        if not self._ready:
            self._ready = True
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                ignore = self.folder / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# created by postlint\n*\n", encoding="utf-8")
            except OSError:
                pass
        return Writer(self._path(key), header)


def open_cache(resolver: Any, cache_dir: Path | None = None) -> Cache | None:
    """The cache for a run: `--cache-dir`, else `[cache] dir` of the config found from the
    working directory, else `.postlint_cache/` beside that config, else the user cache dir.
    `[cache] enabled = false` turns it off. Config errors are left to the lint run."""
    from postlint.errors import ConfigError, PostlintError

    if cache_dir is not None:
        return Cache(cache_dir)
    try:
        config = resolver.config_for(None)
    except PostlintError:
        return None  # the run reports the config error
    table = config.tables.get("cache") or {}
    where = f"{config.display}: cache"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table with enabled and dir")
    for key in table:
        if key not in ("enabled", "dir"):
            raise ConfigError(f"{where}.{key}: unknown key (expected enabled or dir)")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled: expected true or false, got {enabled!r}")
    if not enabled:
        return None
    folder = table.get("dir")
    if folder is not None:
        if not isinstance(folder, str) or not folder:
            raise ConfigError(f"{where}.dir: expected a folder path, got {folder!r}")
        return Cache(config.root / folder)
    return Cache(default_dir(config.root if config.path is not None else None))
