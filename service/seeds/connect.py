"""The database the seed commands work on: DATABASE_URL, or the embedded server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from service.database.migrate import migrate
from service.database.pool import init_connection
from service.settings import Settings
from service.target import database


@asynccontextmanager
async def resolve_dsn(settings: Settings) -> AsyncIterator[str]:
    """Yield a DSN of a migrated database (DATABASE_URL, or the embedded server).

    Pending migrations are applied either way, so seeds can be loaded into a brand new
    database. The embedded server is started from this (the main) thread on purpose: its
    parent-death signal is tied to the thread that starts it.
    """
    with database(settings) as dsn:
        await _migrate(dsn)
        yield dsn


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
