"""OpenTelemetry tracing: a span per HTTP request, per GraphQL operation, per SQL statement.

Loaded only when the OTEL_* environment turns tracing on (tracing_switch.py); otherwise
nothing here is imported and nothing of it runs on any request. Spans, each the child of
the one before:

- **HTTP request**: OpenTelemetry's ASGI middleware around the whole application (outside
  Litestar, where the access log is too), named `METHOD route` once the route is known
  (an unmatched path is not put in the name: it comes from the client). Its trace id is
  bound to every log line of the request, the access line included (`trace_id`).
- **GraphQL operation**: `query Name` (`graphql.operation.type`, `graphql.operation.name`),
  with `position_record.graphql.answer` saying what answered it: `cache` (the response
  cache), `statement` (a kept statement), `compiled` (a statement compiled for it) or
  `executor` (Strawberry's resolvers). The answer pipeline opens it for an HTTP request,
  which the first two answer without Strawberry; the schema extension names it once
  Strawberry has parsed the operation, and opens one of its own for each operation of a
  batch or of a websocket.
- **SQL statement**: opentelemetry-instrumentation-asyncpg, one span per statement.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import Any, cast

import msgspec
import structlog
from litestar import Request, Response
from litestar.types import ASGIApp, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Span, format_trace_id
from strawberry.extensions import SchemaExtension

from service.observability.operation import ANONYMOUS, INVALID
from service.observability.request_info import CACHE, COMPILED, STATEMENT, current_request
from service.settings import SettingsError

ANSWER = "position_record.graphql.answer"
EXECUTOR = "executor"
OPERATION_NAME = "graphql.operation.name"
OPERATION_TYPE = "graphql.operation.type"
# The span's name until the operation's type is known (the semantic conventions' words).
_UNKNOWN_OPERATION = "GraphQL Operation"
_SERVICE = "position-record"
# OTLP over HTTP (protobuf) is the exporter installed with the `tracing` extra: the
# protocol the OpenTelemetry specification makes the default. gRPC needs
# opentelemetry-exporter-otlp-proto-grpc (and grpcio) installed besides.
_OTLP_BY_PROTOCOL = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}


@dataclass
class _OpenOperation:
    """The operation span the answer pipeline opened for an HTTP request."""

    span: Span
    described: bool = False  # Strawberry parsed the operation and named the span


_open_operation: ContextVar[_OpenOperation | None] = ContextVar("open_operation", default=None)


class Tracing:
    """The spans of one application, made by `provider`.

    The application starts it (`instrument_database`) and closes it (the last spans are
    exported) with its lifespan.
    """

    def __init__(self, provider: TracerProvider) -> None:
        """Trace with `provider` (its processors and exporters say where spans go)."""
        self.provider = provider
        self.tracer = provider.get_tracer(_SERVICE, _version())

    def instrument_database(self) -> None:
        """A span per SQL statement from now on.

        asyncpg's methods are wrapped for the whole process (one provider a process: a
        second application's call changes nothing).
        """
        _asyncpg_instrumentor().instrument(tracer_provider=self.provider)

    def close(self) -> None:
        """Stop tracing SQL and export the spans still waiting."""
        instrumentor = _asyncpg_instrumentor()
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()
        self.provider.shutdown()

    def around_app(self, app: ASGIApp) -> ASGIApp:
        """`app` with a span per HTTP request (and per websocket connection)."""
        middleware = OpenTelemetryMiddleware(
            _NamedAfterRoute(app),
            tracer_provider=self.provider,
            # A span per message sent or received would outnumber the ones that matter.
            exclude_spans=["receive", "send"],
        )
        return cast("ASGIApp", middleware)

    async def operation(
        self, request: Request[Any, Any, Any], answer: Callable[[], Awaitable[Response[Any]]]
    ) -> Response[Any]:
        """`answer()` (the answer pipeline's) inside the request's operation span.

        A batch gets none here: the schema extension opens one for each of its operations.
        """
        if request.method == "POST" and (await request.body()).lstrip()[:1] == b"[":
            return await answer()
        with self.tracer.start_as_current_span(_UNKNOWN_OPERATION) as span:
            opened = _OpenOperation(span)
            token = _open_operation.set(opened)
            try:
                return await answer()
            finally:
                _open_operation.reset(token)
                info = current_request.get()
                answered = (info.answer if info is not None else "") or EXECUTOR
                span.set_attribute(ANSWER, answered)
                if not opened.described:  # no operation ran in Strawberry
                    kind = "query" if answered in (CACHE, STATEMENT) else None
                    _describe(span, kind, info.operation if info is not None else None)

    def extension(self) -> SchemaExtension:
        """The schema extension naming (or opening) each operation's span."""
        return _OperationSpans(self.tracer)


def _asyncpg_instrumentor() -> AsyncPGInstrumentor:
    """The process's one instrumentor (a singleton: each call returns the same)."""
    return AsyncPGInstrumentor()  # type: ignore[no-untyped-call]


class _OperationSpans(SchemaExtension):
    """Names the pipeline's span after the operation Strawberry parsed; opens one for each
    operation of a batch or a websocket, which the pipeline does not see one by one."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self.tracer = tracer

    def on_operation(self) -> Iterator[None]:
        opened = _open_operation.get()
        if opened is not None and not opened.described:
            opened.described = True
            yield
            self._describe(opened.span)
            return
        with self.tracer.start_as_current_span(_UNKNOWN_OPERATION) as span:
            yield
            self._describe(span)
            # A statement compiled for the operation answers with PostgreSQL's JSON, kept
            # as it is (compiled/extension.py).
            result = self.execution_context.result
            compiled = isinstance(getattr(result, "data", None), msgspec.Raw)
            span.set_attribute(ANSWER, COMPILED if compiled else EXECUTOR)

    def _describe(self, span: Span) -> None:
        context = self.execution_context
        try:
            kind: str | None = context.operation_type.value
        except RuntimeError:  # the document did not parse, or names no such operation
            kind = None
        _describe(span, kind, context.operation_name)


def _describe(span: Span, kind: str | None, name: str | None) -> None:
    """Name the span `type name` and set both attributes (an anonymous one has no name)."""
    if name in (ANONYMOUS, INVALID, ""):
        name = None
    if kind is not None:
        span.set_attribute(OPERATION_TYPE, kind)
    if name is not None:
        span.set_attribute(OPERATION_NAME, name)
    span.update_name(" ".join(part for part in (kind, name) if part) or _UNKNOWN_OPERATION)


class _NamedAfterRoute:
    """Inside the HTTP span: names it after the route the router matched, and binds its
    trace id to the request's log lines."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        span = trace.get_current_span()
        trace_id = format_trace_id(span.get_span_context().trace_id)

        async def send_naming(message: Any) -> None:
            # The route is matched before anything is sent; the span ends with the last
            # message of the response.
            if span.is_recording():
                _name_after_route(span, scope)
            await send(message)

        with structlog.contextvars.bound_contextvars(trace_id=trace_id):
            await self.app(scope, receive, send_naming)


def _name_after_route(span: Span, scope: Scope) -> None:
    # The router leaves the matched route's template in the scope.
    route, method = str(scope.get("path_template") or ""), str(scope.get("method") or "")
    if route:
        span.set_attribute("http.route", route)
        span.update_name(f"{method} {route}" if method else route)
    elif method:
        span.update_name(method)


def provider_from_environment() -> TracerProvider:
    """The tracer provider the standard OTEL_* variables describe.

    OTEL_TRACES_EXPORTER names the exporters (`otlp` by default, `console`, or any
    installed one); OTLP goes over HTTP unless OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL says
    `grpc`. The SDK reads the rest itself: OTEL_EXPORTER_OTLP_* (endpoint, headers,
    timeout), OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG),
    OTEL_BSP_* (batching).

    Raises:
        SettingsError: an exporter that is not installed, or an unknown OTLP protocol.
    """
    resource = Resource.create({SERVICE_VERSION: _version()})
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: _SERVICE}))
    provider = TracerProvider(resource=resource)
    for exporter in _exporters():
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def _exporters() -> list[SpanExporter]:
    names = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    made = []
    for name in (n.strip() for n in names.split(",")):
        if name == "none":
            continue
        entry_point = _otlp_exporter() if name == "otlp" else name
        found = entry_points(group="opentelemetry_traces_exporter", name=entry_point)
        if not found:
            raise SettingsError(
                f"OTEL_TRACES_EXPORTER={names!r}: no span exporter {entry_point!r} is installed "
                "(the `tracing` extra brings `otlp` over HTTP and `console`)"
            )
        made.append(next(iter(found)).load()())
    return made


def _otlp_exporter() -> str:
    protocol = (
        os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()
    if protocol not in _OTLP_BY_PROTOCOL:
        raise SettingsError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: expected one of {sorted(_OTLP_BY_PROTOCOL)}"
        )
    return _OTLP_BY_PROTOCOL[protocol]


def _version() -> str:
    try:
        return version(_SERVICE)
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"
