"""A small progress bar on stderr (no dependency): redrawn in place on a terminal,
one line per step otherwise (so logs of a CI run stay readable)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts rows written out of a known total, labelled by the current table."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.perf_counter()
        self.label = ""
        self._tty = self.stream.isatty()

    def step(self, label: str) -> None:
        """Start a new step (a table); on a non-terminal, the previous step gets its line."""
        if self.label and not self._tty:
            self._draw(final=True)
        self.label = label

    def advance(self, rows: int) -> None:
        """Count `rows` more rows written."""
        self.done += rows
        if self._tty:
            self._draw(final=False)

    def close(self) -> None:
        """Draw the finished bar and end its line."""
        self._draw(final=True)
        if self._tty:
            self.stream.write("\n")
        self.stream.flush()

    def _draw(self, *, final: bool) -> None:
        share = min(self.done / self.total, 1.0)
        filled = round(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.perf_counter() - self.started
        line = (
            f"[{bar}] {share:4.0%} {self.done:>9,}/{self.total:,} rows "
            f"{elapsed:6.1f}s  {self.label:<16}"
        )
        if self._tty:
            self.stream.write("\r" + line)
        elif final:
            self.stream.write(line + "\n")
        self.stream.flush()
