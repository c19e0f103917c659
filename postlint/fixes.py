"""Apply fixes safely: non-overlapping edits, one re-lint, atomic writes that keep every
byte outside the edits (encoding, BOM, line endings, other posts, CSV quoting)."""

from __future__ import annotations

import codecs
import difflib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from postlint.drafts import Source
from postlint.linter import FileEdit, Problem

_BOM = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def choose_edits(problems: Sequence[Problem], unsafe: bool) -> list[FileEdit]:
    """The edits to apply: from fixable problems (safe ones unless `unsafe`), in order,
    skipping any fix that overlaps one already chosen."""
    chosen: list[FileEdit] = []
    taken: list[tuple[int, int]] = []
    for problem in sorted(problems, key=lambda p: (p.start, p.end)):
        fix = problem.fix
        if fix is None or (not fix.safe and not unsafe):
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any(_overlaps(s, t) for s in spans for t in taken):
            continue
        chosen.extend(fix.edits)
        taken.extend(spans)
    return sorted(chosen, key=lambda e: (e.start, e.end))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a == b:
        return True
    if a[0] == a[1] or b[0] == b[1]:  # insertions collide only at the same point inside
        return a[0] == b[0] or (b[0] < a[0] < b[1]) or (a[0] < b[0] < a[1])
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Sequence[FileEdit]) -> str:
    """Apply sorted, non-overlapping edits to `text`."""
    out = []
    pos = 0
    for edit in edits:
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def encode(source: Source, text: str) -> bytes:
    """Encode text back the way the source was: same encoding, same BOM."""
    data = text.encode(source.encoding)
    return (_BOM.get(source.encoding, b"") + data) if source.bom else data


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename over the original,
    keeping the original's permission bits."""
    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".postlint", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def unified_diff(display: str, before: str, after: str) -> str:
    """A unified diff of a fix, as `--diff` prints it."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{display}",
            tofile=f"b/{display}",
        )
    )


def fix_result(
    result: Any, resolver: Any, *, unsafe: bool, diff: bool, to_stdout: bool, summary: Any
) -> Any:
    """Apply a result's fixes (or print their diff), re-lint once, return the new result.

    Writes only when edits were chosen and `diff` is off; standard input is fixed to
    standard output instead of a file.
    """
    import sys

    from postlint.drafts import Source, parse
    from postlint.linter import lint
    from postlint.runner import Result

    source = result.source
    edits = choose_edits(result.problems, unsafe)
    if not edits:
        if to_stdout and not diff:
            sys.stdout.write(source.text)
        return result
    fixed_text = apply_edits(source.text, edits)
    if diff:
        sys.stdout.write(unified_diff(source.display, source.text, fixed_text))
        return result
    if to_stdout:
        sys.stdout.write(fixed_text)
    elif source.path is not None:
        write_atomic(source.path, encode(source, fixed_text))
    new_source = Source(source.display, fixed_text, source.encoding, source.bom, path=source.path)
    suffix = Path(source.display).suffix or ".txt"
    config = result.config
    rules = resolver.rules_for(config, source.path)
    parse(new_source, suffix, config.drafts)
    catalog = resolver.catalog(config)
    problems = lint(new_source, rules, known_rules=catalog.rules)
    summary.fixed += (
        len(result.problems) - len(problems) if len(problems) < len(result.problems) else 0
    )
    return Result(new_source, problems, config)
