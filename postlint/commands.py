"""The `postlint` click commands (see postlint.cli for the entry point and the fast path):
thin commands; each imports what it needs when it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from postlint import __version__
from postlint.cli import FORMATS, SEVERITY_CHOICES, _split, guarded, lint


class DefaultGroup(click.Group):
    """A group that runs `check` when the first argument is not a command, and turns
    errors into one line: user errors exit 2, bugs say so and where the traceback is."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from postlint.kept import keep_dataclass_code

        keep_dataclass_code()  # before the first of the commands' dataclasses (kept.py)
        return guarded(
            lambda: super(DefaultGroup, self).invoke(ctx),
            ctx.exit,
            (click.exceptions.Exit, click.ClickException, click.Abort),
        )


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="postlint")
def cli() -> None:
    """Lint social-media post drafts before they are published.

    `postlint PATH...` checks drafts (.txt, .md, .csv, .jsonl) in files and folders.
    """


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
def check(**options: Any) -> None:
    """Lint drafts in PATHS (files or folders; `-` reads standard input)."""
    # the options are `lint`'s parameters by name (the fast path in postlint.cli calls it too)
    lint(**options)


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
