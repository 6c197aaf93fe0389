"""How log lines are rendered: JSON by msgspec, with a fallback for anything it refuses,
and access lines written straight to stderr with the same fields as every other line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from service.observability import access_log
from service.observability.logging import _json, configure_logging
from service.settings import load_settings


def test_json_lines_cope_with_values_msgspec_refuses() -> None:
    class Opaque:
        def __repr__(self) -> str:
            return "<opaque>"

    assert json.loads(_json({"event": "x", "value": Opaque()})) == {
        "event": "x",
        "value": "<opaque>",
    }
    # Keys that are not strings: msgspec refuses them, the stdlib's encoder takes them.
    assert json.loads(_json({"event": "x", "by_id": {(1, 2): "pair"}})) == {
        "event": "x",
        "by_id": {"(1, 2)": "pair"},
    }


@pytest.fixture
def configured() -> Iterator[None]:
    """The process's logging as `serve` sets it up in production, undone afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    saved_access, saved_structlog = access_log._logger, structlog.get_config()
    configure_logging(load_settings({"ENVIRONMENT": "production", "LOG_LEVEL": "INFO"}))
    try:
        yield
    finally:
        access_log._logger = saved_access
        structlog.configure(**saved_structlog)
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.captureWarnings(False)


def test_an_access_line_is_one_json_object_with_context_level_and_logger(
    capsys: pytest.CaptureFixture[str], configured: None
) -> None:
    with structlog.contextvars.bound_contextvars(request_id="req-1"):
        access_log.access_log().log(logging.INFO, "request", status=200, answer="statement")
        access_log.access_log().log(logging.DEBUG, "request", status=200)  # below LOG_LEVEL
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["event"] == "request"
    assert line["status"] == 200
    assert line["answer"] == "statement"
    assert line["request_id"] == "req-1"
    assert line["level"] == "info"
    assert line["logger"] == "service.access"
    assert line["timestamp"].endswith("Z")
