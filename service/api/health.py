"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio

import asyncpg
from litestar import Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

_READY_TIMEOUT_S = 2.0


@get("/health/live", sync_to_thread=False, tags=["health"])
def live() -> dict[str, str]:
    """The process is up and serving HTTP."""
    return {"status": "ok"}


@get("/health/ready", tags=["health"])
async def ready(state: State) -> Response[dict[str, str]]:
    """The database answers: the service can do its job (503 otherwise)."""
    pool: asyncpg.Pool = state.pool
    try:
        async with asyncio.timeout(_READY_TIMEOUT_S), pool.acquire() as conn:
            await conn.fetchval("select 1")
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        return Response(
            {"status": "unavailable", "reason": type(exc).__name__},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok"}, status_code=HTTP_200_OK)
