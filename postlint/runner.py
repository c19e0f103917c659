"""A lint run: find the draft files under the given paths, read each, lint it with the rules
its config enables. The I/O edge between the CLI and the pure linter.

Fast at every scale (see the README's Performance section):

- unchanged files come from the cache (postlint.cache) without building a rule;
- big CSV and JSONL exports are linted in parts of a few thousand records, so memory
  stays flat and the parts can run in parallel;
- `jobs` worker processes lint files and parts when the work is large enough to pay for
  them; cross-post rules (kinds with `new_state`) always run in this process, over every
  post in order, so they still see the whole run.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postlint.config import Config, Resolver, display_path
from postlint.drafts import SUFFIXES, Post, ReadSettings, Source, read_source
from postlint.linter import Problem, RunState, lint
from postlint.nlp import NLP_NEEDS

if TYPE_CHECKING:
    from postlint.cache import Cache, Entry, Writer
    from postlint.packs import Rule

STDIN = "-"
#: CSV and JSONL files above this size are linted in parts (flat memory, parallel parts)
PART_BYTES = 256 * 1024
#: records per part
PART_RECORDS = 2000
#: below this much uncached work (bytes), worker processes cost more than they save
PARALLEL_BYTES = 1 << 20
PARALLEL_FILES = 400
#: how many bytes the cache's first pass keeps for the lint pass (not read twice)
_KEEP_TOTAL = 64 << 20


@dataclass
class Result:
    """One linted source (or one part of a big one) with its problems and config.

    Big CSV/JSONL exports come as several results for the same file: `part` counts
    them from 0 and `final` marks the last one; every part carries the whole file's
    decoded text, so reporters can show any line."""

    source: Source
    problems: list[Problem]
    config: Config
    part: int = 0
    final: bool = True
    #: the run's cross-post state, so `--fix` re-lints a fixed file against the whole
    #: run (a duplicate of another file stays a duplicate)
    state: RunState | None = field(default=None, repr=False, compare=False)
    #: the result's output, when the run was given a `Renderer`: rendered by it, or
    #: replayed from the cache; the CLI writes it instead of calling the reporter
    rendered: str | None = field(default=None, repr=False, compare=False)
    #: what the problems count as (`postlint.report.problem_counts`), when the result was
    #: replayed from the cache with its output: the CLI counts these, and the problems
    #: are rebuilt only when something asks for them
    counts: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)


class _ReplayedResult(Result):
    """A result replayed from the cache with its output and counts, its problems rebuilt
    from the entry's bytes on first use (`Result.counts`)."""

    #: the part's marshalled problems and the path they are reported at, until rebuilt
    _lazy: tuple[bytes, str] | None = None

    @property
    def problems(self) -> list[Problem]:
        if self._lazy is not None:
            import marshal

            from postlint.cache import problems_from

            data, display = self._lazy
            self._lazy = None
            values = marshal.loads(data)
            if type(values) is not list:
                raise ValueError("damaged cache entry")
            self.__dict__["_problems"] = problems_from(values, display)
        problems: list[Problem] = self.__dict__["_problems"]
        return problems

    @problems.setter
    def problems(self, value: list[Problem]) -> None:
        self._lazy = None
        self.__dict__["_problems"] = value


class Renderer:
    """Renders results with the run's reporter into strings, so each file's output can be
    kept in its cache entry and a re-run of an unchanged file replays it as text, with no
    reporter and no line look-ups.

    Only for output formats whose output for a file depends on that file's results alone
    (given the colour setting), such as `text`, `concise` and `github`; `signature` names
    the format and colour. The file's displayed path is added per file (`signature_for`):
    a run from another folder shows other paths."""

    def __init__(self, reporter: Any, signature: str) -> None:
        self.reporter = reporter
        self.signature = signature

    def signature_for(self, display: str) -> str:
        return f"{self.signature}\0{display}"

    def __call__(self, result: Result) -> str:
        """What the reporter writes for `result` (its state moves on as if it had)."""
        import io

        stream = self.reporter.stream
        buffer = io.StringIO()
        self.reporter.stream = buffer
        try:
            self.reporter.file(result)
        finally:
            self.reporter.stream = stream
        return buffer.getvalue()


@dataclass
class Discovery:
    """Files found under the paths given, and paths that could not be used."""

    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def discover(paths: Sequence[str], resolver: Resolver) -> Discovery:
    """Expand paths: files as given, folders recursively (draft suffixes only, hidden
    folders and `exclude` globs skipped, symlinked folders not followed)."""
    found = Discovery()
    seen: set[Path] = set()
    named: set[str] = set()  # a file named twice (`a.md` and `$PWD/a.md`) is linted once
    for index, raw in enumerate(paths):
        path = Path(raw)
        if path.is_file():
            real = os.path.realpath(path)
            if path not in seen and real not in named:
                seen.add(path)
                named.add(real)
                found.files.append(path)
            continue
        if not path.is_dir():
            found.missing.append(raw)
            continue
        # one walk finds each file once: the set is for what other paths found or will
        # find (hashing every Path of a big tree costs a re-run about a tenth of its time)
        check = bool(seen)
        remember = index < len(paths) - 1
        for folder, dirs, files in os.walk(
            path,
            onerror=lambda e: found.notices.append(
                f"{display_path(e.filename)}: cannot read folder: {e.strerror}"
            ),
        ):
            base = Path(folder)  # one Path per folder: its files are its children
            config = resolver.config_for(base / "_")
            dirs[:] = sorted(
                d for d in dirs if not d.startswith(".") and not config.excluded(base / d)
            )
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                    continue
                file = base / name
                if config.excluded(file) or (check and file in seen):
                    continue
                if remember:
                    seen.add(file)
                found.files.append(file)
    return found


def _settings(resolver: Resolver, config: Config, path: Path | None) -> ReadSettings:
    platforms = resolver.platforms_for(config, path)
    settings = config.drafts
    if platforms != settings.platforms:
        settings = ReadSettings(settings.text_column, settings.max_file_size, platforms)
    return settings


def lint_file(
    path: Path | None,
    resolver: Resolver,
    state: RunState,
    *,
    data: bytes | None = None,
    display: str | None = None,
) -> Result:
    """Read and lint one draft (or stdin `data` reported as `display`)."""
    config = resolver.config_for(path)
    resolver.validate(config)
    rules = resolver.rules_for(config, path)
    settings = _settings(resolver, config, path)
    shown = display if display is not None else display_path(path) if path else STDIN
    source = read_source(path, settings, display=shown, data=data)
    catalog = resolver.catalog(config)
    problems = lint(
        source,
        rules,
        known_rules=catalog.rules,
        state=state,
        nlp_settings=config.tables.get("nlp"),
    )
    return Result(source, problems, config, state=state)


# --------------------------------------------------------------------------- units of work


class _CachedSource(Source):
    """The Source of a file replayed from the cache: its text is read and decoded only
    when something asks for it (a reporter that shows lines; replayed output does not)."""

    #: the file's bytes when the first pass kept them
    data: bytes | None = None

    def __getattr__(self, name: str) -> Any:
        if name != "text":
            raise AttributeError(name)
        from postlint.drafts import decode

        try:
            data = self.data if self.data is not None else Path(str(self.path)).read_bytes()
            text = decode(data)[0]
        except Exception:  # DraftError: cached with no text (binary, invalid UTF-8)
            text = ""
        self.data = None
        self.text = text
        return text


@dataclass
class _Unit:
    """A file, or a span of a big file's records, to lint in a worker or here."""

    path: str
    display: str
    span: tuple[int, int] | None = None
    data: bytes | None = None
    #: the index of the unit's first post, when known (linted in run order)
    base: int = 0
    #: about how many bytes of draft it holds (to fill batches for the workers)
    size: int = 0
    #: the file already read, its posts annotated by spaCy with other files' posts in one
    #: batch (`_annotate_ahead`); never sent to a worker
    source: Source | None = field(default=None, repr=False)


#: how many small files' posts go through spaCy together (each file alone is one short
#: `nlp.pipe` call: a folder of one-post drafts would run the pipeline a post at a time)
NLP_FILES = 64


def _annotate_ahead(units: Sequence[_Unit], resolver: Resolver, in_worker: bool) -> None:
    """Read the whole-file units whose rules need spaCy and annotate all their posts in one
    `nlp.annotate` per (needs, [nlp] settings), keeping each read source on its unit.

    Only an optimisation: a unit whose config, rules, file or pipeline fails here is left
    alone, so the same error comes from `_lint_unit` when that file's turn comes."""
    from postlint import nlp
    from postlint.linter import is_cross_post, nlp_needs

    groups: dict[tuple[frozenset[str], str], tuple[Any, list[_Unit]]] = {}
    for unit in units:
        if unit.span is not None or unit.source is not None:
            continue
        path = Path(unit.path)
        try:
            config = resolver.config_for(path)
            resolver.validate(config)
            rules = resolver.rules_for(config, path)
            if in_worker:
                rules = tuple(r for r in rules if not is_cross_post(r))
            needs = nlp_needs(rules)
            if not needs:
                continue
            settings = nlp.parse_settings(config.tables.get("nlp"))
            source = read_source(
                path, _settings(resolver, config, path), display=unit.display, data=unit.data
            )
        except Exception:  # reported by _lint_unit in its turn
            continue
        if not source.posts:
            continue
        unit.source = source
        groups.setdefault((needs, repr(settings)), (settings, []))[1].append(unit)
    for (needs, _), (settings, members) in groups.items():
        posts = [post for unit in members if unit.source for post in unit.source.posts]
        try:
            nlp.annotate(posts, needs, settings)
        except Exception:  # a missing model: _lint_unit says so in its turn
            for unit in members:
                unit.source = None


@dataclass
class _Output:
    """What linting a unit gives back (picklable: no posts, no rules)."""

    problems: list[Problem]
    posts: int
    source: Source | None = None
    #: the posts read, for the cross-post rules the parent runs (only when it has some)
    post_list: list[Post] | None = None


#: per process: the resolver of a worker (set by `_init_worker`; inherited when forked)
#: and the decoded text and line starts of the last big file split into parts, so each
#: process decodes a file once however many of its parts it lints
_WORKER: dict[str, Any] = {}


def _init_worker(config_path: Path | None, cli: Any) -> None:
    if "resolver" not in _WORKER:
        _WORKER["resolver"] = Resolver(config_path, cli)


def _lint_unit(
    unit: _Unit, resolver: Resolver | None = None, state: RunState | None = None
) -> _Output:
    """Lint a unit. In a worker (no `state`): the rules that look at one post at a time;
    here, in run order (`state` given): every rule."""
    from postlint.drafts import parse
    from postlint.linter import is_cross_post

    resolver = resolver or _WORKER["resolver"]
    path = Path(unit.path)
    config = resolver.config_for(path)
    resolver.validate(config)
    rules = resolver.rules_for(config, path)
    keep_posts = False
    if state is None:  # a worker: one state for its one-post-at-a-time rules
        state = _WORKER.setdefault("state", RunState())
        keep_posts = any(is_cross_post(r) for r in rules)
        rules = tuple(r for r in rules if not is_cross_post(r))
    settings = _settings(resolver, config, path)
    known = resolver.catalog(config).rules
    nlp = config.tables.get("nlp")
    annotated = unit.source is not None
    if unit.source is not None:  # read and annotated with other files (_annotate_ahead)
        source, unit.source = unit.source, None
    elif unit.span is None:
        source = read_source(path, settings, display=unit.display, data=unit.data)
    else:
        source = _part_source(path, unit.display)
        source.post_base = unit.base
        parse(source, path.suffix, settings, unit.span)
    problems = lint(
        source, rules, known_rules=known, state=state, nlp_settings=nlp, annotated=annotated
    )
    posts = source.posts
    for post in posts:  # what the parent needs of a post, not what the rules computed
        post.__dict__.pop("view", None)
        post.doc = None
    source.posts = []
    source.__dict__.pop("line_starts", None)
    return _Output(
        problems,
        len(posts),
        source if unit.span is None else None,
        posts if keep_posts else None,
    )


def _part_source(path: Path, display: str) -> Source:
    """An empty Source of a big file's whole text (decoded once per process)."""
    from postlint.drafts import decode

    st = path.stat()
    stamp = (str(path), st.st_size, st.st_mtime_ns)
    last = _WORKER.get("text")
    if last is None or last[0] != stamp:
        text, encoding, bom = decode(path.read_bytes())
        no_starts: list[int] = []
        _WORKER["text"] = last = (stamp, text, encoding, bom, no_starts)
    _, text, encoding, bom, starts = last
    source = Source(display, text, encoding, bom, path=path)
    if not starts:
        starts.extend(source.line_starts)
    source.__dict__["line_starts"] = starts
    return source


def _cross_post(
    resolver: Resolver,
    config: Config,
    path: Path,
    source: Source,
    posts: list[Post],
    state: RunState,
    base: int,
) -> list[Problem]:
    """The cross-post rules' problems on the posts a worker read from a file (or a part
    of it), linted here in run order."""
    from postlint.linter import is_cross_post

    rules = [r for r in resolver.rules_for(config, path) if is_cross_post(r)]
    if not rules or not posts:
        return []
    fresh = Source(source.display, source.text, source.encoding, source.bom, path=path)
    fresh.__dict__["line_starts"] = source.line_starts
    fresh.directives = source.directives
    for post in posts:
        post.index += base
    fresh.posts = posts
    return lint(
        fresh,
        rules,
        known_rules=resolver.catalog(config).rules,
        state=state,
        nlp_settings=config.tables.get("nlp"),
        rules_only=True,
    )


def _has_cross_post(rules: Sequence[Rule]) -> bool:
    from postlint.linter import is_cross_post

    return any(is_cross_post(r) for r in rules)


# --------------------------------------------------------------------------- the run


@dataclass
class _File:
    """A file of the run as the first pass saw it."""

    path: Path
    display: str
    size: int = -1
    data: bytes | None = None
    digest: str = ""
    key: str = ""
    #: what the cache holds for it: "" nothing usable, "file" an entry that depends on
    #: this file only, "run" an entry that depends on the whole run (cross-post rules)
    cached: str = ""
    #: a small entry, read whole by the first look at the cache (kept for the replay)
    entry: Any = None
    #: the config that applies to it, once looked up (`_Run.config`)
    config: Config | None = None
    #: with a cache: its absolute path (its record in the index), and whether the path
    #: is a symlink (resolved for its path relative to the config root)
    where: str = ""
    link: bool = False
    #: its record in the cache's index, as the first pass found it
    record: Any = None


class _Run:
    """One run over many files: cache lookups, parts, workers, results in file order."""

    def __init__(
        self,
        resolver: Resolver,
        cache: Cache | None,
        jobs: int | None,
        split: bool,
        progress: Callable[[int, int], None] | None,
        render: Renderer | None = None,
    ) -> None:
        self.resolver = resolver
        self.render = render
        self.cache = cache
        self.jobs = jobs
        self.split = split
        self.progress = progress
        self.state = RunState()
        self.fingerprint = ""
        self._config_keys: dict[int, str] = {}
        #: per (config root, folder): the folder relative to the root (`_relative`)
        self._folder_rels: dict[tuple[str, str], str] = {}
        #: per folder: its config (`config`) and its displayed path (`_display`)
        self._folder_configs: dict[str, Config] = {}
        self._folder_displays: dict[str, str] = {}
        self.pool: Any = None
        self._batch: _Batch | None = None
        self.files: list[_File] = []
        #: whether entries that depend on the whole run may be used: only when every file
        #: of the run has one (cross-post rules must see every post, in order)
        self.whole_run_cached = False

    # ---------------------------------------------------------------- keys

    def _config_key(self, config: Config) -> str:
        key = self._config_keys.get(id(config))
        if key is None:
            from postlint.cache import (
                digest,
                option_files_stamp,
                rule_files_digest,
                source_stamp,
            )
            from postlint.packs import builtin_rules_dir

            settings = [*config.rules.values()]
            settings += [s for o in config.overrides for s in o.rules.values()]
            key = digest(
                source_stamp(),
                repr(config),
                repr(self.resolver.cli),
                rule_files_digest([builtin_rules_dir(), *config.packs]),
                option_files_stamp(s.options for s in settings),
            )
            self._config_keys[id(config)] = key
        return key

    def config(self, file: _File) -> Config:
        """The config of `file`, looked up once per run (the look-up resolves its folder),
        and once per folder for the files the cache surveyed (their absolute paths)."""
        if file.config is None:
            if not file.where:
                file.config = self.resolver.config_for(file.path)
            else:
                folder = os.path.dirname(file.where)
                config = self._folder_configs.get(folder)
                if config is None:
                    config = self._folder_configs[folder] = self.resolver.config_for(file.path)
                file.config = config
        return file.config

    def _display(self, path: Path) -> str:
        """`display_path(path)`, worked out once per folder: a file's displayed path is its
        folder's, then its name (`display_path` asks for the working directory and
        resolves the path relative to it for every file given as an absolute path)."""
        text = os.fspath(path)
        folder, name = os.path.split(text)
        if not folder or not name or name.startswith("."):
            return display_path(text)
        shown = self._folder_displays.get(folder)
        if shown is None:
            if not os.path.isabs(folder) and ".." not in folder.split(os.sep):
                shown = os.path.normpath(folder)
            else:
                try:
                    shown = os.path.relpath(folder)
                except ValueError:
                    shown = ""
                if not shown or shown.startswith(".."):
                    shown = ""  # outside the working directory: shown as given
            self._folder_displays[folder] = shown
        if not shown:
            return text
        return name if shown == "." else os.path.join(shown, name)

    def _file_key(self, file: _File, config: Config) -> str:
        if not file.key:
            from postlint.cache import entry_key

            rel = self._relative(file, config)
            if self.resolver.cli.platforms or any(o.platforms for o in config.overrides):
                platforms = ",".join(self.resolver.platforms_for(config, file.path))
            else:  # what platforms_for gives, without its look-up of the path
                platforms = ",".join(config.platforms)
            file.key = entry_key(self._config_key(config), rel, platforms, file.digest)
        return file.key

    def _relative(self, file: _File, config: Config) -> str:
        """`config.relative(file.path)`, resolving each folder once: a file that is not a
        symlink is its resolved folder's path relative to the root, then its name (one
        look-up per folder, not one per file)."""
        folder, name = os.path.split(file.where)
        if file.link or not file.where or name in ("", ".", ".."):
            return config.relative(file.path)
        key = (str(config.root), folder)
        rel = self._folder_rels.get(key)
        if rel is None:
            rel = self._folder_rels[key] = config.relative(folder)
        return name if rel == "." else f"{rel}/{name}"

    # ---------------------------------------------------------------- first pass

    def survey(self, paths: Sequence[Path]) -> list[_File]:
        """Stat every file; with a cache, find its digest (recorded for its stat in the
        cache's index, else read and hashed) and fingerprint the run."""
        cache = self.cache
        if cache is None:
            files = []
            for path in paths:
                file = _File(path, display_path(path))
                try:
                    file.size = os.stat(path).st_size
                except OSError:
                    file.size = -1
                files.append(file)
            return files
        import stat
        import time

        from postlint.cache import content_digest, digest

        cwd = os.getcwd()
        # before any file is read: a file changed after this moment is never trusted by
        # a stat recorded now (the racy-timestamp guard, postlint.cache)
        read_ns = time.time_ns()
        files = []
        run_parts: list[str] = []
        kept = 0
        #: per folder as written (up to the file's name): its absolute path, config, config
        #: key and displayed path (None: each file's is worked out, `_display`)
        folders: dict[str, tuple[str, Config, str, str | None]] = {}
        S_ISLNK, S_ISREG, lstat = stat.S_ISLNK, stat.S_ISREG, os.lstat
        record_of, trusted = cache.record, cache.trusted_digest
        sep, altsep = os.sep, os.altsep
        for path in paths:
            text = os.fspath(path)
            cut = text.rfind(sep) + 1
            if altsep:
                cut = max(cut, text.rfind(altsep) + 1)
            head, name = text[:cut], text[cut:]
            known = folders.get(head)
            if known is None:
                config = self.resolver.config_for(path)
                shown: str | None = self._display(path)
                # display_path gives a file's folder as its folder's, then the name
                assert shown is not None
                shown = shown[: len(shown) - len(name)] if name and shown.endswith(name) else None
                known = folders[head] = (
                    os.path.join(cwd, head), config, self._config_key(config), shown,
                )  # fmt: skip
            where, config, config_key, shown = known
            where += name  # os.path.join(cwd, text)
            usual = shown is not None and name[:1] != "."
            display = f"{shown}{name}" if usual else self._display(path)
            file = _File(path, display, config=config, where=where)
            try:
                st = lstat(where)
                if S_ISLNK(st.st_mode):
                    file.link = True
                    st = os.stat(where)
            except OSError:
                st = None
            if st is not None and S_ISREG(st.st_mode):
                file.size = st.st_size
                file.record = record = record_of(config_key, where)
                file.digest = trusted(record, st)
            if not file.digest:
                # one open for the stat and the bytes
                data = None
                try:
                    with open(path, "rb") as fh:
                        st = os.fstat(fh.fileno())
                        file.size = st.st_size
                        if file.size <= self.config(file).drafts.max_file_size:
                            data = fh.read()
                except OSError:
                    if file.size < 0:  # could not be opened: as a failed stat says
                        with contextlib.suppress(OSError):
                            file.size = os.stat(path).st_size
                    data = None
                if data is not None:
                    file.digest = content_digest(data)
                    if st is not None and S_ISREG(st.st_mode):
                        file.record = cache.note_digest(config_key, where, st, file.digest, read_ns)
                    if kept + len(data) <= _KEEP_TOTAL:
                        file.data = data
                        kept += len(data)
            run_parts.append(f"{file.display}\0{file.digest}\n")
            files.append(file)
        self.fingerprint = digest("".join(run_parts))
        return files

    # ---------------------------------------------------------------- results

    def results(self, files: list[_File]) -> Iterator[Result]:
        """Lint every file, in order: from the cache, here, or in worker processes."""
        plans = (self._plan(f) for f in files)
        window: deque[tuple[Any, int]] = deque()
        # work in flight, so workers stay busy while memory stays bounded: a small file
        # weighs 1, a part of a big export (thousands of records) as much as a full batch
        limit = 1 if self.pool is None else 2 * (self.jobs or 1) * _Batch.UNITS
        weight = 0
        try:
            if self.pool is None:  # here, in order: small files' NLP in batches
                yield from self._serial(plans)
                return
            for plan in plans:
                units = plan[3][1] if plan[0] == "lint" else []
                w = sum(_Batch.UNITS if u.span is not None else 1 for u in units) or 1
                window.append((plan, w))
                weight += w
                while weight > limit and window:
                    done, w = window.popleft()
                    weight -= w
                    yield from self._finish(done)
            while window:
                yield from self._finish(window.popleft()[0])
        finally:
            if self.pool is not None:
                self.pool.terminate()
                self.pool.join()
            if self.cache is not None:
                self.cache.flush()  # the index, once, with what this run changed

    def _serial(self, plans: Iterator[Any]) -> Iterator[Result]:
        """Finish the plans in order, `NLP_FILES` at a time, the files of each chunk
        annotated by spaCy together."""
        while True:
            chunk = list(itertools.islice(plans, NLP_FILES))
            if not chunk:
                return
            units = [u for plan in chunk if plan[0] == "lint" for u in plan[3][1]]
            if len(units) > 1:
                _annotate_ahead(units, self.resolver, in_worker=False)
            for plan in chunk:
                if plan[0] == "cached":  # the usual file of a re-run, without generators
                    result = self._replay_one(*plan[1:])
                    if result is not None:
                        yield result
                        if self.progress is not None:
                            self.progress(1, 0)
                        continue
                yield from self._finish(plan)

    def check_entries(self, files: list[_File]) -> None:
        """Look at every file's entry before linting: entries that depend on the whole run
        are used only when every file has a valid one."""
        self.files = files
        if self.cache is None:
            return
        complete = True
        for file in files:
            if not file.digest:
                continue  # unreadable or too big: read no posts, so no cross-post state
            config = self.config(file)
            key = self._file_key(file, config)
            entry = self.cache.load(self._config_key(config), file.where, key, file.record)
            file.record = None
            if entry is None:
                complete = False
                continue
            fingerprint = entry.fingerprint
            file.entry = entry
            if fingerprint == "":
                file.cached = "file"
            elif fingerprint == self.fingerprint:
                file.cached = "run"
            else:
                complete = False
        self.whole_run_cached = complete

    def _plan(self, file: _File) -> Any:
        """Start the work for one file (submitting units to workers when there are any)."""
        config = self.config(file)
        if self.cache is not None and file.digest:
            key = self._file_key(file, config)
            usable = file.cached == "file" or (file.cached == "run" and self.whole_run_cached)
            entry = None
            if usable:
                entry = file.entry
                file.entry = None
            if entry is not None and entry.fingerprint not in ("", self.fingerprint):
                entry = None
            if entry is not None:
                return ("cached", file, config, entry)
        else:
            key = ""
        units = self._units(file)
        # a big export's parts go to the workers a few at a time (see _from_units), so
        # finished parts never pile up here
        started = [self._submit(u) for u in units[: self._ahead()]]
        return ("lint", file, config, (key, units, started))

    def _ahead(self) -> int:
        """How many parts of one file may be in the workers' hands at once."""
        return 2 * (self.jobs or 1) if self.pool is not None else 0

    def _units(self, file: _File) -> list[_Unit]:
        suffix = file.path.suffix.lower()
        whole = [_Unit(str(file.path), file.display, None, file.data, size=max(file.size, 0))]
        if not self.split or suffix not in (".csv", ".jsonl") or file.size < PART_BYTES:
            return whole
        config = self.config(file)
        if file.size > config.drafts.max_file_size:
            return whole
        from postlint.drafts import decode, record_starts
        from postlint.errors import DraftError

        try:
            data = file.data if file.data is not None else file.path.read_bytes()
            text = decode(data)[0]
        except (OSError, DraftError):
            return whole
        starts = record_starts(text, suffix)
        if suffix == ".csv":
            next(starts, None)  # the header is read by every part
        bounds = [s for i, s in enumerate(starts) if i % PART_RECORDS == 0]
        if len(bounds) < 2:
            return whole
        bounds.append(len(text))
        return [
            _Unit(str(file.path), file.display, (a, b), None, size=PART_BYTES)
            for a, b in itertools.pairwise(bounds)
        ]

    def _submit(self, unit: _Unit) -> Any:
        if self.pool is None:
            return None  # linted when its turn comes
        if self._batch is None:
            self._batch = _Batch(self.pool)
        handle = self._batch.add(unit)
        if self._batch.full():
            self._batch.send()
            self._batch = None
        return handle

    def _finish(self, plan: Any) -> Iterator[Result]:
        kind, file, config, payload = plan
        if kind == "cached":
            yield from self._from_cache(file, config, payload)
        else:
            yield from self._from_units(file, config, *payload)
        if self.progress is not None:
            self.progress(1, 0)

    def _cached_source(self, file: _File, header: dict[str, Any]) -> Source:
        source = _CachedSource(
            file.display, "", str(header.get("encoding", "utf-8")), bool(header.get("bom")),
            path=file.path,
        )  # fmt: skip
        source.data = file.data
        del source.text  # read when a reporter asks for it (a replayed file is not read)
        notices = header.get("notices")
        if notices:
            source.notices.extend(map(str, notices))
        return source

    def _replay_one(self, file: _File, config: Config, entry: Entry) -> Result | None:
        """The one result of a file whose entry is one part kept in the index (None for
        other entries, and when its problems do not read back: `_from_cache` deals with
        those)."""
        from postlint.cache import problems_from

        render = self.render
        if render is not None:
            counts = entry.counts()
            data = entry.only_data()
            replay = entry.rendered(render.signature_for(file.display))
            if counts is not None and data is not None and replay is not None:
                # the usual file of a re-run: its output and counts, no problem rebuilt
                replayed = _ReplayedResult(self._cached_source(file, entry.header), [], config)
                replayed._lazy = (data, file.display)
                replayed.rendered = replay
                replayed.counts = counts
                return replayed
        values = entry.only_part()
        if values is None:
            return None
        try:
            problems = problems_from(values, file.display)
        except ValueError:
            return None
        result = Result(self._cached_source(file, entry.header), problems, config)
        if render is not None:
            signature = render.signature_for(file.display)
            replay = entry.rendered(signature)
            if replay is not None:
                result.rendered = replay
            else:
                result.rendered = render(result)
                if self.cache is not None:
                    self.cache.add_rendering(entry, signature, result.rendered)
        return result

    def _from_cache(self, file: _File, config: Config, entry: Entry) -> Iterator[Result]:
        from postlint.cache import problems_from

        one = self._replay_one(file, config, entry)
        if one is not None:
            yield one
            return
        header = entry.header
        display = file.display
        source = self._cached_source(file, header)
        parts = int(header["parts"])
        render = self.render if parts == 1 else None
        signature = render.signature_for(display) if render is not None else ""
        replay = entry.rendered(signature) if render is not None else None
        try:
            for i, values in enumerate(entry.parts()):
                result = Result(source, problems_from(values, display), config, i, i == parts - 1)
                if replay is not None:
                    result.rendered = replay
                elif self.render is not None:
                    result.rendered = self.render(result)
                yield result
        except ValueError:
            # a damaged entry: lint the file again (nothing was yielded for a 1-part entry
            # unless its only part loaded, so only multi-part entries can get here late);
            # cross-post rules first see every earlier post of the run again
            if entry.fingerprint:
                self._replay_cross_post(file)
            yield from self._from_units(file, config, "", self._units(file), [])
            return
        if render is not None and replay is None and self.cache is not None:
            assert result.rendered is not None
            self.cache.add_rendering(entry, signature, result.rendered)

    def _replay_cross_post(self, upto: _File) -> None:
        """Rebuild the cross-post rules' state from every file before `upto` (their
        problems came from the cache; only the state is wanted)."""
        from postlint.linter import is_cross_post

        self.state = RunState()
        for file in self.files:
            if file is upto:
                return
            config = self.config(file)
            self.resolver.validate(config)
            rules = [r for r in self.resolver.rules_for(config, file.path) if is_cross_post(r)]
            if not rules or not file.digest:
                continue
            source = read_source(
                file.path, _settings(self.resolver, config, file.path), display=file.display
            )
            if source.posts:
                lint(source, rules, state=self.state, rules_only=True)

    def _from_units(
        self, file: _File, config: Config, key: str, units: list[_Unit], started: list[Any]
    ) -> Iterator[Result]:
        if units:  # config errors name the key (validate) before any rule is built
            self.resolver.validate(config)
        rules = self.resolver.rules_for(config, file.path) if units else ()
        cross = _has_cross_post(rules)
        in_workers = self.pool is not None
        writer: Writer | None = None
        base_posts = 0
        source: Source | None = None
        ahead = len(started)
        for i, unit in enumerate(units):
            if self.pool is not None and ahead and i + ahead < len(units):
                started.append(self._submit(units[i + ahead]))
            pending = started[i] if i < len(started) else None
            if pending is not None and pending.batch is self._batch:
                self._batch = None  # about to be waited for: send it as it is
            if pending is None:
                unit.base = base_posts
            output: _Output = (
                pending.get()
                if pending is not None
                else _lint_unit(unit, self.resolver, self.state)
            )
            if pending is not None:
                started[i] = None  # let the finished part's problems and posts go
            if output.source is not None:
                source = output.source
            elif source is None:  # the parts' file, decoded once for this process
                source = _part_source(file.path, file.display)
            problems = output.problems
            if base_posts and pending is not None:
                problems = [_shift(p, base_posts) for p in problems]
            if cross and in_workers and output.post_list:
                extra = _cross_post(
                    self.resolver, config, file.path, source, output.post_list, self.state,
                    base_posts,
                )  # fmt: skip
                if extra:
                    problems = sorted([*problems, *extra], key=_order)
            base_posts += output.posts
            if self.cache is not None and key and i == 0:
                writer = self.cache.writer(
                    file.where,
                    self._config_key(config),
                    key,
                    {
                        "encoding": source.encoding,
                        "bom": source.bom,
                        "notices": list(source.notices),
                        "fingerprint": self.fingerprint if cross else "",
                    },
                )
            if writer is not None:
                writer.add(problems)
            result = Result(source, problems, config, i, i == len(units) - 1, self.state)
            if self.render is not None:
                result.rendered = self.render(result)
                if writer is not None and len(units) == 1:
                    writer.render(self.render.signature_for(file.display), result.rendered)
            yield result
        if writer is not None:
            if _cacheable(source):
                writer.commit()
            else:
                writer.abort()

    def start_pool(self, files: Sequence[_File], config_path: Path | None) -> None:
        """Start worker processes when the uncached work is large enough to pay for them."""
        jobs = self.jobs
        if jobs is not None and jobs <= 1:
            return
        work = [f for f in files if not self._cached(f)]
        size = sum(max(f.size, 0) for f in work)
        if jobs is None:
            if size < PARALLEL_BYTES and len(work) < PARALLEL_FILES:
                return
            jobs = _cpu_count()
            if jobs <= 1:
                return
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "fork":
            _WORKER["resolver"] = self.resolver
            # build the rules before forking, so every worker inherits them
            for f in work[:1]:
                config = self.config(f)
                self.resolver.validate(config)
                self.resolver.rules_for(config, f.path)
        self.jobs = jobs
        self.pool = context.Pool(jobs, _init_worker, (config_path, self.resolver.cli))

    def _cached(self, file: _File) -> bool:
        return file.cached == "file" or (file.cached == "run" and self.whole_run_cached)


class _Handle:
    """A unit's place in a batch sent to the workers."""

    def __init__(self, batch: _Batch, index: int) -> None:
        self.batch = batch
        self.index = index

    def get(self) -> _Output:
        return self.batch.result()[self.index]


class _Batch:
    """Units sent to a worker together: small files cost less in batches than one by one."""

    #: units per batch, and bytes of draft per batch
    UNITS = 64
    BYTES = 256 * 1024

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.units: list[_Unit] = []
        self.size = 0
        self.pending: Any = None
        self._result: list[_Output] | None = None

    def add(self, unit: _Unit) -> _Handle:
        self.units.append(unit)
        self.size += unit.size
        return _Handle(self, len(self.units) - 1)

    def full(self) -> bool:
        return len(self.units) >= self.UNITS or self.size >= self.BYTES

    def send(self) -> None:
        if self.pending is None:
            self.pending = self.pool.apply_async(_lint_batch, (self.units,))

    def result(self) -> list[_Output]:
        if self._result is None:
            self.send()
            self._result = self.pending.get()
            self.units = []
        return self._result


def _lint_batch(units: list[_Unit]) -> list[_Output]:
    """A worker's task: lint a batch of units (small files' NLP in one batch)."""
    if len(units) > 1:
        _annotate_ahead(units, _WORKER["resolver"], in_worker=True)
    return [_lint_unit(unit) for unit in units]


def _shift(problem: Problem, posts: int) -> Problem:
    """A part's problem with its post index counted from the top of the file."""
    return problem._replace(post=problem.post + posts) if problem.post >= 0 and posts else problem


def _order(p: Problem) -> tuple[int, int, str]:
    return (p.line, p.column, p.rule)


def _cacheable(source: Source | None) -> bool:
    """Files that could not be read are linted again next time (permissions change)."""
    return source is not None and not any(m.startswith("cannot read") for m, _, _ in source.errors)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(
    files: Sequence[Path],
    resolver: Resolver,
    *,
    stdin: bytes | None = None,
    stdin_filename: str | None = None,
    jobs: int | None = 1,
    cache: Cache | None = None,
    split: bool = True,
    progress: Callable[[int, int], None] | None = None,
    render: Renderer | None = None,
) -> Iterator[Result]:
    """Lint each file in order (and stdin first, when given).

    `jobs`: worker processes (None: the machine's cores, when the work is large enough);
    `cache`: reuse and store results; `split`: lint big CSV/JSONL exports in parts;
    `progress(done, total)`: called with (0, total) first, then (1, 0) per file;
    `render`: set each file's `Result.rendered` (kept in the cache, replayed from it).
    """
    state = RunState()
    if stdin is not None:
        path = Path(stdin_filename) if stdin_filename else None
        yield lint_file(path, resolver, state, data=stdin, display=stdin_filename or STDIN)
    the_run = _Run(resolver, cache, jobs, split, progress, render)
    the_run.state = state
    surveyed = the_run.survey(files)
    the_run.check_entries(surveyed)
    if progress is not None:
        progress(0, len(surveyed))
    the_run.start_pool(surveyed, resolver.config_path)
    yield from the_run.results(surveyed)


def doc_example_errors(rules: Sequence[Rule], resolver: Resolver, config: Config) -> list[str]:
    """`check-config` for a team's own rules: each rule's `doc.example` must trigger it
    and `doc.use_instead` must not, with the rule's own default options (the shipped
    packs are held to the same by the test suite). One line per rule that fails."""
    from postlint.drafts import read_source
    from postlint.packs import builtin_rules_dir

    builtin = builtin_rules_dir().resolve()
    catalog = resolver.catalog(config)
    errors = []
    for enabled in rules:
        if enabled.path.resolve().is_relative_to(builtin) or enabled.doc.example_config:
            continue  # shipped rules: tests/test_rule_cases.py; a config: not ours to build
        if enabled.needs & NLP_NEEDS:
            continue  # check-config never loads spaCy (a tokens rule is checked as it loads)
        rule = catalog.rules[enabled.name].build(where=display_path(enabled.path))
        name = enabled.doc.example_file or "draft.txt"
        for key, text, fires in (
            ("doc.example", enabled.doc.example, True),
            ("doc.use_instead", enabled.doc.use_instead, False),
        ):
            if not text:
                continue
            source = read_source(None, config.drafts, display=name, data=text.encode("utf-8"))
            found = lint(source, (rule,), state=RunState(), nlp_settings=config.tables.get("nlp"))
            if any(p.rule == rule.name for p in found) != fires:
                does = "does not trigger the rule" if fires else "triggers the rule"
                errors.append(f"{display_path(enabled.path)}: {key}: {text!r} {does}")
    return errors
