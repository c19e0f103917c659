"""The one error hierarchy: user errors (exit 2, one line) versus bugs."""

from __future__ import annotations

from collections.abc import Iterable


class PostlintError(Exception):
    """A user-facing error: printed as one line, exit code 2."""

    exit_code = 2


class ConfigError(PostlintError):
    """A config file, rule file or option is wrong; the message names file and key."""


class UsageError(PostlintError):
    """The command line asks for something that cannot be done."""


class EnvironmentProblem(PostlintError):
    """Something the run needs is missing from this machine (a spaCy model, an extra)."""


class DraftError(Exception):
    """A draft file cannot be read; reported as a problem on that file, the run goes on."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice `name` most likely misspells, or None.

    difflib's ratio first (good on long names); then, for short names where one typo
    costs most of the ratio (`maks` for `max`, `explian` for `explain`), an edit distance
    that counts a swap of two neighbours as one edit: at most 1 for names of up to three
    characters, 2 for longer ones.
    """
    import difflib  # only when something is misspelled: not at start-up

    options = [c for c in dict.fromkeys(choices) if c]
    match = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    if match:
        return match[0]
    limit = 1 if len(name) <= 3 else 2
    best: tuple[int, str] | None = None
    for choice in options:
        distance = _edit_distance(name.lower(), choice.lower(), limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, choice)
    return best[1] if best else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A `; did you mean X?` suffix when a close match exists, else an empty string."""
    match = closest(name, choices)
    return f"; did you mean {match}?" if match else ""


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (insert, delete, substitute, swap neighbours);
    anything over `limit` comes back as `limit + 1`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if (
                before is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return min(row[len(b)], limit + 1)
