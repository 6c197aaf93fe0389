"""The transaction of a write that takes more than one statement (a bulk mutation, the
seed loader's batches of several shapes, token changes). A single-record write is one
statement and needs none (service/record/writer.py); its change is appended by that
statement (service/record/write_statements.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import asyncpg


@asynccontextmanager
async def write_transaction(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """The transaction of one write: commits when the block ends, rolls back on any
    exception (cancellation included). Not nestable (asyncpg's own `conn.transaction()`
    refuses to run inside it).

    No lock is held: writers run and commit at once. A change id is drawn when the
    change is recorded (the trigger of migration 0013), and readers of the change log
    pass a change only once nothing below it can commit any more (docs/ARCHITECTURE.md,
    "Change ids and settled changes").
    """
    await conn.execute("begin")
    try:
        yield
    except BaseException:
        # A connection broken mid-query cannot roll back; the pool discards it. However
        # the attempt fails (a pooled connection the pool has taken back already refuses
        # even `is_closed()`; one being closed is still "in another operation"), the
        # error to raise is the one that ended the transaction, not the attempt's.
        with suppress(Exception):
            if not conn.is_closed():
                await conn.execute("rollback")
        raise
    await conn.execute("commit")
