"""Tracing is off unless the standard OTEL_* variables say where spans go; off, no request
runs any of it."""

from __future__ import annotations

import asyncpg
import pytest

from service.app import create_app
from service.gc_pacing import GcPacedByBytes
from service.graphql.schema import build_schema
from service.http.config import TransportConfig
from service.observability.tracing_switch import tracing_from_environment, tracing_requested
from service.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "record"}, False),  # a name alone says nowhere to send
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "false"}, True),
    ],
)
def test_tracing_is_on_only_when_asked(environ: dict[str, str], on: bool) -> None:
    assert tracing_requested(environ) is on


def test_off_by_default_no_request_runs_any_of_it() -> None:
    assert tracing_from_environment({}) is None
    app = create_app(Settings(), dsn="postgresql://nobody@127.0.0.1:9/none")
    # The application's handler is the service's own (no span around requests), asyncpg's
    # methods are its own (no span around statements), and no operation opens a span.
    assert type(app.asgi_handler) is GcPacedByBytes
    assert not hasattr(asyncpg.Connection.fetch, "__wrapped__")
    assert TransportConfig().tracing is None
    extensions = build_schema(Settings()).extensions
    assert not any("Span" in getattr(e, "__name__", "") for e in extensions)


def test_an_unknown_exporter_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "carrier-pigeon")
    with pytest.raises(SettingsError, match="no span exporter 'carrier-pigeon' is installed"):
        tracing_from_environment({"OTEL_TRACES_EXPORTER": "carrier-pigeon"})
