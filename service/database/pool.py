"""Connection pool lifecycle, per-connection codecs, named queries and round-trip counting."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import asyncpg
import msgspec

from service.settings import Settings

log = logging.getLogger(__name__)

Pool = asyncpg.Pool
Connection = asyncpg.Connection
Record = asyncpg.Record

_json_encode = msgspec.json.Encoder().encode
_json_decode = msgspec.json.decode


@dataclass
class RoundTrips:
    """Counts the SQL statements sent to the server while it is the current counter."""

    count: int = 0
    statements: list[str] = field(default_factory=list)


_current_round_trips: ContextVar[RoundTrips | None] = ContextVar("round_trips", default=None)


@contextmanager
def count_round_trips() -> Iterator[RoundTrips]:
    """Count queries run by this task and the tasks it starts (they copy the context)."""
    counter = RoundTrips()
    token = _current_round_trips.set(counter)
    try:
        yield counter
    finally:
        _current_round_trips.reset(token)


def _log_query(record: Any) -> None:
    counter = _current_round_trips.get()
    if counter is not None:
        counter.count += 1
        counter.statements.append(record.query)


async def init_connection(connection: asyncpg.Connection, *, learn_types: bool = True) -> None:
    """Prepare a new pooled connection: JSON codecs (asyncpg returns jsonb as text otherwise).

    Args:
        connection: the new connection.
        learn_types: introspect the record's types now (a named prepared statement: not
            behind PgBouncer in transaction mode, where it may land on another server).
    """
    for typename in ("json", "jsonb"):
        await connection.set_type_codec(
            typename,
            schema="pg_catalog",
            encoder=lambda value: _json_encode(value).decode(),
            decoder=_json_decode,
            format="text",
        )
    if learn_types:
        await _learn_record_types(connection)
    connection.add_query_logger(_log_query)


async def _learn_record_types(connection: asyncpg.Connection) -> None:
    """Make asyncpg introspect the record's enum types once, when the connection opens.

    Otherwise it does so lazily, in the middle of requests: two or three extra round-trips
    per type, per connection, on the first query that uses it.
    """
    rows = await connection.fetch(
        "select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace "
        "where t.typtype = 'e' and n.nspname = 'public' order by 1"
    )
    # bigint[] and text[] are array parameters of most list queries, and asyncpg
    # introspects those too; it does so per use (parameter or column): prepare both.
    types = ["bigint", "text", *(r[0] for r in rows)]
    params = [f"${i}::{t}" for i, t in enumerate([*types, *(f"{t}[]" for t in types)], start=1)]
    await connection.prepare(f"select {', '.join(params)}")


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Skip asyncpg's reset query on release: one round-trip saved per acquire.

    asyncpg still rolls back an open transaction and drops listeners on release; the
    service sets no other session state on pooled connections (no LISTEN, no SET, no
    advisory locks: those use their own connections).
    """


# Twice the longest compiled query in graphql/ (actor-profile, 15 KB of SQL). Not more:
# PostgreSQL keeps each prepared statement's plan in the backend, about 60 times its
# SQL (measured: 530 KiB for the compiled search, 8.5 KB), for up to
# DB_STATEMENT_CACHE_SIZE statements per connection.
MAX_KEPT_STATEMENT_BYTES = 32 * 1024


def database_unavailable(exc: BaseException | None) -> bool:
    """`exc` (or what caused it) says the database cannot be reached, not that a query
    is wrong: refused connections, connections lost or closed, a server shutting down."""
    seen = 0
    while exc is not None and seen < 10:  # a cause chain, bounded
        if isinstance(
            exc,
            OSError
            | asyncpg.PostgresConnectionError
            | asyncpg.CannotConnectNowError
            | asyncpg.AdminShutdownError
            | asyncpg.CrashShutdownError
            | asyncpg.ConnectionDoesNotExistError,
        ):
            return True
        if isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc):
            return True  # "connection is closed", "pool is closed": lost under us
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


async def create_pool(settings: Settings, dsn: str) -> asyncpg.Pool:
    """Open the pool every request uses; statement_timeout applies to every query.

    A database that cannot be reached at start does not stop the process: the pool then
    opens its connections when asked, requests answer 503 until the database is back,
    and readiness says so. (A worker that uvicorn restarts during an outage of the
    embedded server would otherwise fail its start-up and take the whole `serve` down.)
    """
    try:
        return await _open_pool(settings, dsn, settings.db_pool_min_size)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        log.warning(
            "database unreachable at start (%s): serving 503 until it answers",
            type(exc).__name__,
        )
        return await _open_pool(settings, dsn, 0)


async def _open_pool(settings: Settings, dsn: str, min_size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=settings.db_pool_max_size,
        statement_cache_size=settings.db_statement_cache_size,
        # asyncpg keeps statements of up to 15 KiB by default; a compiled query may be
        # longer (actor-profile in graphql/ is 15 KB of SQL; one more nested list crosses
        # the line), and one not kept is prepared and planned on every request:
        # measured, 1.7 ms of planning on top of 1.5 ms of execution, each time.
        max_cacheable_statement_size=MAX_KEPT_STATEMENT_BYTES,
        # No statement cache means PgBouncer in transaction mode: no named statements.
        init=partial(init_connection, learn_types=settings.db_statement_cache_size > 0),
        reset=_keep_session,
        server_settings={
            "statement_timeout": str(settings.statement_timeout_ms),
            "application_name": "position-record",
        },
    )
    assert pool is not None
    return pool
