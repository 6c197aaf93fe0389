"""A write transaction whose connection is lost mid-way says so, whatever the connection."""

from __future__ import annotations

import asyncpg
import pytest

from service.database.pool import database_unavailable
from service.record.history import write_transaction

pytestmark = pytest.mark.db


async def test_a_pooled_connection_lost_mid_transaction_raises_the_loss(
    pool: asyncpg.Pool,
) -> None:
    async def lose_the_connection() -> None:
        async with pool.acquire() as conn, write_transaction(conn):
            # The server ends the session in the middle of this statement.
            await conn.execute("select pg_terminate_backend(pg_backend_pid())")

    # Any exception: which one is the point.
    with pytest.raises(Exception) as raised:  # noqa: PT011
        await lose_the_connection()
    # The loss itself, not an error of the rollback attempted on a connection the pool
    # has taken back already ("connection has been released back to the pool").
    assert "released back to the pool" not in str(raised.value), raised.value
    assert database_unavailable(raised.value)
    async with pool.acquire() as conn:  # the pool goes on
        assert await conn.fetchval("select 1") == 1
