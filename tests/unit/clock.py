"""A clock the tests move by hand, for code that takes a `clock` callable."""

from __future__ import annotations


class Clock:
    """Returns `now`, which a test sets or advances."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
