"""The result cache: a file's problems, kept under a key of everything that decides them.

A key covers postlint's version (and, for editable installs, a stamp of its source files),
the effective config (its settings, the overrides and platforms that apply to the file,
the command line's selection), the bytes of every rule file in the packs the config can
use, the file's path relative to the config root, and a digest of the file's bytes. An
entry holds the problems as plain values (marshal, no imports), one record per part the
file was linted in, and a header (encoding, BOM, notices, the run fingerprint below, the
rendered output).

**The index.** Entries are kept by file, in an index per config key of `SHARDS` files
(`v3/index-KEY-NN`, the shard chosen by a crc32 of the file's absolute path), each one
`marshal`led dict with a crc32 in front, read with one open and one `marshal.loads` the
first time a run asks for one of its files: a re-run of a big tree reads 16 files, not
one per draft, and a one-draft run reads one. A file's record holds its stat signature
(size, mtime, ctime, inode, device), the moment it was recorded, the digest of its bytes,
and its entry with the entry key it was made under; the entry is used only when that key
is the one this run computes from the file's digest, so entries stay keyed by content.
Entries whose parts are bigger than `INLINE_MAX` (big exports) live in their own file
(`v3/entries/KK/KEY...`), named by the key and written as they are linted. Only the
indexes of the `CONFIGS` config keys written last are kept (an edited config, a
`--select` or a new postlint makes another key).

**Stat before hashing** (as git's index does). A file whose stat signature is the one
recorded is not read again: its recorded digest is used. With git's racy-timestamp guard:
the stat is trusted only when the file's mtime and ctime are older than the moment the
record was made by more than `RACY_NS` (file systems keep times in ticks as coarse as
2 s, so a file rewritten with the same size within the tick in which it was recorded has
the same stat); otherwise the file is read and hashed. A record is updated whenever its
file was hashed, so a file that was racy when recorded is trusted from the next run on.

**Writing.** A run changes its copy of the index in memory and, at its end (`flush`),
reads each shard it changed afresh, merges its own records into it (per file) and writes
it to a temporary file renamed into place, so a concurrent run's records are kept unless
both wrote the same file's record (the last writer wins; a lost record is merely
recomputed next time) and readers never see half a shard. A shard or entry file that
cannot be read (cut short, garbled, foreign) is ignored and rebuilt; an unchanged re-run
writes nothing (nor does a re-read of a file still too new for its stat to be trusted).

The header also keeps the file's rendered output (`Writer.render`, `Entry.rendered`), for
output formats whose output for a file depends on that file alone (postlint.runner's
`Renderer`), under a signature of the format, the colour setting and the displayed path.
A re-run of an unchanged file then writes that text instead of rendering its problems;
the summary and the exit code use what the problems count as, kept in the header beside
it (`postlint.report.problem_counts`), so no problem is rebuilt unless something asks for them, and the
file is not even read (postlint.runner reads it only when a reporter asks for its text). A
run in another format, colour or folder renders its own and adds it to the entry (at most
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
import gc
import itertools
import marshal
import operator
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from postlint import __version__

try:  # without hashlib: it loads OpenSSL, a tenth of what a cached re-run imports
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - Python builds without _blake2
    from hashlib import blake2b as _blake2b

#: bump when the entry layout changes
FORMAT = 3
DIR_NAME = ".postlint_cache"
_MAGIC = f"postlint-cache-{FORMAT}\n".encode("ascii")
_SCALARS = (str, int, float, bool, type(None))
#: how many files the index is split into (a one-draft run reads one of them)
SHARDS = 16
#: entries whose problems take more bytes than this get their own file
INLINE_MAX = 64 * 1024
#: a file's stat is trusted only when its mtime and ctime are older than the moment its
#: record was made by more than this (the coarsest file-system timestamp tick, FAT's 2 s)
RACY_NS = 2 * 10**9
#: past this many records, a shard drops those of files this run did not look at, oldest
#: first (files linted once, from anywhere, into the user cache dir; files deleted since)
SHARD_RECORDS = 8192
#: how many config keys' indexes are kept (those written last; an edited config or a
#: new postlint leaves its old index behind)
CONFIGS = 8
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
    """A hex digest (BLAKE2b, 32 bytes) of the given parts (length-prefixed, so parts
    never run together)."""
    h = _blake2b(digest_size=32)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def entry_key(config_key: str, rel: str, platforms: str, content: str) -> str:
    """The key of a file's entry: `digest` of the four, in one go (a re-run computes one
    per file; none of them holds a NUL, so NULs keep them apart)."""
    text = f"{config_key}\0{rel}\0{platforms}\0{content}"
    return _blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


def content_digest(data: bytes) -> str:
    """The digest of a file's bytes, as its record keeps it."""
    return _blake2b(data, digest_size=32).hexdigest()


def stat_signature(st: os.stat_result) -> tuple[int, ...]:
    """What a file's record compares to tell an unchanged file without reading it."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def rule_files_digest(folders: Sequence[Path]) -> str:
    """A digest of every rule file (`*.toml`) in the given pack folders and their subfolders."""
    h = _blake2b(digest_size=32)
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
    """A problem as marshal-able values, in the order of its fields (the path is the one
    it was reported at; `problems_from` puts another in when the file is shown another
    way)."""
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
        problem.path,
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

    _, line, column, end_line, end_column, rule, severity, message, post, fix, data, s, e = values
    file_fix = None
    if fix is not None:
        file_fix = FileFix(tuple(FileEdit(*edit) for edit in fix[0]), fix[1], fix[2])
    return Problem(
        path, line, column, end_line, end_column, rule, severity, message, post, file_fix, data,
        s, e,
    )  # fmt: skip


_FIELDS = 13
_path_of = operator.itemgetter(0)
_fix_of = operator.itemgetter(9)


def problems_from(part: list[Any], path: str) -> list[Any]:
    """`problem_from` for every problem of a part (raises ValueError when one is not a
    problem's values). A re-run rebuilds every problem of an unchanged tree, so the usual
    part (reported at the same path) is made without a Python call per problem."""
    from postlint.linter import Problem

    if not part:
        return []
    if set(map(type, part)) != {tuple} or set(map(len, part)) != {_FIELDS}:
        raise ValueError("damaged cache entry: not a problem")
    if set(map(_path_of, part)) == {path}:
        problems = list(map(tuple.__new__, itertools.repeat(Problem), part))
    else:  # the file shown another way (another working folder, another spelling)
        problems = [tuple.__new__(Problem, (path, *values[1:])) for values in part]
    if any(map(_fix_of, part)):
        for i, values in enumerate(part):
            if values[9] is not None:
                problems[i] = problem_from(values, path)
    return problems


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


def _read_shard(path: str) -> dict[str, Any]:
    """A shard's records (empty when it is missing, cut short, garbled or foreign)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return {}
    start = len(_MAGIC) + 4
    if data[: len(_MAGIC)] != _MAGIC:
        return {}
    if zlib.crc32(memoryview(data)[start:]) != int.from_bytes(data[len(_MAGIC) : start], "little"):
        return {}
    collecting = gc.isenabled()
    gc.disable()  # a shard is thousands of containers: no use looking for cycles in them
    try:
        records = marshal.loads(memoryview(data)[start:])
    except (ValueError, EOFError, TypeError):
        return {}
    finally:
        if collecting:
            gc.enable()
    return records if type(records) is dict else {}


def _write_shard(path: str, records: dict[str, Any]) -> None:
    """Write a shard (the magic, a crc32, then the marshalled records) atomically."""
    payload = marshal.dumps(records)
    _write_atomically(path, (_MAGIC, zlib.crc32(payload).to_bytes(4, "little"), payload))


def _write_atomically(path: str, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to a temporary file beside `path` and rename it into place: readers
    see the old file or the new one, whole."""
    tmp = f"{path}.{os.getpid()}.{id(chunks):x}.tmp"
    try:
        with open(tmp, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class Entry:
    """A cached file: its header, then its problems in the parts they were linted in."""

    def __init__(
        self,
        where: str,
        config_key: str,
        key: str,
        header: dict[str, Any],
        parts: list[bytes] | None,
        external: str | None = None,
    ) -> None:
        #: the file's record (its absolute path) and the config key the entry is under
        self.where = where
        self.config_key = config_key
        self.key = key
        self.header = header
        #: each part's marshalled problems, or None when they are in their own file
        self._parts = parts
        self._external = external

    @property
    def fingerprint(self) -> str:
        """The run fingerprint the entry depends on ("" when it depends on this file only)."""
        return str(self.header.get("fingerprint", ""))

    def rendered(self, signature: str) -> str | None:
        """The output kept under `signature` (see `Writer.render`), or None."""
        table = self.header.get("rendered")
        text = table.get(signature) if isinstance(table, dict) else None
        return text if isinstance(text, str) else None

    def counts(self) -> tuple[Any, ...] | None:
        """`problem_counts` of a one-part entry, as kept (None when it has none)."""
        counts = self.header.get("counts")
        if type(counts) is not tuple or len(counts) != 5:
            return None
        by_severity, by_rule, rule_severity, fixes, safe = counts
        if not (type(by_severity) is type(by_rule) is type(rule_severity) is dict):
            return None
        if type(fixes) is not int or type(safe) is not int:
            return None
        return counts

    def only_data(self) -> bytes | None:
        """The marshalled problems of a one-part entry kept in the index (else None)."""
        if self.header.get("parts") != 1 or self._parts is None or len(self._parts) != 1:
            return None
        data = self._parts[0]
        return data if type(data) is bytes else None

    def only_part(self) -> list[Any] | None:
        """The problems of a one-part entry kept in the index, as values (None for other
        entries, and when they do not read back: `parts` says why)."""
        if self.header.get("parts") != 1 or self._parts is None or len(self._parts) != 1:
            return None
        try:
            part = marshal.loads(self._parts[0])
        except (ValueError, EOFError, TypeError):
            return None
        return part if type(part) is list else None

    def parts(self) -> Iterator[list[tuple[Any, ...]]]:
        """Each part's problems as values, in order (raises ValueError when damaged)."""
        try:
            count = int(self.header["parts"])
            if self._parts is not None:
                if len(self._parts) != count:
                    raise ValueError("damaged cache entry: parts missing")
                for data in self._parts:
                    part = marshal.loads(data)
                    if type(part) is not list:
                        raise ValueError("damaged cache entry")
                    yield part
                return
            assert self._external is not None
            with open(self._external, "rb") as fh:
                if fh.read(len(_MAGIC)) != _MAGIC or _read_record(fh) != self.key:
                    raise ValueError("damaged cache entry: not this entry's file")
                for _ in range(count):
                    part = _read_record(fh)
                    if type(part) is not list:
                        raise ValueError("damaged cache entry")
                    yield part
        except (OSError, EOFError, TypeError, KeyError) as exc:
            raise ValueError(f"damaged cache entry: {exc}") from None


class Writer:
    """Writes one entry part by part; `commit` puts it in the index (and, for big
    entries, renames its own file into place)."""

    def __init__(
        self, cache: Cache, where: str, config_key: str, key: str, header: dict[str, Any]
    ) -> None:
        self.cache = cache
        self.where = where
        self.config_key = config_key
        self.key = key
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
        data = marshal.dumps([problem_values(p) for p in problems])
        if self.header["parts"] == 0:  # a one-part entry keeps what its problems count as
            from postlint.report import problem_counts

            self.header["counts"] = problem_counts(problems)
        else:
            self.header.pop("counts", None)
        self.header["parts"] += 1
        self._parts.append(data)
        self._size += len(data)
        if self._size > INLINE_MAX:  # big files: to their own file, as we go
            self._spill()

    def _spill(self) -> None:
        if self._fh is None:
            path = self.cache.external(self.key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self._tmp = f"{path}.{os.getpid()}.{id(self):x}.tmp"
            self._fh = open(self._tmp, "wb")  # noqa: SIM115 - closed in commit/abort
            self._fh.write(_MAGIC + _record(marshal.dumps(self.key)))
        for data in self._parts:
            self._fh.write(_record(data))
        self._parts.clear()

    def commit(self) -> None:
        """Put the entry in the index (written at the end of the run, `Cache.flush`)."""
        try:
            if self._fh is None:
                self.cache.put(
                    Entry(self.where, self.config_key, self.key, self.header, self._parts)
                )
                return
            self._spill()
            self._fh.close()
            assert self._tmp is not None
            os.replace(self._tmp, self.cache.external(self.key))
            self.cache.put(Entry(self.where, self.config_key, self.key, self.header, None))
        except OSError:
            pass  # a cache that cannot be written costs speed, never a result
        finally:
            self.abort()

    def abort(self) -> None:
        """Drop what was written (nothing is kept)."""
        if self._fh is not None:
            self._fh.close()
        if self._tmp and os.path.exists(self._tmp):
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)


def _shard_of(where: str) -> int:
    return zlib.crc32(where.encode("utf-8", "surrogatepass")) % SHARDS


class Cache:
    """The index and the big entries under one folder; safe to share between runs.

    The index is kept per config key (`index-KEY-NN`, `SHARDS` files each): a file's record
    is `[signature, recorded_ns, digest, entry]` under its absolute path (`where`), the
    entry `(entry key, header, parts)` or None."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries = folder / f"v{FORMAT}"
        self._root = os.fspath(self.entries)
        self._shards: dict[tuple[str, int], dict[str, Any]] = {}
        #: the files whose records this run changed, per shard
        self._changed: dict[tuple[str, int], set[str]] = {}
        #: the files whose records this run looked up
        self._used: set[str] = set()
        self._ready = False

    def _shard(self, config_key: str, where: str) -> tuple[tuple[str, int], dict[str, Any]]:
        name = (config_key, _shard_of(where))
        shard = self._shards.get(name)
        if shard is None:
            shard = self._shards[name] = _read_shard(self._shard_path(name))
        return name, shard

    def _shard_path(self, name: tuple[str, int]) -> str:
        return f"{self._root}{os.sep}index-{name[0][:32]}-{name[1]:02d}"

    def external(self, key: str) -> str:
        """Where a big entry's own file is."""
        return f"{self._root}{os.sep}entries{os.sep}{key[:2]}{os.sep}{key[2:]}"

    # ------------------------------------------------------------ stat and digest

    def record(self, config_key: str, where: str) -> Any:
        """The record of the file at `where` in the index of `config_key` (None when there
        is none; what else it is, is checked where it is used)."""
        self._used.add(where)
        return self._shard(config_key, where)[1].get(where)

    def known_digest(self, config_key: str, where: str, st: os.stat_result) -> str:
        """The digest recorded for the file at `where` when `st` is the stat recorded with
        it and not racy (see the module's docstring), else ""."""
        return self.trusted_digest(self.record(config_key, where), st)

    @staticmethod
    def trusted_digest(record: Any, st: os.stat_result) -> str:
        """`known_digest` of a record already looked up."""
        try:
            if (
                record[0] == stat_signature(st)
                and max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS < record[1]
                and type(record[2]) is str
            ):
                return record[2]
        except (TypeError, IndexError, KeyError):
            pass
        return ""

    def note_digest(
        self, config_key: str, where: str, st: os.stat_result, digest: str, read_ns: int
    ) -> Any:
        """Record the digest of the file at `where`, read (no earlier than `read_ns`, a
        `time.time_ns()`) with the stat `st`; its entry, if any, stays (it is keyed by the
        digest it was made from). Returns the file's record."""
        name, shard = self._shard(config_key, where)
        record: Any = shard.get(where)
        signature = stat_signature(st)
        entry = None
        if type(record) is list and len(record) == 4:
            entry = record[3]
            if (
                record[0] == signature
                and record[2] == digest
                and max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS >= read_ns
            ):
                return record  # as recorded, and still too new to be trusted: no news
        shard[where] = record = [signature, read_ns, digest, entry]
        self._changed.setdefault(name, set()).add(where)
        return record

    # ------------------------------------------------------------ entries

    def load(self, config_key: str, where: str, key: str, record: Any = None) -> Entry | None:
        """The entry of the file at `where` under `config_key`, when it was made under
        `key`, or None (none, another key, or unreadable). `record`: the file's record,
        when already looked up."""
        if record is None:
            record = self.record(config_key, where)
        try:
            entry_key, header, parts = record[3]
            if entry_key != key or type(header) is not dict:
                return None
            if type(header.get("parts")) is not int:
                return None
            if parts is None:
                external = self.external(key)
                if not os.path.isfile(external):
                    return None
                return Entry(where, config_key, key, header, None, external)
            if type(parts) is not list:
                return None
        except (TypeError, ValueError, IndexError, KeyError):
            return None
        return Entry(where, config_key, key, header, parts)

    def put(self, entry: Entry) -> None:
        """Keep `entry` in the index (it replaces the file's entry under its config key)."""
        name, shard = self._shard(entry.config_key, entry.where)
        record: Any = shard.get(entry.where)
        if type(record) is not list or len(record) != 4:
            record = shard[entry.where] = [(), 0, "", None]
        record[3] = (entry.key, entry.header, entry._parts)
        self._changed.setdefault(name, set()).add(entry.where)

    def add_rendering(self, entry: Entry, signature: str, text: str) -> None:
        """Keep `text` under `signature` in `entry` (a re-run in another output format,
        colour or working folder); the oldest of more than `RENDERINGS` renderings is
        dropped. Long output is not kept."""
        if len(text) > RENDERED_MAX:
            return
        header = dict(entry.header)
        old = header.get("rendered")
        table = {k: v for k, v in old.items() if k != signature} if isinstance(old, dict) else {}
        table[signature] = text
        while len(table) > RENDERINGS:
            del table[next(iter(table))]
        header["rendered"] = table
        entry.header = header
        self.put(entry)

    def writer(self, where: str, config_key: str, key: str, header: dict[str, Any]) -> Writer:
        """A writer for the entry of the file at `where` under `config_key`, made under
        `key` (the folder gets a `.gitignore` of `*`)."""
        if not self._ready:
            self._ready = True
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                ignore = self.folder / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# created by postlint\n*\n", encoding="utf-8")
            except OSError:
                pass
        return Writer(self, where, config_key, key, header)

    def flush(self) -> None:
        """Write the shards this run changed, each merged into what is on disk now (a
        concurrent run may have written it since it was read; per file, the last writer
        wins), atomically. Then drop the index of all but the `CONFIGS` config keys
        written last (an edited config or a new postlint leaves its old index behind)."""
        changed, self._changed = self._changed, {}
        if not changed:
            return
        try:
            os.makedirs(self._root, exist_ok=True)
        except OSError:
            return
        for name, files in sorted(changed.items()):
            ours = self._shards[name]
            path = self._shard_path(name)
            merged = _read_shard(path)
            for where in files:
                merged[where] = ours[where]
            if len(merged) > SHARD_RECORDS:
                merged = self._trimmed(merged, files)
            self._shards[name] = merged
            # a cache that cannot be written costs speed, never a result
            with contextlib.suppress(OSError, ValueError):
                _write_shard(path, merged)
        self._prune()

    def _trimmed(self, records: dict[str, Any], ours: set[str]) -> dict[str, Any]:
        """`records` without the oldest of those this run neither looked at nor wrote,
        down to `SHARD_RECORDS` (or to the ones it did, when they are more)."""
        used = self._used | ours

        def recorded(where: str) -> int:
            record = records[where]
            try:
                return int(record[1])
            except (TypeError, ValueError, IndexError, KeyError):
                return 0

        others = sorted((w for w in records if w not in used), key=recorded, reverse=True)
        keep = set(others[: max(SHARD_RECORDS - (len(records) - len(others)), 0)])
        return {w: r for w, r in records.items() if w in used or w in keep}

    def _prune(self) -> None:
        newest: dict[str, float] = {}
        files: dict[str, list[str]] = {}
        try:
            with os.scandir(self._root) as found:
                for item in found:
                    if item.name.startswith("index-") and not item.name.endswith(".tmp"):
                        config_key = item.name[len("index-") : -3]
                        files.setdefault(config_key, []).append(item.path)
                        mtime = item.stat().st_mtime
                        newest[config_key] = max(newest.get(config_key, 0.0), mtime)
        except OSError:
            return
        for config_key in sorted(newest, key=newest.__getitem__, reverse=True)[CONFIGS:]:
            for path in files[config_key]:
                with contextlib.suppress(OSError):
                    os.unlink(path)


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
