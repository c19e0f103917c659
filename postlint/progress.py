"""A progress bar on stderr for long runs in a terminal: drawn only after the run has
taken a moment, redrawn at most ten times a second, and erased when the run ends."""

from __future__ import annotations

import time
from typing import TextIO

#: seconds before the bar appears (short runs never show it)
DELAY = 0.5
_INTERVAL = 0.1
_WIDTH = 30


class Progress:
    """Counts files done out of a total; call it as `progress(done, total)`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        self.done += done
        self.total += total
        now = time.monotonic()
        if now - self.started < DELAY or now - self._drawn_at < _INTERVAL:
            return
        self._drawn_at = now
        self.draw()

    def line(self) -> str:
        """The bar as text: `[#####-----] 512/2,000 files`."""
        total = max(self.total, 1)
        filled = min(_WIDTH, _WIDTH * self.done // total)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        return f"postlint [{bar}] {self.done:,}/{self.total:,} files"

    def draw(self) -> None:
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Erase the bar (before other output, and at the end of the run)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False
