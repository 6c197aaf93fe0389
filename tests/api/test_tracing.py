"""Tracing: a traced request's HTTP, GraphQL operation and SQL spans, and their parents.

Two real servers on the module's PostgreSQL database: the application served by uvicorn
on a loopback port in this process, tracing into an in-memory exporter (each answer path
in turn: compiled, response cache, kept statement, executor; a batch; a client's trace);
and `python -m service serve` turned on by the OTEL_* variables alone, exporting over
OTLP/HTTP to a collector this test runs on loopback.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from service.app import create_app
from service.observability.tracing import ANSWER, OPERATION_NAME, OPERATION_TYPE, Tracing
from service.settings import load_settings
from tests.pg import free_port
from tests.server import run_service
from tests.waiting import wait_until

pytestmark = [pytest.mark.db, pytest.mark.slow]

QUERY = """query RecentActors($first: Int = 2) {
  actors(first: $first) { totalCount edges { node { slug name } } }
}"""
# The change log is read by resolvers only (EXECUTOR_ONLY in test_compiled_coverage.py).
EXECUTOR_QUERY = "query Changes { changes(first: 2) { totalCount nodes { id kind } } }"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


@dataclass
class TracedServer:
    """The application served on `url`, its spans going to `spans`."""

    url: str
    spans: InMemorySpanExporter

    def trace(self, body: Any, headers: dict[str, str] | None = None) -> list[ReadableSpan]:
        """POST `body` to /graphql and return the spans of that request, once ended."""
        self.spans.clear()
        response = httpx.post(f"{self.url}/graphql", json=body, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        # The request's span ends once the response is sent: after the client has it.
        assert wait_until(
            lambda: any(s.kind is SpanKind.SERVER for s in self.spans.get_finished_spans())
        )
        return self.finished()

    def finished(self) -> list[ReadableSpan]:
        """The spans ended so far."""
        return list(self.spans.get_finished_spans())


@pytest.fixture(scope="module")
def traced(module_db_url: str) -> Iterator[TracedServer]:
    """The application, tracing into memory, served by uvicorn in a thread of this process."""
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    settings = load_settings({"ENVIRONMENT": "test", "RESPONSE_CACHE": "true"})
    app = create_app(settings, dsn=module_db_url, tracing=Tracing(provider))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    thresholds = gc.get_threshold()  # the app's lifespan tunes the collector for a server
    thread = threading.Thread(target=server.run, name="traced-server")
    thread.start()
    try:
        assert wait_until(lambda: server.started or not thread.is_alive(), timeout=30)
        assert server.started, "the traced application did not start"
        yield TracedServer(f"http://127.0.0.1:{port}", spans)
    finally:
        server.should_exit = True
        thread.join(30)
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def _one(spans: Sequence[ReadableSpan], kind: SpanKind) -> ReadableSpan:
    found = [s for s in spans if s.kind is kind]
    assert len(found) == 1, [(s.name, s.kind) for s in spans]
    return found[0]


def _operations(spans: Sequence[ReadableSpan]) -> list[ReadableSpan]:
    return [s for s in spans if s.attributes and ANSWER in s.attributes]


def _sql(spans: Sequence[ReadableSpan], http: ReadableSpan) -> list[ReadableSpan]:
    """The SQL spans of the request (the change listener's own statements are not)."""
    return [
        s
        for s in spans
        if s.attributes
        and "postgresql" in (s.attributes.get("db.system"), s.attributes.get("db.system.name"))
        and s.context.trace_id == http.context.trace_id
    ]


def _parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def _check_tree(spans: Sequence[ReadableSpan], answer: str, kind: str | None) -> ReadableSpan:
    """HTTP > the operation (answered by `answer`) > its SQL; return the operation."""
    http = _one(spans, SpanKind.SERVER)
    assert http.name == "POST /graphql"
    assert http.attributes is not None
    assert http.attributes["http.route"] == "/graphql"
    [operation] = _operations(spans)
    assert operation.attributes is not None
    assert operation.attributes[ANSWER] == answer
    assert operation.attributes.get(OPERATION_TYPE) == kind
    assert _parent_id(operation) == http.context.span_id
    sql = _sql(spans, http)
    assert sql, f"no SQL span under {answer}: {[s.name for s in spans]}"
    for statement in sql:
        assert _parent_id(statement) == operation.context.span_id, statement.name
    return operation


def test_each_answer_path_traces_http_operation_and_sql(traced: TracedServer) -> None:
    body = {"query": QUERY, "operationName": "RecentActors"}
    # First time: Strawberry parses it, and a statement is compiled for it, then kept.
    compiled = _check_tree(traced.trace(body), "compiled", "query")
    assert compiled.name == "query RecentActors"
    assert compiled.attributes is not None
    assert compiled.attributes[OPERATION_NAME] == "RecentActors"
    # Again: the response cache answers (its SQL: the data's version).
    cached = _check_tree(traced.trace(body), "cache", "query")
    assert cached.name == "query RecentActors"
    # Asking for another media type misses the cache: the kept statement answers.
    kept = traced.trace(body, {"accept": GRAPHQL_RESPONSE_JSON})
    assert _check_tree(kept, "statement", "query").name == "query RecentActors"
    # A field without SQL of its own: the executor's resolvers read through DataLoaders.
    executed = _check_tree(traced.trace({"query": EXECUTOR_QUERY}), "executor", "query")
    assert executed.name == "query Changes"


def test_each_operation_of_a_batch_has_its_span(traced: TracedServer) -> None:
    spans = traced.trace([{"query": EXECUTOR_QUERY}, {"query": "query Other { __typename }"}])
    http = _one(spans, SpanKind.SERVER)
    operations = _operations(spans)
    assert sorted(s.name for s in operations) == ["query Changes", "query Other"]
    assert all(_parent_id(s) == http.context.span_id for s in operations)
    changes = next(s for s in operations if s.name == "query Changes")
    sql = _sql(spans, http)
    assert any(_parent_id(s) == changes.context.span_id for s in sql)
    assert {_parent_id(s) for s in sql} <= {s.context.span_id for s in operations}


def test_a_document_that_does_not_parse_is_an_operation_without_a_type(
    traced: TracedServer,
) -> None:
    spans = traced.trace({"query": "query Broken {"})
    [operation] = _operations(spans)
    assert operation.attributes is not None
    assert operation.attributes[ANSWER] == "executor"
    assert OPERATION_TYPE not in operation.attributes
    assert _parent_id(operation) == _one(spans, SpanKind.SERVER).context.span_id


def test_the_clients_trace_is_continued(traced: TracedServer) -> None:
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    spans = traced.trace(
        {"query": EXECUTOR_QUERY}, {"traceparent": f"00-{trace_id}-{parent_id}-01"}
    )
    http = _one(spans, SpanKind.SERVER)
    assert http.context.trace_id == int(trace_id, 16)
    assert _parent_id(http) == int(parent_id, 16)
    assert {s.context.trace_id for s in spans} == {int(trace_id, 16)}


class _Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP trace receiver: keeps every span it is sent."""

    received: list[Any]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.received.extend(request.resource_spans)
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the spans, not the log."""


def test_serve_traces_when_the_otel_variables_say_where_to(
    module_db_url: str, tmp_path: Path
) -> None:
    received: list[Any] = []
    handler = type("Collector", (_Collector,), {"received": received})
    collector = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{collector.server_address[1]}/v1/traces"
    env = {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint,
        "OTEL_SERVICE_NAME": "traced-record",
        "OTEL_BSP_SCHEDULE_DELAY": "50",
    }
    try:
        with run_service(module_db_url, tmp_path, env) as service:
            response = httpx.post(f"{service.url}/graphql", json={"query": EXECUTOR_QUERY})
            assert response.status_code == 200

            def spans() -> list[tuple[str, Any]]:
                return [
                    (str(resource.resource.attributes), span)
                    for resource in received
                    for scope in resource.scope_spans
                    for span in scope.spans
                ]

            def request_traced() -> bool:
                names = {span.name for _, span in spans()}
                return {"POST /graphql", "query Changes"} <= names

            assert wait_until(request_traced, timeout=20), [s.name for _, s in spans()]
            log = service.log()
    finally:
        collector.shutdown()
    found = spans()
    assert all("traced-record" in resource for resource, _ in found)
    http = next(s for _, s in found if s.name == "POST /graphql")
    operation = next(s for _, s in found if s.name == "query Changes")
    assert operation.parent_span_id == http.span_id
    sql = [s for _, s in found if s.parent_span_id == operation.span_id]
    assert sql, "no SQL span under the operation"
    assert {s.trace_id for s in [http, operation, *sql]} == {http.trace_id}
    # The request's log lines carry its trace id: from a line to its trace.
    assert f"trace_id={http.trace_id.hex()}" in log
