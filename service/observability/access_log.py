"""The access line of each request, rendered like every other line, written directly.

It is the busiest line there is, one per request. Through stdlib logging (a LogRecord, the
handler chain, then ProcessorFormatter running the renderers) it took about 15 % of the
service's CPU on a compiled read (py-spy, bench/). Once `configure_logging` has set up
the process, structlog renders it with the same processors and renderer as the stdlib
lines and writes it to the same stream, stderr, one write per line.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

NAME = "service.access"

# Until configure_access_log runs (an app built inside a test): through stdlib logging.
_logger: Any = structlog.stdlib.get_logger(NAME)


def access_log() -> Any:
    """The logger of access lines (`.log(level, "request", **fields)`)."""
    return _logger


def _named(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    event_dict["logger"] = NAME
    return event_dict


class _Stderr:
    """Writes each line to the current sys.stderr (looked up per line, like the stdlib
    handler's `ext://sys.stderr` stream, so a replaced sys.stderr gets the lines too)."""

    def msg(self, message: str) -> None:
        stream = sys.stderr
        stream.write(message + "\n")
        stream.flush()

    log = debug = info = warning = error = critical = msg


def configure_access_log(level: str, shared: list[Processor], renderer: Processor) -> None:
    """Write access lines at `level` and above to stderr, after `shared` and `renderer`."""
    global _logger
    _logger = structlog.wrap_logger(
        _Stderr(),
        processors=[*shared, _named, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
