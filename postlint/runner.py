"""A lint run: find the draft files under the given paths, read each, lint it with the rules
its config enables. The I/O edge between the CLI and the pure linter."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from postlint.config import Config, Resolver, display_path
from postlint.drafts import SUFFIXES, ReadSettings, Source, read_source
from postlint.linter import Problem, RunState, lint

STDIN = "-"


@dataclass
class Result:
    """One linted source with its problems and the config that applied."""

    source: Source
    problems: list[Problem]
    config: Config


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
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            if path not in seen:
                seen.add(path)
                found.files.append(path)
            continue
        if not path.is_dir():
            found.missing.append(raw)
            continue
        for folder, dirs, files in os.walk(
            path,
            onerror=lambda e: found.notices.append(
                f"{display_path(e.filename)}: cannot read folder: {e.strerror}"
            ),
        ):
            config = resolver.config_for(Path(folder) / "_")
            dirs[:] = sorted(
                d for d in dirs if not d.startswith(".") and not config.excluded(Path(folder) / d)
            )
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                    continue
                file = Path(folder) / name
                if config.excluded(file) or file in seen:
                    continue
                seen.add(file)
                found.files.append(file)
    return found


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
    platforms = resolver.platforms_for(config, path)
    settings = config.drafts
    if platforms != settings.platforms:
        settings = ReadSettings(settings.text_column, settings.max_file_size, platforms)
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
    return Result(source, problems, config)


def run(
    files: Sequence[Path],
    resolver: Resolver,
    *,
    stdin: bytes | None = None,
    stdin_filename: str | None = None,
) -> Iterator[Result]:
    """Lint each file in order (and stdin first, when given)."""
    state = RunState()
    if stdin is not None:
        path = Path(stdin_filename) if stdin_filename else None
        yield lint_file(path, resolver, state, data=stdin, display=stdin_filename or STDIN)
    for file in files:
        yield lint_file(file, resolver, state)
