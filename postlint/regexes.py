"""Compiled regular expressions kept across runs, the way Python keeps bytecode.

The `regex` package compiles a pattern in Python (parse, optimise, emit a program of
integers) before its C engine takes the program. For the text model's URL patterns (the
TLD list) and the shipped rules' phrase lists that is most of a one-draft run: a third of
a second here. So the program the C engine received is kept in the user cache dir (one
small file per pattern, in a folder named after the `regex` files that made it, compiler
and engine, by size and time, and the Python version) and handed to the engine directly
next time. A file that is missing, damaged or made for another pattern is ignored and
written anew. Results never depend on it: the program
is the one `regex.compile` builds.

The C engine alone. Importing the `regex` package costs a one-draft run about 40 ms,
nearly all of it the compiler (`regex._regex_core`, `regex._main`), while a kept program
needs only the engine (`regex._regex`, one extension module: about 3 ms). So the engine is
loaded by itself, as the import system would load it (the package is found with
`importlib.util.find_spec`, which imports nothing, and the extension beside it), and
registered as `sys.modules["regex._regex"]`, so that the package, when it is imported
later, takes this very module (one engine, one `Pattern` type). The package is imported
the moment anything needs it (`_package()`): a pattern with no kept program, `escape`,
`error`, `purge` with patterns in `regex`'s own cache; the engine itself imports it for
what it leaves to Python (a `sub` template with a backslash, its error type). Anything
unexpected on the way (no such extension, a loader of another kind, an engine that
refuses a program) falls back to `import regex`. The flags postlint passes are defined
here as `regex` defines them (tests/test_regexes.py checks them), so that naming one
imports nothing. The engine is loaded alone only when programs are kept.

Set `POSTLINT_PATTERN_CACHE=0` to compile every pattern every time (and import `regex`).
"""

from __future__ import annotations

import _thread
import os
import sys
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from postlint.kept import read_checked, write_checked

if TYPE_CHECKING:
    from types import ModuleType

    from regex import error as error

#: the flags postlint uses, with the values of `regex`'s own (tests/test_regexes.py)
IGNORECASE = 0x2
MULTILINE = 0x8
DOTALL = 0x10
VERBOSE = 0x40
VERSION1 = V1 = 0x100
VERSION0 = V0 = 0x2000
FULLCASE = 0x4000

_lock = _thread.allocate_lock()  # threading.Lock, without importing threading
#: compiled in this process, by key and flags: a pattern asked for again (a kind that
#: builds one per post, as `regex`'s own cache allowed) costs a dict look-up, not a file
_here: dict[tuple[str, int], Any] = {}
_HERE_MAX = 2048
#: the C engine, once found (`_engine`)
_the_engine: ModuleType | None = None
#: what the kept programs' folder is named after (`_folder`)
_made_by: str | None = None
#: patterns of an engine loaded alone pickle (`_keep_pickling`)
_pickling_kept = False


def _package() -> ModuleType:
    """The `regex` package, imported now if it was not yet."""
    import regex

    engine = sys.modules.get("regex._regex")
    if engine is not None and getattr(regex, "_regex", None) is None:
        # an engine loaded alone and taken by `from regex import _regex` from sys.modules
        # is not set on the package as a fresh import of it would be
        regex._regex = engine
    package: ModuleType = regex
    return package


def _engine() -> ModuleType:
    """The C engine (`regex._regex`): the package's when it is imported, else loaded
    alone (see the module's docstring), else the package's after all."""
    global _the_engine
    if _the_engine is None:
        with _lock:  # one thread loads it (never called with the lock held)
            main = sys.modules.get("regex._main")
            if main is not None:
                _the_engine = main._regex
            elif _the_engine is None:
                _the_engine = _engine_alone() or _package()._main._regex
    return _the_engine


def _engine_alone() -> ModuleType | None:
    """`regex._regex` loaded without the package (None when anything is unexpected)."""
    loaded = sys.modules.get("regex._regex")
    if loaded is not None:
        return loaded
    try:
        spec = _engine_spec()
        if spec is None:
            return None
        from importlib.util import module_from_spec

        module = module_from_spec(spec)
        spec.loader.exec_module(module)
        # registered once whole (another thread never sees it half made); an engine some
        # other import registered meanwhile is the one to use
        engine: ModuleType = sys.modules.setdefault("regex._regex", module)
        return engine
    except Exception:
        return None


def _engine_spec() -> Any:
    """The spec of `regex._regex`, found beside the package's files, or None."""
    from importlib.machinery import ExtensionFileLoader, PathFinder

    locations = _package_folders()
    spec = PathFinder.find_spec("regex._regex", locations) if locations else None
    if spec is None or not isinstance(spec.loader, ExtensionFileLoader):
        return None
    return spec


def _package_folders() -> list[str]:
    """Where the `regex` package's files are (found, not imported, when it is not yet)."""
    module = sys.modules.get("regex")
    if module is not None:
        spec = module.__spec__
    else:
        from importlib.util import find_spec

        spec = find_spec("regex")  # a top-level name: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return []
    return list(spec.submodule_search_locations)


def _keep_pickling(engine: ModuleType, compiled: Any) -> None:
    """Patterns from an engine loaded alone pickle as `regex._main` makes them pickle (it
    registers the same when it is imported, and then nothing is needed here)."""
    global _pickling_kept
    if _pickling_kept or "regex._main" in sys.modules:
        return
    import copyreg

    def pickle(pattern: Any) -> tuple[Any, ...]:
        return engine.compile, pattern._pickled_data

    copyreg.pickle(type(compiled), pickle)
    _pickling_kept = True


def __getattr__(name: str) -> Any:
    """`error` (`regex.error`): the package is imported when an `except` clause needs it."""
    if name == "error":
        return _package().error
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def escape(text: str) -> str:
    """`regex.escape(text)`."""
    escaped: str = _package().escape(text)
    return escaped


def _folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "postlint", "patterns", _maker())


def _maker() -> str:
    """What made the kept programs: the `regex` package's compiler and engine files (their
    sizes and times, found without importing it) and the Python version; with a package
    whose files cannot be stat-ed, its version."""
    global _made_by
    if _made_by is None:
        python = f"py{sys.version_info[0]}{sys.version_info[1]}"
        stamp = _files_stamp()
        if stamp is None:
            _made_by = f"regex-{_package().__version__}-{python}"
        else:
            _made_by = f"regex-files-{zlib.crc32(stamp.encode()):08x}-{python}"
    return _made_by


def _files_stamp() -> str | None:
    try:
        engine = sys.modules.get("regex._regex")
        engine_file = getattr(engine, "__file__", None)
        if engine_file is None:
            spec = _engine_spec()
            engine_file = spec.origin if spec is not None else None
        folders = _package_folders()
        if not folders or not engine_file:
            return None
        parts = []
        for name in ("_main.py", "_regex_core.py", engine_file):
            st = os.stat(os.path.join(folders[0], name))
            parts.append(f"{os.path.basename(name)}:{st.st_size}:{st.st_mtime_ns}")
        return ";".join(parts)
    except Exception:  # a package without these files (zipped, compiled only)
        return None


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
    """Forget the patterns compiled in this process (`regex`'s own cache too, when it is
    imported: else it holds nothing); the kept programs stay."""
    _here.clear()
    if "regex._main" in sys.modules:
        _package().purge()


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
        return _package().compile(source(), flags)
    engine = _engine()  # the C engine: takes a compiled program
    path = _path(key, flags)
    args = _read(path, key, flags)
    if args is not None:
        try:
            compiled = engine.compile(*args)
        except Exception:  # a program this engine does not take: compile it again
            pass
        else:
            _keep_pickling(engine, compiled)
            return compiled
    regex = _package()
    engine = regex._main._regex  # the same module (sys.modules), whichever loaded it
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
