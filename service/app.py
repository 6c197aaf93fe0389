"""create_app(settings): the Litestar application. Nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.openapi import OpenAPIConfig

from service.api.context import get_context
from service.api.graphql_view import build_controller
from service.api.health import live, ready
from service.api.schema import build_schema
from service.db import create_pool
from service.settings import Settings


def create_app(settings: Settings, dsn: str | None = None) -> Litestar:
    """Build the application.

    Args:
        settings: the service's settings.
        dsn: the database to use; defaults to `settings.database_url` (the embedded
            server's DSN is passed in by `serve`, which owns that server).
    """
    database = dsn or settings.database_url
    if database is None:
        raise ValueError("create_app needs a database: set DATABASE_URL or pass dsn")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.pool = await create_pool(settings, database)
        try:
            yield
        finally:
            await app.state.pool.close()

    schema = build_schema(settings)
    graphql = build_controller(
        schema,
        path="/graphql",
        context_getter=get_context,
        graphql_ide=not settings.is_production,
    )
    app = Litestar(
        route_handlers=[graphql, live, ready],
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(title="Position Record", version="0.1.0", path="/schema"),
        debug=False,
    )
    app.state.settings = settings
    return app
