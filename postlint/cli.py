"""The `postlint` command: thin click commands; each imports what it needs when it runs.

`postlint PATH...` is `postlint check PATH...`. Exit codes: 0 nothing at or above the
fail level, 1 problems at or above it, 2 usage, config or environment errors (and bugs,
which print one line and where the traceback went).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from postlint import __version__
from postlint.errors import PostlintError

FORMATS = ("text", "concise", "json", "sarif", "github")
SEVERITY_CHOICES = ("error", "warning", "info")


class DefaultGroup(click.Group):
    """A group that runs `check` when the first argument is not a command, and turns
    errors into one line: user errors exit 2, bugs say so and where the traceback is."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PostlintError as exc:
            click.echo(f"postlint: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("postlint: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: never a bare traceback
            import tempfile
            import traceback

            fd, path = tempfile.mkstemp(prefix="postlint-crash-", suffix=".txt")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"postlint {__version__}, Python {sys.version}\n")
                fh.write(" ".join(sys.argv) + "\n\n")
                traceback.print_exc(file=fh)
            click.echo(
                f"postlint: internal error ({type(exc).__name__}: {exc}). This is a bug; "
                f"the traceback is in {path}",
                err=True,
            )
            ctx.exit(2)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="postlint")
def cli() -> None:
    """Lint social-media post drafts before they are published.

    `postlint PATH...` checks drafts (.txt, .md, .csv, .jsonl) in files and folders.
    """


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


@cli.command()
# readable=False: an unreadable draft is a problem on that file and the run goes on (lint
# the others), not a usage error that stops everything
@click.argument("paths", nargs=-1, type=click.Path(path_type=str, readable=False))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of the nearest one.",
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITY_CHOICES),
    help="Lowest severity that fails the run (default: config, else warning).",
)
@click.option("--select", multiple=True, help="Enable these rules or packs (comma-separated).")
@click.option("--ignore", multiple=True, help="Disable these rules or packs (comma-separated).")
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    help="Platforms the drafts will be published on, where a draft does not say.",
)
@click.option("--stdin-filename", help="Name of the draft read from `-` (config and reports).")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of problems.")
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print what --fix would change; write nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Skip files the config's `exclude` matches even when named on the command line "
    "(for pre-commit and editors, which name files).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, no summary.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    help="Worker processes (default or 0: the machine's cores, when the work is large "
    "enough; 1: none).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep the result cache here (default: .postlint_cache/ beside the config).",
)
def check(
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
    """Lint drafts in PATHS (files or folders; `-` reads standard input)."""
    from postlint.config import CommandLine, Resolver
    from postlint.drafts import read_platforms
    from postlint.packs import SEVERITY_RANK
    from postlint.report import Summary, get_reporter, plural
    from postlint.runner import STDIN, discover, run

    platform_names, error = read_platforms(list(_split(platforms)))
    if error:
        raise click.BadParameter(error.removeprefix("platform: "), param_hint="--platform")
    resolver = Resolver(
        config_path,
        CommandLine(_split(select), _split(ignore), platform_names, fail_on),
    )
    if config_path is not None and not config_path.is_file():
        raise click.BadParameter(f"{config_path}: no such file", param_hint="--config")
    paths = paths or (".",)
    read_stdin = STDIN in paths
    found = discover([p for p in paths if p != STDIN], resolver)
    if force_exclude:
        found.files = [f for f in found.files if not resolver.config_for(f).excluded(f)]
    for notice in found.notices:
        click.echo(f"postlint: {notice}", err=True)
    for missing in found.missing:
        click.echo(f"postlint: error: {missing}: {_missing_reason(missing)}", err=True)
    stdin = sys.stdin.buffer.read() if read_stdin else None
    # `--fix -` prints the fixed draft on stdout (for editors), so problems go to stderr
    stream = sys.stderr if read_stdin and fix and not diff else sys.stdout
    if force_exclude and stdin is not None and stdin_filename:
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
            click.echo(f"postlint: {result.source.display}: {notice}", err=True)
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
        fixable = sum(1 for p in result.problems if p.fix and (p.fix.safe or unsafe_fixes))
        summary.add(result.problems, fixable, new_file=result.part == 0)
        level = SEVERITY_RANK[resolver.fail_on(result.config)]
        if any(SEVERITY_RANK.get(p.severity, 2) >= level for p in result.problems):
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
            click.echo(
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
        from postlint.errors import closest

        command = closest(raw, cli.commands)
        if command is not None:
            reason += f"; did you mean the command '{command}'?"
    return reason


def _print_statistics(summary: Any) -> None:
    width = max((len(r) for r in summary.by_rule), default=4)
    for rule, count in summary.by_rule.most_common():
        click.echo(f"{count:>6}  {rule:<{width}}  [{summary.rule_severity[rule]}]")


def _resolver(config_path: Path | None) -> Any:
    from postlint.config import Resolver

    return Resolver(config_path)


@cli.command(name="rules")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    help="markdown: the rule reference table of the README.",
)
def rules_command(config_path: Path | None, output_format: str) -> None:
    """List every rule: name, pack, kind, severity, and whether the config enables it."""
    import json

    resolver = _resolver(config_path)
    config = resolver.config_for(None)
    resolver.validate(config)
    catalog = resolver.catalog(config)
    catalog.add_plugins()
    enabled = {r.name: r for r in resolver.rules_for(config, None)}
    rows = []
    for name in catalog.names():
        rule = enabled.get(name, catalog.rules[name])
        rows.append(
            {
                "name": name,
                "pack": rule.pack,
                "kind": rule.kind,
                "severity": rule.severity,
                "enabled": name in enabled,
                "what": rule.doc.what,
            }
        )
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    if output_format == "markdown":
        click.echo("| rule | pack | severity | on by default | what it flags |")
        click.echo("|---|---|---|---|---|")
        for r in sorted(rows, key=lambda r: (r["pack"], r["name"])):
            rule = catalog.rules[r["name"]]
            what = " ".join(r["what"].split()).split(". ")[0].rstrip(".")
            what = what.replace("|", "\\|")
            on = "yes" if rule.default and rule.pack in config.extends else "no"
            if rule.default_with_model and rule.pack in config.extends:
                on = "with `[nlp] model`"
            click.echo(f"| `{r['name']}` | {r['pack']} | {r['severity']} | {on} | {what} |")
        return
    widths = {
        k: max(len(k), *(len(str(r[k])) for r in rows))
        for k in ("name", "pack", "kind", "severity")
    }
    header = "  ".join(k.upper().ljust(widths[k]) for k in widths) + "  ON"
    click.echo(header)
    for r in rows:
        cells = "  ".join(str(r[k]).ljust(widths[k]) for k in widths)
        click.echo(f"{cells}  {'on' if r['enabled'] else 'off'}")


@cli.command()
@click.argument("rule_name", metavar="RULE")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
def explain(rule_name: str, config_path: Path | None) -> None:
    """Explain a rule: what it does, why, its source, an example and what to write instead."""
    from postlint.explain import explain_rule

    click.echo(explain_rule(rule_name, _resolver(config_path)))


@cli.command(name="check-config")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
def check_config(config_path: Path | None) -> None:
    """Validate the config (and the rule packs it uses) without linting."""
    resolver = _resolver(config_path)
    config = resolver.config_for(None)
    resolver.validate(config)
    rules = resolver.rules_for(config, None)
    from postlint.runner import doc_example_errors

    errors = doc_example_errors(rules, resolver, config)
    if errors:
        for error in errors:
            click.echo(f"postlint: error: {error}", err=True)
        raise SystemExit(2)
    click.echo(f"{config.display}: ok ({len(rules)} rules enabled)")


@cli.command()
@click.argument("history", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--metric", required=True, help="Metric column, or columns summed: likes+comments.")
@click.option("--by", help="Also compare within each value of this column (e.g. account).")
@click.option(
    "--normalize",
    type=click.Choice(["none", "group-median"]),
    help="Divide each post's metric by its group's median "
    "[default: group-median with --by, else none].",
)
@click.option("--since", help="Only posts on or after this date.")
@click.option("--until", help="Only posts up to this date (a bare date includes that day).")
@click.option("--date", "date_column", help="Date column for --since/--until.")
@click.option("--text-column", help="Column holding the post text (default: auto-detected).")
@click.option(
    "--min-posts",
    type=int,
    default=10,
    show_default=True,
    help="Fewest posts on each side for a rule to be tested.",
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--plot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the comparison to FILE (.svg, .png or .html).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option("--select", multiple=True, help="Test these rules or packs too (comma-separated).")
@click.option("--ignore", multiple=True, help="Do not test these rules or packs.")
def report(
    history: tuple[Path, ...],
    metric: str,
    by: str | None,
    normalize: str | None,
    since: str | None,
    until: str | None,
    date_column: str | None,
    text_column: str | None,
    min_posts: int,
    output_format: str,
    plot: Path | None,
    seed: int,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> None:
    """Did posts a rule flags do worse? Test the enabled rules on a post HISTORY export."""
    from postlint.evidence.command import run_report
    from postlint.evidence.flagger import LintFlagger

    flagger = LintFlagger(
        history[0], config_path=config_path, select=_split(select), ignore=_split(ignore)
    )
    click.echo(
        run_report(
            history,
            metric=metric,
            by=by,
            normalize=normalize,
            since=since,
            until=until,
            date_column=date_column,
            text_column=text_column,
            min_posts=min_posts,
            fmt=output_format,
            plot=plot,
            seed=seed,
            flags_for=flagger,
        ),
        nl=False,
    )


@cli.group()
def train() -> None:
    """Train a model of the kind a rule uses, on your own labelled posts."""


@train.command(name="humour")
@click.argument("data_csv", metavar="DATA.csv", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help='Where to write the model; use it with [rules.humour] model = "PATH".',
)
@click.option("--seed", type=int, default=0, show_default=True, help="Held-out split seed.")
def train_humour_command(data_csv: Path, out: Path, seed: int) -> None:
    """Fit a humour model on a text,humor CSV; print its held-out metrics.

    DATA.csv has a `text` column and a `humor` column of 1 (humorous) or 0 (serious).
    """
    from postlint.humour_train import train_humour

    result = train_humour(data_csv, out, seed=seed)
    rows = (
        ("precision", f"{result['precision']:.3f}"),
        ("recall", f"{result['recall']:.3f}"),
        ("F1", f"{result['f1']:.3f}"),
        ("threshold", f"{result['threshold']:.2f}"),
        ("rows", f"{result['rows']} ({result['held_out_rows']} held out)"),
    )
    click.echo("held-out metrics")
    for name, value in rows:
        click.echo(f"  {name:<10} {value}")
    click.echo(f"wrote {out} ({result['n_grams']} n-grams)")


@cli.command()
@click.option(
    "--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only transport)."
)
def server(stdio: bool) -> None:
    """Run the language server (LSP over stdio) for live diagnostics and quick fixes."""
    try:
        from postlint.server import serve
    except ImportError as exc:
        from postlint.errors import EnvironmentProblem

        raise EnvironmentProblem(
            f"the language server needs pygls ({exc}); install it with: "
            "pip install 'postlint[server]'"
        ) from None
    serve()


@cli.command()
@click.argument(
    "directory",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--preset",
    type=click.Choice(("engagement", "reach", "service")),
    help="The playbook: engagement, reach (anti-engagement) or service (replies).",
)
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    help="A platform the team publishes to (repeatable or comma-separated).",
)
def init(directory: Path, preset: str | None, platforms: tuple[str, ...]) -> None:
    """Write a commented postlint.toml for a playbook in DIRECTORY (never overwrites)."""
    from postlint import init as setup
    from postlint.config import display_path

    names = setup.parse_platforms(platforms)
    if preset is None:
        if not setup.stdin_is_terminal():
            raise click.UsageError(
                "no --preset given and no terminal to ask: choose --preset engagement, "
                "reach or service"
            )
        for name, choice in setup.PRESETS.items():
            click.echo(f"  {name:<10}  {choice.title}")
        preset = click.prompt(
            "Playbook", type=click.Choice(tuple(setup.PRESETS)), default="engagement"
        )
        if not platforms:
            answer = click.prompt(
                f"Platforms you publish to ({', '.join(setup.PLATFORMS)}; comma-separated, "
                "empty for any)",
                default="",
                show_default=False,
            )
            names = setup.parse_platforms([answer])
    from postlint.packs import builtin_catalog

    path = setup.write_config(directory, str(preset), names, builtin_catalog())
    checked = _resolver(path)
    config = checked.config_for(None)
    checked.validate(config)
    count = len(checked.rules_for(config, None))
    click.echo(
        f"Wrote {display_path(path)}: the {preset} playbook, {count} rules enabled. "
        f"Next: postlint check-config, then postlint PATH"
    )


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="postlint")
