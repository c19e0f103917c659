"""Apply fixes safely: non-overlapping edits, one re-lint, atomic writes that keep every
byte outside the edits (encoding, BOM, line endings, other posts, CSV quoting).

The linter has already turned each kind's fix into file edits, escaped for the cell the
post lives in (CSV, JSONL) and written in the file's line endings; here fixes are
chosen (safe ones, unsafe ones only with `--unsafe-fixes`, never two that overlap),
applied to the decoded text, encoded back exactly as the file was, and written by
temp file + rename, only if the file still holds what was read.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import os
import sys
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


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two edit spans collide. Two insertions collide at the same point (their
    order would be arbitrary); an insertion collides with a replacement it falls
    strictly inside, and touching spans do not collide."""
    if a == b:
        return True
    if a[0] == a[1] or b[0] == b[1]:
        return a[0] == b[0] or (b[0] < a[0] < b[1]) or (a[0] < b[0] < a[1])
    return a[0] < b[1] and b[0] < a[1]


def _valid(edits: Sequence[FileEdit], size: int | None) -> bool:
    """A fix's own edits are in bounds and do not overlap one another."""
    spans = sorted((e.start, e.end) for e in edits)
    for start, end in spans:
        if start < 0 or end < start or (size is not None and end > size):
            return False
    return not any(_overlaps(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :])


def choose_fixes(
    problems: Sequence[Problem], unsafe: bool, size: int | None = None
) -> list[Problem]:
    """The problems whose fixes to apply: safe ones (and unsafe ones if `unsafe`), in
    file order, skipping a fix that overlaps one already chosen or is itself invalid."""
    chosen: list[Problem] = []
    taken: list[tuple[int, int]] = []
    for problem in sorted(problems, key=lambda p: (p.start, p.end, p.rule)):
        fix = problem.fix
        if fix is None or not fix.edits or (not fix.safe and not unsafe):
            continue
        if not _valid(fix.edits, size):
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any(_overlaps(s, t) for s in spans for t in taken):
            continue
        chosen.append(problem)
        taken.extend(spans)
    return chosen


def choose_edits(problems: Sequence[Problem], unsafe: bool) -> list[FileEdit]:
    """The edits of the chosen fixes (see `choose_fixes`), sorted by position."""
    edits = [e for p in choose_fixes(problems, unsafe) if p.fix for e in p.fix.edits]
    return sorted(edits, key=lambda e: (e.start, e.end))


def apply_edits(text: str, edits: Sequence[FileEdit]) -> str:
    """Apply non-overlapping edits to `text`; everything between them is kept as is."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at offset {edit.start}")
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
    keeping the original's permission bits. A symlink is followed: its target is
    rewritten and the link stays a link."""
    target = path.resolve()
    mode = target.stat().st_mode
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".postlint", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def unified_diff(display: str, before: str, after: str) -> str:
    """A unified diff of a fix, as `--diff` prints it (git's marker for a last line
    without a line ending, so the output stays a valid patch). A relative path gets
    git's `a/` and `b/` prefixes (`git apply`, `patch -p1`); an absolute one is shown
    as it is on both sides (`a//tmp/x.txt` names no file)."""
    absolute = os.path.isabs(display) or display.startswith("~")
    old, new = (display, display) if absolute else (f"a/{display}", f"b/{display}")
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=old,
        tofile=new,
    ):
        if line.endswith(("\n", "\r")):
            lines.append(line)
        else:
            lines.append(line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _write_stdout(source: Source, text: str) -> None:
    """Print a fixed stdin draft in the bytes it came in (encoding, BOM)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(encode(source, text))
    buffer.flush()


def fix_result(
    result: Any, resolver: Any, *, unsafe: bool, diff: bool, to_stdout: bool, summary: Any
) -> Any:
    """Apply a result's fixes (or print their diff), re-lint once, return the new result.

    Writes only when fixes were chosen, `diff` is off and the file still holds what was
    read; standard input is fixed to standard output instead of a file.
    """
    from postlint.runner import lint_file

    source = result.source
    chosen = choose_fixes(result.problems, unsafe, len(source.text))
    edits = [e for p in chosen if p.fix for e in p.fix.edits]
    if not edits:
        if to_stdout and not diff:
            _write_stdout(source, source.text)
        return result
    fixed_text = apply_edits(source.text, edits)
    if diff:
        sys.stdout.write(unified_diff(source.display, source.text, fixed_text))
        return result
    data = encode(source, fixed_text)
    if to_stdout:
        _write_stdout(source, fixed_text)
    elif source.path is not None:
        try:
            unchanged = source.path.read_bytes() == encode(source, source.text)
        except OSError:
            unchanged = False
        if not unchanged:
            sys.stderr.write(
                f"postlint: {source.display}: changed on disk while it was linted; not fixed\n"
            )
            return result
        write_atomic(source.path, data)
    else:
        return result
    # re-lint once, exactly as the file was linted (config, platforms, NLP settings) and
    # with the run's cross-post state: the fixed posts replace what they said before, so
    # a duplicate of another file (duplicate-post, canned-reply) is still reported and
    # the exit code is what a plain lint of the fixed files says
    from postlint.linter import RunState

    state = result.state or RunState()
    path = source.path
    again = lint_file(path, resolver, state, data=data, display=source.display)
    summary.fixed += len(chosen)
    return dataclasses.replace(result, source=again.source, problems=again.problems)
