"""The `postlint` command's entry point, and the lint run behind `postlint check`.

`postlint PATH...` is `postlint check PATH...`. Exit codes: 0 nothing at or above the
fail level, 1 problems at or above it, 2 usage, config or environment errors (and bugs,
which print one line and where the traceback went). The click commands are in
postlint.commands (`cli` here is that group, imported on first use).

A fast path for the most common command line. Importing click costs a one-draft run about
a tenth of its time, so `main()` runs `postlint [--no-cache] [--cache-dir DIR] PATH...`
(nothing else on the command line: no other option, no `-`, no command name first) without
importing it, by calling what the click command `check` calls with the values click would
pass: the paths as given (a `click.Path(path_type=str)` without checks returns its value
unchanged), DIR as a Path (a DIR that is a file, or odd, goes to click for its error) and
every other option at its default. (`--cache-dir` is how CI and pre-commit keep the cache
somewhere of their own, and how benchmarks/run.py times a re-run.) Anything else goes to
click, as does a run where click's shell completion is asked for (`_POSTLINT_COMPLETE`) or
on Windows (where click expands wildcards in the arguments itself). Both ways share the run (`lint`), the error
handling (`guarded`) and the printing (`echo` is `click.echo`, imported when a notice or an
error is printed), so they cannot drift apart; tests/test_cli_fast.py runs command lines
both ways and compares output and exit codes.
"""

from __future__ import annotations

import os
import sys

from postlint import __version__

#: `typing.TYPE_CHECKING`, without importing `typing` (a tenth of `postlint --version`)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any, NoReturn

FORMATS = ("text", "concise", "json", "sarif", "github")
SEVERITY_CHOICES = ("error", "warning", "info")
#: the commands of the click group (tests/test_cli_fast.py checks it against the group):
#: a command line starting with one is never the fast path's
COMMANDS = ("check", "check-config", "explain", "init", "report", "rules", "server", "train")


def echo(message: str, err: bool = False) -> None:
    """`click.echo` (click imported here on the fast path: only notices and errors)."""
    import click

    click.echo(message, err=err)


def guarded(
    call: Callable[[], Any],
    leave: Callable[[int], NoReturn],
    reraise: tuple[type[BaseException], ...] = (),
) -> Any:
    """Run a command, turning errors into one line: user errors exit with their code
    (2), bugs say so and where the traceback is; `reraise` (click's own) pass through.
    `leave(code)` exits: `sys.exit`, or click's `ctx.exit` inside a click command."""
    from postlint.errors import PostlintError

    try:
        return call()
    except PostlintError as exc:
        echo(f"postlint: error: {exc}", err=True)
        leave(exc.exit_code)
    except reraise:
        raise
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        leave(1)
    except KeyboardInterrupt:
        echo("postlint: interrupted", err=True)
        leave(130)
    except Exception as exc:  # a bug: never a bare traceback
        import tempfile
        import traceback

        fd, path = tempfile.mkstemp(prefix="postlint-crash-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"postlint {__version__}, Python {sys.version}\n")
            fh.write(" ".join(sys.argv) + "\n\n")
            traceback.print_exc(file=fh)
        echo(
            f"postlint: internal error ({type(exc).__name__}: {exc}). This is a bug; "
            f"the traceback is in {path}",
            err=True,
        )
        leave(2)


#: formats whose output for a file depends on that file's results alone (and the colour):
#: the runner renders it once and the cache replays it (postlint.runner.Renderer)
_PER_FILE_FORMATS = ("text", "concise", "github")


def _draws_progress() -> bool:
    """A progress bar only on a real terminal: not when stderr is piped, nor on a dumb
    terminal or inside Emacs (`M-x compile`, shell-mode), which show its erase codes."""
    if os.environ.get("TERM") == "dumb" or os.environ.get("INSIDE_EMACS"):
        return False
    return sys.stderr.isatty()


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def lint(
    paths: tuple[str, ...],
    config_path: Path | None,
    output_format: str,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    platforms: tuple[str, ...],
    stdin_filename: str | None,
    statistics: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exit_zero: bool,
    force_exclude: bool,
    quiet: bool,
    color: str,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """`postlint check`: lint drafts in PATHS (files or folders; `-` reads standard
    input) and exit."""
    from postlint.config import CommandLine, Resolver
    from postlint.drafts import read_platforms
    from postlint.packs import SEVERITY_RANK
    from postlint.report import Summary, get_reporter, plural, problem_counts
    from postlint.runner import STDIN, discover, run

    platform_names, error = read_platforms(list(_split(platforms)))
    if error:
        import click

        raise click.BadParameter(error.removeprefix("platform: "), param_hint="--platform")
    resolver = Resolver(
        config_path,
        CommandLine(_split(select), _split(ignore), platform_names, fail_on),
    )
    if config_path is not None and not config_path.is_file():
        import click

        raise click.BadParameter(f"{config_path}: no such file", param_hint="--config")
    paths = paths or (".",)
    read_stdin = STDIN in paths
    found = discover([p for p in paths if p != STDIN], resolver)
    if force_exclude:
        found.files = [f for f in found.files if not resolver.config_for(f).excluded(f)]
    for notice in found.notices:
        echo(f"postlint: {notice}", err=True)
    for missing in found.missing:
        echo(f"postlint: error: {missing}: {_missing_reason(missing)}", err=True)
    stdin = sys.stdin.buffer.read() if read_stdin else None
    # `--fix -` prints the fixed draft on stdout (for editors), so problems go to stderr
    stream = sys.stderr if read_stdin and fix and not diff else sys.stdout
    if force_exclude and stdin is not None and stdin_filename:
        from pathlib import Path

        named = Path(stdin_filename)
        if resolver.config_for(named).excluded(named):
            if fix and not diff:  # an editor replaces its buffer with what --fix prints
                sys.stdout.buffer.write(stdin)
                sys.stdout.flush()
            stdin, read_stdin = None, False
    use_color = _use_color(color)
    reporter = get_reporter(output_format, stream, use_color)
    summary = Summary()
    failed = False
    # --fix/--diff rewrite files from whole results: no cache, no parts, no workers
    rewriting = fix or diff
    cache = None
    if not (no_cache or rewriting):
        from postlint.cache import open_cache

        cache = open_cache(resolver, cache_dir)
    render = None
    if cache is not None and not statistics and output_format in _PER_FILE_FORMATS:
        from postlint.runner import Renderer

        # each file's output is kept in the cache and replayed as text on a re-run
        render = Renderer(reporter, f"{output_format}:{int(use_color)}")
    progress = None
    if not quiet and _draws_progress():
        from postlint.progress import Progress

        progress = Progress(sys.stderr)
    results = run(
        found.files,
        resolver,
        stdin=stdin,
        stdin_filename=stdin_filename,
        jobs=1 if rewriting else (jobs or None),
        cache=cache,
        split=not rewriting,
        progress=progress,
        render=render,
    )
    for index, result in enumerate(results):
        for notice in result.source.notices:
            echo(f"postlint: {result.source.display}: {notice}", err=True)
        if fix or diff:
            from postlint.fixes import fix_result

            result = fix_result(
                result,
                resolver,
                unsafe=unsafe_fixes,
                diff=diff,
                # stdin comes first; with --stdin-filename it has a path, never written
                to_stdout=read_stdin and index == 0,
                summary=summary,
            )
        counts = result.counts  # replayed from the cache: counted when it was kept
        if counts is None:
            counts = problem_counts(result.problems)
        # (count by severity, by rule, rule severities, fixes, safe fixes)
        summary.add_counts(counts, counts[3 if unsafe_fixes else 4], result.part == 0)
        severities = counts[0]
        level = SEVERITY_RANK[resolver.fail_on(result.config)]
        if any(SEVERITY_RANK.get(s, 2) >= level for s in severities):
            failed = True
        if not statistics and not (diff and output_format == "text"):
            if progress is not None and result.problems:
                progress.clear()
            if result.rendered is not None:
                stream.write(result.rendered)
            else:
                reporter.file(result)
    if progress is not None:
        progress.clear()
    if statistics:
        _print_statistics(summary)
    elif found.missing and output_format == "text" and summary.total == 0:
        # not "All clear": a path the user named was not linted (the errors above say why)
        if summary.files and not quiet:
            echo(
                f"No problems in {plural(summary.files, 'file')}; "
                f"{plural(len(found.missing), 'path')} not found."
            )
    elif not quiet or output_format != "text":
        reporter.finish(summary)
    if found.missing:
        sys.exit(2)
    sys.exit(1 if failed and not exit_zero else 0)


def _missing_reason(raw: str) -> str:
    """Why a path named on the command line cannot be linted, with a did-you-mean when it
    looks like a misspelt command (`postlint explian RULE` is read as two paths)."""
    import errno

    try:
        os.stat(raw)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if exc.errno == errno.EACCES:
            return "permission denied"
        if os.path.islink(raw):
            return f"broken symlink (to {os.readlink(raw)})"
    else:
        return "not a file or folder"
    reason = "no such file or folder"
    if os.sep not in raw and "." not in raw:
        from postlint.commands import cli
        from postlint.errors import closest

        command = closest(raw, cli.commands)
        if command is not None:
            reason += f"; did you mean the command '{command}'?"
    return reason


def _print_statistics(summary: Any) -> None:
    width = max((len(r) for r in summary.by_rule), default=4)
    for rule, count in summary.by_rule.most_common():
        echo(f"{count:>6}  {rule:<{width}}  [{summary.rule_severity[rule]}]")


def fast_paths(args: list[str]) -> tuple[tuple[str, ...], bool, str | None] | None:
    """The paths, `--no-cache` and `--cache-dir DIR` of `postlint [--no-cache]
    [--cache-dir DIR] PATH...` when that is the whole command line, else None (click reads
    it, and gives its own errors: a DIR that is a file, a DIR that looks like an option)."""
    if not args or args[0] in COMMANDS or sys.platform == "win32":
        return None
    if "_POSTLINT_COMPLETE" in os.environ:  # click's shell completion
        return None
    paths: list[str] = []
    no_cache = False
    cache_dir: str | None = None
    rest = iter(args)
    for arg in rest:
        if arg == "--no-cache":
            no_cache = True
            continue
        if arg == "--cache-dir" or arg.startswith("--cache-dir="):
            value = arg[len("--cache-dir=") :] if "=" in arg else next(rest, "")
            if cache_dir is not None or not value or value.startswith("-"):
                return None
            if os.path.exists(value) and not os.path.isdir(value):
                return None  # click says what is wrong with it
            cache_dir = value
            continue
        if arg.startswith("-"):
            return None
        paths.append(arg)
    if not paths:
        return None
    return tuple(paths), no_cache, cache_dir


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"] and "_POSTLINT_COMPLETE" not in os.environ:
        # what click's version option prints (tests/test_cli_fast.py compares them)
        sys.stdout.write(f"postlint, version {__version__}\n")
        sys.stdout.flush()
        return
    line = fast_paths(sys.argv[1:])
    if line is None:
        from postlint.commands import cli

        cli(prog_name="postlint")
        return
    from postlint.kept import keep_dataclass_code

    keep_dataclass_code()
    guarded(lambda: _lint_defaults(*line), sys.exit)


def _lint_defaults(paths: tuple[str, ...], no_cache: bool, cache_dir: str | None) -> None:
    """`lint` with what click passes for `postlint [--no-cache] [--cache-dir DIR] PATH...`."""
    from pathlib import Path

    lint(
        paths,
        config_path=None,
        output_format="text",
        fail_on=None,
        select=(),
        ignore=(),
        platforms=(),
        stdin_filename=None,
        statistics=False,
        fix=False,
        unsafe_fixes=False,
        diff=False,
        exit_zero=False,
        force_exclude=False,
        quiet=False,
        color="auto",
        jobs=None,
        no_cache=no_cache,
        cache_dir=None if cache_dir is None else Path(cache_dir),
    )


def __getattr__(name: str) -> Any:
    """`cli` (the click group) and the commands, from postlint.commands on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    from postlint import commands

    try:
        return getattr(commands, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
