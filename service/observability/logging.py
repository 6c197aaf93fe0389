"""Structured logs: structlog through Litestar's plugin; stdlib loggers share the output.

Every line, ours or a library's (uvicorn, Strawberry, asyncpg), goes through one stdlib
handler on stderr whose structlog formatter renders JSON (LOG_FORMAT=json) or aligned text
(console), with the request id and GraphQL operation bound to the request's context.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

import msgspec
import structlog
from litestar.logging.config import LoggingConfig, StructlogEventFilter, StructLoggingConfig
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from structlog.typing import Processor

from service.observability.access_log import configure_access_log
from service.settings import LogFormat, Settings

# Added by both our own and foreign (stdlib) records, before rendering.
_STAMPS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
_SHARED: list[Processor] = [*_STAMPS, structlog.stdlib.add_logger_name]

_msgspec_json = msgspec.json.Encoder(enc_hook=repr).encode


def _json(event_dict: Any, **_: Any) -> str:
    """JSON of a log line: msgspec (several times faster), else the stdlib's, whose
    fallback (repr) copes with anything (keys that are not strings, say)."""
    try:
        return _msgspec_json(event_dict).decode()
    except (TypeError, msgspec.EncodeError):
        return json.dumps(event_dict, default=repr)


def _renderer(log_format: LogFormat) -> Processor:
    if log_format is LogFormat.JSON:
        return structlog.processors.JSONRenderer(serializer=_json)
    # A plain traceback: the rich one prints every local variable, pages long.
    return structlog.dev.ConsoleRenderer(
        colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
    )


def _renderers(log_format: LogFormat) -> list[Processor]:
    # uvicorn adds a colour-coded copy of its message as `color_message`.
    drop: list[Processor] = [
        StructlogEventFilter(["color_message"]),
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
    ]
    if log_format is LogFormat.JSON:
        return [*drop, structlog.processors.format_exc_info, _renderer(log_format)]
    return [*drop, _renderer(log_format)]


def _stdlib_config(settings: Settings) -> LoggingConfig:
    formatter: dict[str, Any] = {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": _renderers(settings.effective_log_format),
        "foreign_pre_chain": [*_SHARED, structlog.stdlib.ExtraAdder()],
    }
    # Written synchronously: a queue thread would lose the request's context variables
    # (request id) of stdlib records, and could drop the last lines at exit.
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "structlog",
        "stream": "ext://sys.stderr",
    }
    return LoggingConfig(
        formatters={"structlog": formatter},
        # Litestar adds a queue handler named queue_listener unless one is given: unused.
        handlers={"console": handler, "queue_listener": {"class": "logging.NullHandler"}},
        loggers={
            "litestar": {"level": settings.log_level, "handlers": [], "propagate": True},
            # We write one access line per request ourselves (with duration and operation).
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
        root={"handlers": ["console"], "level": settings.log_level},
        disable_existing_loggers=False,
    )


def _log_server_errors(logger: Any, scope: Any, traceback: list[str]) -> None:
    """Log an exception that became a 5xx answer, with its traceback, debug or not.

    Litestar calls this for every exception it turns into a response; the 4xx ones (404,
    405, a malformed body) are the client's and already in the request's access line.
    """
    error = sys.exc_info()[1]
    if getattr(error, "status_code", 500) >= 500:
        logger.exception("unhandled exception", path=scope["path"])


def structlog_config(settings: Settings) -> StructLoggingConfig:
    """Litestar's structlog configuration for these settings."""
    return StructLoggingConfig(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        standard_lib_logging_config=_stdlib_config(settings),
        log_exceptions="always",
        exception_logging_handler=_log_server_errors,
        cache_logger_on_first_use=True,
    )


def structlog_plugin(settings: Settings) -> StructlogPlugin:
    """The plugin that configures structlog and Litestar's exception logging for the app.

    The stdlib handlers (where lines go, JSON or console) belong to the process and are
    set up by its entry point with `configure_logging`: an app built inside a test must
    not replace the test runner's handlers. Litestar's request logging middleware stays
    off: the observability middleware writes one access line per request instead.
    """
    config = structlog_config(settings)
    config.standard_lib_logging_config = None  # the plugin then leaves stdlib alone
    return StructlogPlugin(
        StructlogConfig(structlog_logging_config=config, enable_middleware_logging=False)
    )


def configure_logging(settings: Settings) -> None:
    """Send every log line of this process to stderr, rendered as LOG_FORMAT says.

    Called by `serve` before anything else, and by each worker process before it builds
    its app; Python warnings become log lines too, so even they are JSON in production.
    """
    config = structlog_config(settings)
    config.configure()
    assert config.standard_lib_logging_config is not None
    config.standard_lib_logging_config.configure()
    configure_access_log(settings.log_level, _STAMPS, _renderer(settings.effective_log_format))
    logging.captureWarnings(True)
