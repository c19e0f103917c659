"""Compiled regular expressions kept across runs, the way Python keeps bytecode.

The `regex` package compiles a pattern in Python (parse, optimise, emit a program of
integers) before its C engine takes the program. For the text model's URL patterns (the
TLD list) and the shipped rules' phrase lists that is most of a one-draft run: a third of
a second here. So the program the C engine received is kept in the user cache dir (one
small file per pattern, in a folder named after the `regex` and Python versions that made
it) and handed to the engine directly next time. A file that is missing, damaged or made
for another pattern is ignored and written anew. Results never depend on it: the program
is the one `regex.compile` builds.

Set `POSTLINT_PATTERN_CACHE=0` to compile every pattern every time.
"""

from __future__ import annotations

import os
import sys
import threading
import zlib
from collections.abc import Callable
from typing import Any

import regex

from postlint.kept import read_checked, write_checked

_lock = threading.Lock()
#: compiled in this process, by key and flags: a pattern asked for again (a kind that
#: builds one per post, as `regex`'s own cache allowed) costs a dict look-up, not a file
_here: dict[tuple[str, int], Any] = {}
_HERE_MAX = 2048


def _folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = f"regex-{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
    return os.path.join(base, "postlint", "patterns", name)


def _enabled() -> bool:
    return os.environ.get("POSTLINT_PATTERN_CACHE", "1") not in ("0", "false", "no", "")


def _path(pattern: str, flags: int) -> str:
    data = pattern.encode("utf-8", "surrogatepass")
    return os.path.join(_folder(), f"{zlib.crc32(data):08x}-{len(data):x}-{flags:x}.bin")


def _read(path: str, pattern: str, flags: int) -> tuple[Any, ...] | None:
    """The kept program of (`pattern`, `flags`), or None (none yet, damaged, another)."""
    # `pattern` is the key: the pattern itself, or a built pattern's name and stamp
    kept = read_checked(path)
    if (
        isinstance(kept, tuple)
        and len(kept) == 3
        and kept[0] == pattern
        and kept[1] == flags
        and isinstance(kept[2], tuple)
    ):
        return kept[2]
    return None


def _write(path: str, pattern: str, flags: int, args: tuple[Any, ...]) -> None:
    """Keep a program (atomically; a read-only home keeps nothing: compile next time)."""
    write_checked(path, (pattern, flags, args))


def purge() -> None:
    """Forget the patterns compiled in this process (`regex`'s own cache too); the kept
    programs stay."""
    _here.clear()
    regex.purge()


def compile(pattern: str, flags: int = 0) -> Any:
    """`regex.compile(pattern, flags)`, from the kept program when there is one."""
    return _compiled(pattern, int(flags), lambda: pattern)


def compile_built(name: str, stamp: str, build: Callable[[], str], flags: int = 0) -> Any:
    """A pattern built from data (the text model's TLD trie), kept under `name` and
    `stamp` (what it is built from: file sizes and times), so that a kept program spares
    building the source too; `build()` runs only when none is kept. An empty `stamp`
    (nothing to stamp by) keys the program by its source, as `compile` does."""
    if not stamp:
        return compile(build(), flags)
    return _compiled(f"{name}\0{stamp}", int(flags), build)


def _compiled(key: str, flags: int, source: Callable[[], str]) -> Any:
    compiled = _here.get((key, flags))
    if compiled is None:
        compiled = _from_store(key, flags, source)
        if len(_here) >= _HERE_MAX:
            _here.clear()
        _here[(key, flags)] = compiled
    return compiled


def _from_store(key: str, flags: int, source: Callable[[], str]) -> Any:
    if not _enabled():
        return regex.compile(source(), flags)
    engine = regex._main._regex  # the C engine: takes a compiled program
    path = _path(key, flags)
    args = _read(path, key, flags)
    if args is not None:
        try:
            return engine.compile(*args)
        except Exception:  # a program this engine does not take: compile it again
            pass
    pattern = source()
    seen: list[tuple[Any, ...]] = []
    with _lock:
        real = engine.compile

        def keep(*given: Any) -> Any:
            seen.append(given)
            return real(*given)

        engine.compile = keep
        try:
            compiled = regex.compile(pattern, flags)
        finally:
            engine.compile = real
    if len(seen) == 1:  # none: `regex` had it in its own in-process cache already
        # flags come as an IntFlag, which marshal cannot write: keep plain ints
        _write(path, key, flags, tuple(int(a) if isinstance(a, int) else a for a in seen[0]))
    return compiled
