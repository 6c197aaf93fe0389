"""The database the seed commands work on: DATABASE_URL, or the embedded server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from service.db import init_connection
from service.migrate import migrate
from service.settings import Settings


@asynccontextmanager
async def resolve_dsn(settings: Settings) -> AsyncIterator[str]:
    """Yield a DSN of a migrated database; stop the embedded server on exit if we started it.

    With `settings.database_url` that database is used; otherwise the embedded PostgreSQL
    is started in `settings.data_path` on `settings.embedded_pg_port`. Pending migrations
    are applied either way, so seeds can be loaded into a brand new database.
    """
    if settings.database_url:
        await _migrate(settings.database_url)
        yield settings.database_url
        return
    # Imported here: only needed without DATABASE_URL, and it looks for the binaries.
    from service.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(data_dir=settings.data_path, port=settings.embedded_pg_port)
    # Started from this (the main) thread on purpose: the server's parent-death signal is
    # tied to the thread that starts it, and a worker thread may end before we are done.
    dsn = server.start()
    try:
        await _migrate(dsn)
        yield dsn
    finally:
        server.stop()


async def _migrate(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn)
    finally:
        await conn.close()


@asynccontextmanager
async def connection(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """One connection with the service's per-connection setup (jsonb codecs)."""
    conn = await asyncpg.connect(dsn)
    try:
        await init_connection(conn)
        yield conn
    finally:
        await conn.close()
