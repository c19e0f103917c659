"""`postlint report`: read a history, flag its posts, compare, render, draw.

The lint engine comes in as `flags_for` (texts -> rule name -> one flag per text),
so the statistics are tested with a stub and the CLI passes the real linter. A
flagger that also has `flag_rows(texts, metadata)` gets each post's other columns
(platform, kind, …), as a lint of the export would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from postlint.errors import UsageError
from postlint.evidence.history import NORMALIZATIONS, read_history
from postlint.evidence.render import FORMATS, Report, render, to_html
from postlint.evidence.stats import (
    DEFAULT_MIN_POSTS,
    DEFAULT_RESAMPLES,
    analyse,
    require_extra,
)

Flagger = Callable[[list[str]], Mapping[str, Sequence[bool]]]


@runtime_checkable
class RowFlagger(Protocol):
    """A flagger that also takes each post's metadata (the export's other columns)."""

    @property
    def text_column(self) -> str | None:
        """The text column the config names (`[drafts] text-column`), if any."""
        ...

    def flag_rows(
        self, texts: list[str], metadata: list[dict[str, str]]
    ) -> Mapping[str, Sequence[bool]]: ...


PLOT_SUFFIXES = (".svg", ".png", ".html")


def default_normalization(by: str | None) -> str:
    """`--normalize` when not given: each post against its own group's median under `--by`."""
    return "group-median" if by else "none"


def run_report(
    history_path: str | Path | Sequence[str | Path],
    *,
    metric: str,
    flags_for: Flagger,
    by: str | None = None,
    normalize: str | None = None,
    since: str | None = None,
    until: str | None = None,
    date_column: str | None = None,
    text_column: str | None = None,
    min_posts: int = DEFAULT_MIN_POSTS,
    fmt: str = "text",
    plot: str | Path | None = None,
    seed: int = 0,
    resamples: int = DEFAULT_RESAMPLES,
) -> str:
    """Run the whole report and return it rendered in `fmt`; write `plot` if given.

    `normalize` None is the issue's default: `group-median` when `by` is given (a big
    account does not swamp a small one), `none` otherwise.
    """
    normalize = default_normalization(by) if normalize is None else normalize
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    if normalize not in NORMALIZATIONS:
        raise UsageError(f"--normalize must be one of {', '.join(NORMALIZATIONS)}")
    if min_posts < 1:
        raise UsageError("--min-posts must be at least 1")
    if resamples < 1000:
        raise UsageError("--resamples must be at least 1000 for a stable 95% CI")
    plot_path = Path(plot) if plot is not None else None
    if plot_path is not None and plot_path.suffix.lower() not in PLOT_SUFFIXES:
        raise UsageError(f"--plot {plot_path}: the file must end in .svg, .png or .html")
    require_extra()  # before the lint run, which may take a while
    if fmt == "html" or plot_path is not None:
        from postlint.evidence.plot import require_matplotlib

        require_matplotlib()

    paths = (
        [Path(history_path)]
        if isinstance(history_path, (str, Path))
        else [Path(path) for path in history_path]
    )
    if text_column is None and isinstance(flags_for, RowFlagger):
        text_column = flags_for.text_column
    history = read_history(
        paths,
        metric=metric,
        by=by,
        normalize=normalize,
        since=since,
        until=until,
        date_column=date_column,
        text_column=text_column,
    )
    if len(history.values) < 2:
        # Nothing to compare: a rule needs a flagged and a passed post at the very least.
        left_out = ", ".join(
            f"{n:,} {why.replace('_', ' ')}" for why, n in history.skipped.items() if n
        )
        left = "no posts" if not history.values else "only 1 post"
        raise UsageError(
            f"{', '.join(str(path) for path in paths)}: {left} left to compare "
            f"(left out: {left_out or 'none'}); a report needs at least 2"
        )

    if isinstance(flags_for, RowFlagger):
        metadata = [
            {key: value for key, value in row.items() if key != history.text_column}
            for row in history.rows
        ]
        found = flags_for.flag_rows(list(history.texts), metadata)
    else:
        found = flags_for(list(history.texts))
    flags = {rule: list(values) for rule, values in found.items()}
    for rule, rule_flags in flags.items():
        if len(rule_flags) != len(history.texts):
            raise ValueError(
                f"flagger gave {len(rule_flags)} flags for {rule}, expected {len(history.texts)}"
            )
    results = analyse(
        flags,
        history.values,
        history.groups,
        metric=history.metric,
        min_posts=min_posts,
        seed=seed,
        resamples=resamples,
    )
    report = Report(
        metric=history.metric,
        normalize=normalize,
        by=by,
        posts=len(history.values),
        skipped=history.skipped,
        groups=history.group_names,
        results=results,
        min_posts=min_posts,
        seed=seed,
        resamples=resamples,
    )

    svg = None
    if fmt == "html" or plot_path is not None:
        from postlint.evidence.plot import figure_bytes

        svg = figure_bytes(report, history.values, flags, "svg")
        if plot_path is not None:
            suffix = plot_path.suffix.lower()
            if suffix == ".png":
                content = figure_bytes(report, history.values, flags, "png")
            elif suffix == ".html":
                content = to_html(report, svg).encode("utf-8")
            else:
                content = svg
            try:
                plot_path.write_bytes(content)
            except OSError as exc:
                raise UsageError(f"--plot {plot_path}: cannot write: {exc.strerror}") from exc
    return render(report, fmt, svg)
