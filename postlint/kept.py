"""Start-up work kept across runs in the user cache dir, the way Python keeps bytecode.

A one-draft run is mostly start-up, and part of start-up gives the same result every
time. Such parts are kept here (`postlint.regexes` keeps another, compiled patterns):

- dataclass methods. `dataclasses` writes the `__init__`, `__eq__`, `__repr__`, … of
  each class as source text and compiles it: about a millisecond a class, and a
  one-draft run creates some forty. `keep_dataclass_code()` gives the `dataclasses`
  module an `exec` that keeps each compiled text by the text itself, so the classes are
  made from the very code `exec` would compile, without compiling it again (postlint's
  own classes only).
- rule files. `toml_file(path)` reads the file every time (an edited rule file is seen at
  once) and parses it only when its bytes differ from the bytes the kept values were
  parsed from; the caller validates the values as before, so every error is the same.
- data built from shipped files (`built(name, stamp, build)`): the hashtag word list,
  sorted for look-ups, which takes longer to build than to read (one file per stamp).

Each store is one file (`NAME.bin`: a crc32, then `marshal` data) in a folder named after
the Python build and postlint's version, read on first use and written back once, at
exit, when the run added something (atomically: a temporary file renamed into place;
built data is written when it is built). A missing, damaged or foreign file is ignored
and written anew. Results never depend on it.
The cache dir is the user's own, as `__pycache__` is: code read from it is trusted as
bytecode is.

Set `POSTLINT_STARTUP_CACHE=0` to keep nothing.
"""

from __future__ import annotations

import _thread
import atexit
import marshal
import os
import sys
import types
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from postlint import __version__

#: bump when what a store holds changes shape
_LAYOUT = 3


def enabled() -> bool:
    return os.environ.get("POSTLINT_STARTUP_CACHE", "1") not in ("0", "false", "no", "")


def folder() -> str:
    """The stores' folder: one per Python build (code objects are version-specific) and
    postlint version."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    build = f"{sys.implementation.cache_tag}-{zlib.crc32(sys.version.encode()):08x}"
    return os.path.join(base, "postlint", "kept", f"{build}-{__version__}-{_LAYOUT}")


class Store:
    """One kept dict, `NAME.bin`: loaded on first use, written back at exit if it grew.

    `valid(value)` checks each value read from the file (a foreign file is ignored);
    `limit` bounds the entries (past it the store starts again empty); `live(key)`, when
    given, says which entries are still worth writing back."""

    def __init__(
        self,
        name: str,
        valid: Callable[[Any], bool],
        limit: int = 4096,
        live: Callable[[Any], bool] | None = None,
    ) -> None:
        self.name = name
        self.valid = valid
        self.limit = limit
        self.live = live
        self._values: dict[Any, Any] | None = None
        self._grown = False

    def get(self, key: Any) -> Any:
        """The value kept under `key`, or None."""
        if self._values is None:
            self._values = self._load()
        return self._values.get(key)

    def put(self, key: Any, value: Any) -> None:
        """Keep `value` (plain data `marshal` can write) under `key` from now on."""
        if self._values is None:
            self._values = self._load()
        try:  # a copy: what the caller goes on to do with `value` is not kept
            value = marshal.loads(marshal.dumps(value))
        except ValueError:  # a value marshal cannot write (a TOML date): not kept
            return
        if len(self._values) >= self.limit:
            self._values = {}
        self._values[key] = value
        if not self._grown:
            self._grown = True
            atexit.register(self.save)

    def path(self) -> str:
        return os.path.join(folder(), f"{self.name}.bin")

    def _load(self) -> dict[Any, Any]:
        values = read_checked(self.path())
        if not isinstance(values, dict) or not all(map(self.valid, values.values())):
            return {}
        return values

    def save(self) -> None:
        """Write the store (atomically); a read-only home keeps nothing."""
        if not self._grown or self._values is None:
            return
        self._grown = False
        if self.live is not None:
            self._values = {k: v for k, v in self._values.items() if self.live(k)}
        write_checked(self.path(), self._values)


def read_checked(path: str) -> Any:
    """The value `write_checked` wrote to `path`, or None (missing, damaged, unreadable)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        if zlib.crc32(data[4:]) != int.from_bytes(data[:4], "little"):
            return None
        return marshal.loads(data[4:])
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write_checked(path: str, value: Any) -> None:
    """Write `value` (marshal data after its crc32) to `path` atomically: a temporary file
    renamed into place. A read-only home, or a value marshal cannot write, keeps nothing."""
    try:
        payload = marshal.dumps(value)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.{_thread.get_ident()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(zlib.crc32(payload).to_bytes(4, "little") + payload)
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass


# --------------------------------------------------------------------------- dataclasses

_code = Store("dataclass-code", lambda value: isinstance(value, types.CodeType), limit=1024)


def keep_dataclass_code() -> None:
    """From now on, `dataclasses` compiles each method text once across runs.

    `dataclasses` runs `exec(text, globals, namespace)` on the source it writes; the
    module-level `exec` given to it here compiles `text` as `exec` would (file name
    `<string>`, no inherited `__future__` flags, as in `dataclasses` itself) or takes the
    code kept for that exact text, then runs it with the same globals and namespace."""
    import dataclasses

    if not enabled() or "exec" in vars(dataclasses):
        return
    module_globals = vars(dataclasses)

    def exec_kept(
        source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /
    ) -> None:
        # postlint's own classes only (`globals` is the class's module's): a process that
        # imports postlint (a test run, a plugin's) keeps no one else's
        if isinstance(source, str) and _ours(globals):
            code = _code.get(source)
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                _code.put(source, code)
            source = code
        # `exec` without globals would run in its caller's: here, the dataclasses module
        exec(source, module_globals if globals is None else globals, locals)

    dataclasses.exec = exec_kept  # type: ignore[attr-defined]


def _ours(module_globals: dict[str, Any] | None) -> bool:
    name = module_globals.get("__name__") if module_globals is not None else None
    return isinstance(name, str) and (name == "postlint" or name.startswith("postlint."))


# --------------------------------------------------------------------------- built data


def built(
    name: str,
    stamp: str,
    build: Callable[[], Any],
    valid: Callable[[Any], bool] = lambda value: True,
) -> Any:
    """`build()`, or the value it gave before under the same `stamp` (what it is built
    from: file sizes and times, options), as `postlint.regexes.compile_built` keeps
    patterns. Each stamp has a file of its own (`NAME-CRC.bin`, written as soon as it is
    built), so a run reads only the value it needs; `valid(value)` checks what is read."""
    if not enabled():
        return build()
    path = os.path.join(folder(), f"{name}-{zlib.crc32(stamp.encode()):08x}.bin")
    kept = read_checked(path)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp and valid(kept[1]):
        return kept[1]
    value = build()
    write_checked(path, (stamp, value))
    return value


# --------------------------------------------------------------------------- TOML files


def _is_parsed(value: Any) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], bytes)
        and isinstance(value[1], dict)
    )


#: a file that no longer exists (a test's or a deleted project's) is not written back: every
#: run reads the whole store
_toml = Store("toml", _is_parsed, limit=1024, live=os.path.isfile)


def toml_file(path: Path) -> dict[str, Any]:
    """`tomllib.load` of the file at `path` (the same values, the same exceptions), from
    the kept values when the file's bytes are the bytes they were parsed from."""
    with path.open("rb") as fh:
        data = fh.read()
    if not enabled():
        return _parse(data)
    key = os.path.abspath(path)
    kept = _toml.get(key)
    if kept is not None and kept[0] == data:
        return _copy(kept[1])  # the caller may change what it gets
    values = _parse(data)
    _toml.put(key, (data, values))
    return values


def _copy(values: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = marshal.loads(marshal.dumps(values))
    return copied


def _parse(data: bytes) -> dict[str, Any]:
    from postlint._toml import tomllib

    # what `tomllib.load` does with the bytes it reads
    values: dict[str, Any] = tomllib.loads(data.decode())
    return values
