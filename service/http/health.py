"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import asyncpg
from litestar import Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

_READY_TIMEOUT_S = 2.0


@get("/health/live", sync_to_thread=False, tags=["health"])
def live(state: State) -> Response[dict[str, str]]:
    """The process is up and serving HTTP, and its embedded database can be brought back.

    `state.database_live` (set by `serve` on the embedded database) turns False after
    repeated failed restarts of that server (service/database/embedded_supervisor.py): only a new
    process can help then.
    """
    database_live: Callable[[], bool] | None = state.get("database_live")
    if database_live is not None and not database_live():
        return Response(
            {"status": "failing", "reason": "the embedded database cannot be restarted"},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok"}, status_code=HTTP_200_OK)


@get("/health/ready", tags=["health"])
async def ready(state: State) -> Response[dict[str, str]]:
    """The database answers: the service can do its job (503 otherwise)."""
    pool: asyncpg.Pool = state.pool
    try:
        async with asyncio.timeout(_READY_TIMEOUT_S):
            await _select_one(pool)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        return Response(
            {"status": "unavailable", "reason": type(exc).__name__},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok"}, status_code=HTTP_200_OK)


async def _select_one(pool: asyncpg.Pool) -> None:
    """`select 1` on a pooled connection; one whose query fails or is cancelled is dropped.

    Given back as it is, a connection cancelled mid-query would first wait for the server
    to confirm the cancellation, which a server that does not answer never does: the
    probe would then hang as long as the server, its timeout notwithstanding.
    """
    conn = await pool.acquire()
    try:
        await conn.fetchval("select 1")
    except BaseException:
        conn.terminate()
        raise
    finally:
        await pool.release(conn)
