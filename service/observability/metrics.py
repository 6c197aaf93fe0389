"""Prometheus metrics: requests by route and GraphQL operation, errors, the database pool.

Each app has its own registry (tests build several apps in one process). With several
worker processes, set PROMETHEUS_MULTIPROC_DIR (`serve` does when WORKERS > 1): values go
to files there and /metrics sums every worker's.
"""

from __future__ import annotations

import hmac
import os
from typing import TYPE_CHECKING, Any

import asyncpg
from litestar import Request, Response, get
from litestar.datastructures import State
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from service.settings import Settings

if TYPE_CHECKING:
    from service.live.feed import SharedFeed

PREFIX = "position_record"
OTHER = "other"
# Operation names come from clients: past this many distinct ones, new names share a label
# value, so a client cannot grow the metrics without bound.
MAX_OPERATIONS = 200
# The process and runtime collectors (CPU, memory, open files, start time; Python's version
# and garbage collections) describe the process answering the scrape. With several
# workers that is one worker among many, so they are left out there rather than mislead.
_RUNTIME_COLLECTORS: tuple[Collector, ...] = (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR)
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The service's metrics and their registry."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        """Create the metrics.

        Args:
            multiprocess_dir: PROMETHEUS_MULTIPROC_DIR; default: from the environment.
        """
        self.multiprocess_dir = multiprocess_dir or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        # `*_created` series (a timestamp per counter and histogram) double the lines of
        # every scrape for a value Prometheus ignores.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry()
        if not self.multiprocess_dir:
            for collector in _RUNTIME_COLLECTORS:
                self.registry.register(collector)
        self._operations: set[str] = set()
        r = self.registry
        http = ["route", "method", "operation"]
        self.requests = Counter(
            f"{PREFIX}_http_requests", "HTTP requests answered.", [*http, "status"], registry=r
        )
        self.latency = Histogram(
            f"{PREFIX}_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            http,
            buckets=_BUCKETS,
            registry=r,
        )
        self.server_errors = Counter(
            f"{PREFIX}_http_server_errors", "HTTP responses with a 5xx status.", http, registry=r
        )
        self.graphql_errors = Counter(
            f"{PREFIX}_graphql_errors",
            "GraphQL errors by kind: request (parse, validation), input (refused with a "
            "code: INVALID, NOT_FOUND, FORBIDDEN...) or resolver (exception).",
            ["operation", "kind"],
            registry=r,
        )
        self.answers = Counter(
            f"{PREFIX}_graphql_answers",
            "GraphQL queries answered without the executor, by what answered: the response "
            "cache, a kept compiled statement, or a statement compiled for the request.",
            ["operation", "answer"],
            registry=r,
        )
        self.in_progress = Gauge(
            f"{PREFIX}_http_requests_in_progress",
            "HTTP requests being served.",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.websockets_open = Gauge(
            f"{PREFIX}_websockets_open",
            "Websockets open (subscriptions and operations over graphql-transport-ws).",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.live_subscriptions = Gauge(
            f"{PREFIX}_live_subscriptions",
            "Subscriptions following the change feed (recordChanged, timelineAdded): each "
            "gets every change committed after it was counted here.",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.websockets_refused = Counter(
            f"{PREFIX}_websockets_refused",
            "Websocket handshakes refused: MAX_WEBSOCKETS or MAX_WEBSOCKETS_PER_ADDRESS reached.",
            registry=r,
        )
        self.pool = {
            state: Gauge(
                f"{PREFIX}_db_pool_{state}",
                f"Database pool: {meaning}.",
                registry=r,
                multiprocess_mode="livesum",
            )
            for state, meaning in [
                ("size", "open connections"),
                ("idle", "open connections not in use"),
                ("in_use", "connections lent to requests"),
                ("max", "most connections it may open"),
            ]
        }

    def operation_label(self, operation: str) -> str:
        """The label value for an operation name (bounded in number)."""
        if operation in self._operations or not operation:
            return operation
        if len(self._operations) >= MAX_OPERATIONS:
            return OTHER
        self._operations.add(operation)
        return operation

    def observe_request(
        self,
        *,
        route: str,
        method: str,
        operation: str,
        status: int,
        seconds: float,
        graphql_errors: dict[str, int],
        answer: str = "",
    ) -> None:
        """Record one answered HTTP request."""
        label = self.operation_label(operation)
        self.requests.labels(route, method, label, str(status)).inc()
        self.latency.labels(route, method, label).observe(seconds)
        if status >= 500:
            self.server_errors.labels(route, method, label).inc()
        for kind, count in graphql_errors.items():
            self.graphql_errors.labels(label, kind).inc(count)
        if answer:
            self.answers.labels(label, answer).inc()

    def observe_pool(self, pool: asyncpg.Pool | None) -> None:
        """Read the pool's connection counts (when it is open)."""
        if pool is None:
            return
        size, idle = pool.get_size(), pool.get_idle_size()
        self.pool["size"].set(size)
        self.pool["idle"].set(idle)
        self.pool["in_use"].set(size - idle)
        self.pool["max"].set(pool.get_max_size())

    def observe_feed(self, feed: SharedFeed | None) -> None:
        """Read how many subscriptions follow the change feed (when it runs)."""
        if feed is not None:
            self.live_subscriptions.set(feed.following)

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format (every worker's in multiprocess mode)."""
        registry = self.registry
        if self.multiprocess_dir:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(registry)


@get("/metrics", sync_to_thread=False, include_in_schema=False)
def metrics_endpoint(state: State, request: Request[Any, Any, Any]) -> Response[bytes]:
    """Prometheus scrape endpoint, for operators only: operation names and pool figures
    tell a prober what is run and how busy the service is. With METRICS_TOKEN, only a
    scraper sending it as a bearer token is answered; without, production serves none."""
    settings: Settings = state.settings
    if settings.metrics_token is not None:
        sent = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(sent, f"Bearer {settings.metrics_token}".encode()):
            return Response(
                b"send METRICS_TOKEN as a bearer token",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif settings.is_production:
        return Response(b"Not Found", status_code=404, media_type="text/plain")
    metrics: Metrics = state.metrics
    pool: Any = state.get("pool")
    metrics.observe_pool(pool)
    metrics.observe_feed(state.get("feed"))
    # As a header, not a media type: Litestar appends `; charset=utf-8` to a text/* media
    # type, and prometheus_client's already ends with it.
    return Response(metrics.exposition(), headers={"content-type": CONTENT_TYPE_LATEST})
