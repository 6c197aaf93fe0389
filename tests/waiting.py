"""Waiting on a condition instead of a clock: poll it, with a generous bound."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll `condition` every 20 ms; True once it holds, False if `timeout` s pass first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
