"""create_app(settings): the Litestar application. Nothing happens at import."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar import Litestar
from litestar.openapi import OpenAPIConfig

from service.access.http import app_protection, graphql_protection, rate_budget
from service.access.token_cache import TokenCache
from service.access.websocket_admission import OpenWebSockets, WebSocketAdmission
from service.database.pool import create_pool
from service.exports.catalog import export_catalog, find_exports
from service.exports.statement import Exporter
from service.gc_pacing import GcPacedByBytes
from service.graphql.context import get_context
from service.graphql.schema import build_schema
from service.http.config import transport_config
from service.http.controller import build_controller
from service.http.exports import export_router
from service.http.health import live, ready
from service.http.refusals import endpoint_router_handler
from service.http.response_cache import ResponseCache
from service.live.feed import SharedFeed
from service.live.listener import ChangeListener
from service.observability.graphql_errors import install_graphql_error_levels
from service.observability.logging import structlog_plugin
from service.observability.metrics import Metrics, metrics_endpoint
from service.observability.middleware import ObservabilityMiddleware
from service.playground import build_playground
from service.settings import Settings

if TYPE_CHECKING:
    from service.observability.tracing import Tracing

GRAPHQL_PATH = "/graphql"
# Collections: the young generation every 100,000 net allocations, the middle one every
# 50 of those, the oldest (after gc.freeze, only what requests leave) every 1,000; and
# after every 8 MB that clients send (gc_pacing.py: large bodies must not pile up).
GC_THRESHOLDS = (100_000, 50, 1_000)

log = logging.getLogger("service.app")


def create_app(
    settings: Settings,
    dsn: str | None = None,
    rate_windows: Path | None = None,
    database_live: Callable[[], bool] | None = None,
    tracing: Tracing | None = None,
) -> Litestar:
    """Build the application.

    Args:
        settings: the service's settings.
        dsn: the database to use; defaults to `settings.database_url` (the embedded
            server's DSN is passed in by `serve`, which owns that server).
        rate_windows: the rate-limit table shared by the workers of one `serve`
            (None: this process counts alone).
        database_live: False once the embedded database cannot be brought back: then
            /health/live fails (None: the database is not ours to supervise).
        tracing: OpenTelemetry's spans of each request, operation and SQL statement
            (None: tracing is off; `serve` makes it from the OTEL_* variables). The
            app's lifespan starts it and closes it.
    """
    database = dsn or settings.database_url
    if database is None:
        raise ValueError("create_app needs a database: set DATABASE_URL or pass dsn")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if tracing is not None:
            tracing.instrument_database()
        app.state.pool = await create_pool(settings, database)
        # LISTEN needs a session of its own: a direct connection, never PgBouncer's.
        app.state.listener = ChangeListener(settings.listen_database_url or database)
        if cache is not None:
            app.state.listener.observers.append(cache.invalidate)
        if settings.token_cache_s > 0:
            app.state.token_cache = TokenCache(settings.token_cache_s)
            app.state.listener.token_observers.append(app.state.token_cache.tokens_changed)
            app.state.listener.listening_observers.append(app.state.token_cache.listening)
        app.state.listener.start()
        app.state.feed = SharedFeed(app.state.pool, app.state.listener)
        # Everything made so far (the schema, the app, the modules: about 100,000 objects)
        # lives as long as the process. Out of the collector's sight, a full collection
        # no longer walks them: about 40 ms of pause each time under load, straight into
        # the tail latency.
        gc.freeze()
        # A request allocates a few thousand container objects, nearly all freed by
        # reference counting; at the default threshold (700) the young generation was
        # collected about once a request, for nothing. Measured on a compiled read (3 of 3
        # paired runs): p99 46 ms against 50, and 5 % less CPU per request.
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            yield
        finally:
            await app.state.feed.stop()
            await app.state.listener.stop()
            await _close_pool(app.state.pool, settings.shutdown_timeout_s)
            if tracing is not None:
                tracing.close()

    schema = build_schema(settings, tracing)
    cache = (
        ResponseCache(settings.response_cache_entries, settings.response_cache_bytes)
        if settings.response_cache_enabled
        else None
    )
    budget = rate_budget(settings.rate_limit, rate_windows)
    graphql = build_controller(
        schema,
        transport_config(settings, getattr(schema, "query_compiler", None), cache, budget, tracing),
        path=GRAPHQL_PATH,
        context_getter=get_context,
        graphql_ide=settings.playground_enabled,
        **graphql_protection(settings, budget),
        max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
    )
    catalog = export_catalog(schema)
    page_sizes = (settings.default_page_size, settings.max_page_size)
    exporters = [
        Exporter(schema, catalog, export, page_sizes) for export in find_exports(schema).values()
    ]
    handlers: list[Any] = [
        live,
        ready,
        metrics_endpoint,
        export_router(settings, exporters, budget),
    ]
    if settings.playground_enabled:
        playground = build_playground(settings, endpoint=GRAPHQL_PATH)
        graphql = playground.serve_from(graphql)
        handlers += playground.routers
    app = Litestar(
        route_handlers=[graphql, *handlers],
        lifespan=[lifespan],
        plugins=[structlog_plugin(settings)],
        # The OpenAPI page follows the playground's rule (off in production).
        openapi_config=(
            OpenAPIConfig(title="Position Record", version="0.1.0", path="/schema")
            if settings.playground_enabled
            else None
        ),
        debug=False,
        exception_handlers={code: endpoint_router_handler(GRAPHQL_PATH) for code in (404, 405)},
        **app_protection(settings),
    )
    metrics = Metrics()
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.database_live = database_live
    install_graphql_error_levels()
    # Around Litestar's whole handler, as its OpenTelemetry plugin does, rather than as
    # route middleware: unmatched paths (404) get a request id, an access line and a count.
    sockets = OpenWebSockets(settings.max_websockets, settings.max_websockets_per_address)
    app.asgi_handler = GcPacedByBytes(
        ObservabilityMiddleware(
            WebSocketAdmission(app.asgi_handler, sockets, metrics),
            metrics=metrics,
            state=app.state,
            graphql_path=GRAPHQL_PATH,
        )
    )
    if tracing is not None:
        # Outermost: the request's span holds everything, its trace id every log line.
        app.asgi_handler = tracing.around_app(app.asgi_handler)
    return app


async def _close_pool(pool: Any, timeout_s: float) -> None:
    """Close gracefully (connections in use are awaited), but not forever."""
    try:
        async with asyncio.timeout(timeout_s):
            await pool.close()
    except TimeoutError:
        log.warning("database pool did not close within %s s: terminating it", timeout_s)
        pool.terminate()
