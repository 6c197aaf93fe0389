"""Whether the OTEL_* environment turns tracing on; the tracing module is loaded only then.

Tracing is off by default. It is on once the standard variables say where spans go:
OTEL_TRACES_EXPORTER set to anything but `none`, or an OTLP endpoint
(OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); OTEL_SDK_DISABLED=true
keeps it off whatever else is set. Off, not even OpenTelemetry's packages are imported,
and no request runs any of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from service.settings import SettingsError

if TYPE_CHECKING:
    from service.observability.tracing import Tracing

EXTRA = "pip install 'position-record[tracing]'"


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether `environ` asks for traces (see the module's docstring)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def tracing_from_environment(environ: Mapping[str, str] = os.environ) -> Tracing | None:
    """This process's tracing, as the OTEL_* variables describe it; None when off.

    Its provider becomes OpenTelemetry's global one (propagators and any other
    instrumentation use it).

    Raises:
        SettingsError: tracing is asked for, but OpenTelemetry is not installed (the
            `tracing` extra), or the variables name an exporter that is not.
    """
    if not tracing_requested(environ):
        return None
    try:
        # Here, not at the top: OpenTelemetry's packages are an optional extra, and take
        # time to import that a service without tracing should not spend.
        from opentelemetry import trace

        from service.observability import tracing
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("opentelemetry"):
            raise
        raise SettingsError(
            f"the OTEL_* variables ask for tracing, but {missing.name} is not installed: {EXTRA}"
        ) from None
    provider = tracing.provider_from_environment()
    trace.set_tracer_provider(provider)
    return tracing.Tracing(provider)
