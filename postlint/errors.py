"""The one error hierarchy: user errors (exit 2, one line) versus bugs."""

from __future__ import annotations


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
