"""What operators see: JSON log lines with request id and operation, /metrics, error levels.

The service runs in production mode (JSON logs, no playground) and its output is read
back; the GraphQL error filter is also checked in-process, on log records.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from service.errors import Invalid
from service.observability.graphql_errors import GraphQLErrorLevels
from service.observability.operation import from_document
from service.observability.request_info import RequestInfo, current_request
from service.settings import LogFormat, load_settings
from tests.api.tokens import create_token
from tests.server import RunningService, run_service

PROBE = "query Probe { __typename }"
METRICS_TOKEN = "scraper-secret"
METRICS_AUTH = {"Authorization": f"Bearer {METRICS_TOKEN}"}


@pytest.fixture(scope="module")
def production(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service in production mode on the module's database, open to anonymous reads."""
    tmp: Path = tmp_path_factory.mktemp("production")
    env = {"ENVIRONMENT": "production", "ALLOW_ANONYMOUS_READS": "true",
           "METRICS_TOKEN": METRICS_TOKEN}  # fmt: skip
    with run_service(module_db_url, tmp, env) as running:
        yield running


def _post(service: RunningService, body: object, **headers: str) -> httpx.Response:
    return httpx.post(f"{service.url}/graphql", json=body, headers=headers, timeout=10)


def _log_lines(service: RunningService) -> list[dict[str, Any]]:
    """Every line the process wrote, each parsed as JSON (failing on any other line)."""
    return [json.loads(line) for line in service.log().splitlines() if line.strip()]


def _wait_for_line(service: RunningService, **fields: object) -> dict[str, Any]:
    """The first log line with these fields (written just after the response is sent)."""
    deadline = time.monotonic() + 30  # generous: the line follows the response at once
    while True:
        for line in _log_lines(service):
            if all(line.get(k) == v for k, v in fields.items()):
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no log line with {fields}:\n{service.log()[-2000:]}")
        time.sleep(0.05)


@pytest.mark.db
@pytest.mark.slow
def test_access_line_is_json_with_request_id_operation_status_duration(
    production: RunningService,
) -> None:
    response = _post(production, {"query": PROBE}, **{"X-Request-ID": "req-observability-1"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "req-observability-1"
    line = _wait_for_line(production, request_id="req-observability-1", event="request")
    assert line["logger"] == "service.access"
    assert line["level"] == "info"
    assert line["method"] == "POST"
    assert line["path"] == "/graphql"
    assert line["status"] == 200
    assert line["operation"] == "Probe"
    assert isinstance(line["duration_ms"], float | int)
    assert line["duration_ms"] >= 0
    assert re.match(r"\d{4}-\d\d-\d\dT", line["timestamp"])
    assert line["client"] == "127.0.0.1"
    assert "caller" not in line  # anonymous


@pytest.mark.db
@pytest.mark.slow
def test_access_line_names_the_token_never_its_secret(
    production: RunningService, module_db_url: str
) -> None:
    secret = create_token(module_db_url, "observed-reader", "reader")
    _post(
        production,
        {"query": PROBE},
        Authorization=f"Bearer {secret}",
        **{"X-Request-ID": "req-named"},
    )
    line = _wait_for_line(production, request_id="req-named", event="request")
    assert line["caller"] == "observed-reader"
    assert secret not in production.log()


@pytest.mark.db
@pytest.mark.slow
def test_request_id_is_made_when_missing_or_unusable(production: RunningService) -> None:
    made = _post(production, {"query": PROBE}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    _wait_for_line(production, request_id=made, event="request")
    forged = _post(production, {"query": PROBE}, **{"X-Request-ID": "a b\tc"})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])


@pytest.mark.db
@pytest.mark.slow
def test_operation_name_from_get_and_from_operation_name(production: RunningService) -> None:
    got = httpx.get(
        f"{production.url}/graphql",
        params={"query": "query ByGet { __typename }"},
        headers={"accept": "application/json", "X-Request-ID": "req-get"},
    )
    assert got.status_code == 200
    assert _wait_for_line(production, request_id="req-get")["operation"] == "ByGet"
    chosen = {"query": "query A { __typename } query B { __typename }", "operationName": "B"}
    _post(production, chosen, **{"X-Request-ID": "req-chosen"})
    assert _wait_for_line(production, request_id="req-chosen")["operation"] == "B"


@pytest.mark.db
@pytest.mark.slow
def test_client_errors_are_one_info_line_without_traceback(production: RunningService) -> None:
    _post(production, {"query": "{ __typename "}, **{"X-Request-ID": "req-syntax"})
    _post(production, {"query": "{ noSuchField }"}, **{"X-Request-ID": "req-invalid"})
    for request_id in ("req-syntax", "req-invalid"):
        error = _wait_for_line(production, request_id=request_id, logger="strawberry.execution")
        assert error["level"] == "info"
        assert error["graphql_error"] == "request"
        assert "exception" not in error
        assert "\n" not in error["event"]
        access = _wait_for_line(production, request_id=request_id, event="request")
        assert access["graphql_errors"] == 1
    assert not [line for line in _log_lines(production) if line["level"] == "error"]


@pytest.mark.db
@pytest.mark.slow
def test_every_line_is_json_and_the_playground_is_off(production: RunningService) -> None:
    page = httpx.get(f"{production.url}/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    assert _log_lines(production)  # json.loads raised on any line that is not JSON


def _samples(service: RunningService) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = httpx.get(f"{service.url}/metrics", headers=METRICS_AUTH).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.db
@pytest.mark.slow
def test_metrics_count_requests_by_route_operation_and_errors(production: RunningService) -> None:
    before = _samples(production)
    for _ in range(3):
        _post(production, {"query": PROBE})
    _post(production, {"query": "{ __typename "})
    httpx.get(f"{production.url}/no/such/page")
    httpx.get(f"{production.url}/health/ready")
    after = _samples(production)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    probe = {"route": "/graphql", "method": "POST", "operation": "Probe"}
    assert grew("position_record_http_requests_total", **probe, status="200") == 3
    assert grew("position_record_http_request_duration_seconds_count", **probe) == 3
    assert grew("position_record_http_request_duration_seconds_sum", **probe) > 0
    errors = {"operation": "anonymous", "kind": "request"}
    assert grew("position_record_graphql_errors_total", **errors) == 1
    unmatched = {"route": "unmatched", "method": "GET", "operation": "", "status": "404"}
    assert grew("position_record_http_requests_total", **unmatched) == 1
    ready = {"route": "/health/ready", "method": "GET", "operation": "", "status": "200"}
    assert grew("position_record_http_requests_total", **ready) == 1

    assert _value(after, "position_record_db_pool_size") >= 1
    assert _value(after, "position_record_db_pool_max") == 10
    size = _value(after, "position_record_db_pool_size")
    in_use = _value(after, "position_record_db_pool_in_use")
    assert _value(after, "position_record_db_pool_idle") + in_use == size
    assert ("position_record_http_server_errors_total", frozenset()) not in after


@pytest.mark.db
@pytest.mark.slow
def test_metrics_carry_the_process_and_runtime_and_no_created_series(
    production: RunningService,
) -> None:
    scraped = httpx.get(f"{production.url}/metrics", headers=METRICS_AUTH)
    assert scraped.headers.get_list("content-type") == [CONTENT_TYPE_LATEST]
    assert CONTENT_TYPE_LATEST.count("charset") == 1
    names = {family.name for family in text_string_to_metric_families(scraped.text)}
    assert {"process_cpu_seconds", "process_resident_memory_bytes", "process_open_fds"} <= names
    assert {"python_info", "python_gc_collections"} <= names
    assert not [line for line in scraped.text.splitlines() if "_created" in line]


@pytest.mark.db
@pytest.mark.slow
def test_production_shows_no_banner_metrics_or_openapi_to_callers(
    production: RunningService,
) -> None:
    answer = _post(production, {"query": PROBE})
    assert "server" not in answer.headers
    assert httpx.get(f"{production.url}/metrics").status_code == 401
    forged = {"Authorization": "Bearer scraper-secreT"}
    assert httpx.get(f"{production.url}/metrics", headers=forged).status_code == 401
    assert httpx.get(f"{production.url}/metrics", headers=METRICS_AUTH).status_code == 200
    assert httpx.get(f"{production.url}/schema").status_code == 404
    assert httpx.get(f"{production.url}/schema/openapi.json").status_code == 404


def _strawberry_record(error: GraphQLError) -> logging.LogRecord:
    original = error.original_error
    exc_info = None if original is None else (type(original), original, None)
    return logging.LogRecord(
        "strawberry.execution", logging.ERROR, __file__, 1, error, None, exc_info
    )


def _filtered_in_a_request(logger: logging.Logger, record: logging.LogRecord) -> RequestInfo:
    """Pass `record` through the filter during a request; the request's counts."""
    info = RequestInfo("id", "POST", "/graphql")
    token = current_request.set(info)
    try:
        assert GraphQLErrorLevels(logger).filter(record)
    finally:
        current_request.reset(token)
    return info


def test_filter_keeps_resolver_errors_at_error_with_traceback() -> None:
    logger = logging.getLogger("test.observability.resolver")
    logger.setLevel(logging.INFO)
    error = GraphQLError("boom", path=["actors", 0, "name"], original_error=RuntimeError("boom"))
    record = _strawberry_record(error)
    info = _filtered_in_a_request(logger, record)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.getMessage() == "GraphQL resolver error: boom"
    assert record.__dict__["graphql_path"] == "actors.0.name"
    assert info.graphql_errors == {"resolver": 1}


def test_filter_downgrades_refused_input_to_info_without_traceback() -> None:
    # A resolver refusing the input (a DomainError: INVALID, NOT_FOUND...) is the client's
    # mistake, answered with a code: not an ERROR with a traceback.
    logger = logging.getLogger("test.observability.input")
    logger.setLevel(logging.INFO)
    refused = Invalid("ask for at most 100 ids", field="ids")
    error = GraphQLError(refused.message, path=["nodes"], original_error=refused)
    record = _strawberry_record(error)
    info = _filtered_in_a_request(logger, record)
    assert (record.levelno, record.exc_info) == (logging.INFO, None)
    assert record.getMessage() == "GraphQL input error: ask for at most 100 ids"
    assert info.graphql_errors == {"input": 1}


def test_filter_downgrades_request_errors_and_drops_them_below_info() -> None:
    logger = logging.getLogger("test.observability.request")
    logger.setLevel(logging.INFO)
    record = _strawberry_record(GraphQLError("Syntax Error: Expected Name, found <EOF>."))
    assert GraphQLErrorLevels(logger).filter(record)
    assert (record.levelno, record.levelname, record.exc_info) == (logging.INFO, "INFO", None)
    logger.setLevel(logging.WARNING)
    quiet = _strawberry_record(GraphQLError("Cannot query field 'x' on type 'Query'."))
    assert not GraphQLErrorLevels(logger).filter(quiet)


def test_a_request_logs_its_first_ten_client_mistakes_and_counts_them_all() -> None:
    # A document of unknown fields gets up to 100 validation errors: 10 lines tell enough.
    logger = logging.getLogger("test.observability.many")
    logger.setLevel(logging.INFO)
    info = RequestInfo("id", "POST", "/graphql")
    token = current_request.set(info)
    try:
        logged = [
            GraphQLErrorLevels(logger).filter(
                _strawberry_record(GraphQLError(f"Cannot query field 'f{n}' on type 'Query'."))
            )
            for n in range(100)
        ]
        crash = GraphQLError("boom", path=["actors"], original_error=RuntimeError("boom"))
        assert GraphQLErrorLevels(logger).filter(_strawberry_record(crash))  # always logged
    finally:
        current_request.reset(token)
    assert logged == [True] * 10 + [False] * 90
    assert info.graphql_errors == {"request": 100, "resolver": 1}


@pytest.mark.parametrize(
    ("query", "name", "expected"),
    [
        ("query RecentWarnings { a }", None, "RecentWarnings"),
        ("# query Commented\nmutation Save { a }", None, "Save"),
        ("{ a }", None, "anonymous"),
        ("\r\n\n  ,\tquery\r\n  Indented { a }", None, "Indented"),
        ("\n\n  { a }", None, "anonymous"),
        ("query A { a } query B { a }", "B", "B"),
        ("{ a }", "not a name!", "invalid"),
        (None, None, ""),
    ],
)
def test_operation_name_is_found_cheaply(
    query: str | None, name: str | None, expected: str
) -> None:
    assert from_document(query, name) == expected


def test_log_format_defaults_to_json_in_production_only() -> None:
    assert load_settings({}).effective_log_format is LogFormat.CONSOLE
    assert load_settings({"ENVIRONMENT": "production"}).effective_log_format is LogFormat.JSON
    explicit = load_settings({"ENVIRONMENT": "production", "LOG_FORMAT": "console"})
    assert explicit.effective_log_format is LogFormat.CONSOLE
