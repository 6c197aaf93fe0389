"""The benchmark's database: a throwaway embedded PostgreSQL, or BENCH_DATABASE_URL.

The throwaway server loads pg_stat_statements, so the runner can count the statements
each server sends per request (ours and PostGraphile alike) without any hook in either.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from service.database import migrate as migrations
from service.database.embedded import EmbeddedPostgres
from service.database.pool import init_connection

# Enough for both servers' pools, the runner's own connections and the round-trip probe.
_SERVER_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",
    "pg_stat_statements.track": "all",
    "max_connections": "100",
}


@dataclass(frozen=True)
class Database:
    """Where the benchmark's data lives; `pid` is the postmaster's when we started it."""

    dsn: str
    pid: int | None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def bench_database() -> Iterator[Database]:
    """BENCH_DATABASE_URL if set (it must be empty), else a throwaway embedded server."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        yield Database(url, None)
        return
    # As root, the server runs as `postgres`: its folder must be reachable by that account.
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    folder.chmod(0o755)
    server = EmbeddedPostgres(data_dir=folder, port=free_port(), settings=_SERVER_SETTINGS)
    try:
        dsn = server.start()
        yield Database(dsn, server.pid)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def connect(dsn: str) -> asyncpg.Connection:
    """A connection with the service's codecs (jsonb as Python values)."""
    conn = await asyncpg.connect(dsn)
    await init_connection(conn)
    return conn


async def migrate(dsn: str) -> list[str]:
    """Apply the service's migrations (the same code `python -m service db migrate` runs)."""
    conn = await asyncpg.connect(dsn)
    try:
        return await migrations.migrate(conn)
    finally:
        await conn.close()
