"""The change log: every write records who, when, what, before and after, in its transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from typing import Any, Literal

import asyncpg

from service.database.named_queries import query

Operation = Literal["create", "update", "delete"]


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


async def new_record_id(conn: asyncpg.Connection, kind: str) -> int:
    """Allocate the global id of a new record of `kind`."""
    record_id: int = await conn.fetchval(query("history", "insert_record"), kind)
    return record_id


def insert_with_new_id(table: str, columns: list[str]) -> str:
    """SQL inserting a row of `table` under a new global id, in one statement.

    $1 is the record kind (the id comes from `record`, as `new_record_id` draws it), $2...
    the values of `columns`; it returns the whole row.
    """
    placeholders = ", ".join(f"${i}" for i in range(2, len(columns) + 2))
    return (
        f"with new_record as ({query('history', 'insert_record')}) "
        f"insert into {table} (id{''.join(f', {c}' for c in columns)}) "
        f"values ((select id from new_record){', ' if columns else ''}{placeholders}) "
        "returning *"
    )


async def delete_record(conn: asyncpg.Connection, kind: str, record_id: int) -> bool:
    """Delete the record row; the kind's row and its citations go with it (cascade)."""
    return await conn.fetchval(query("history", "delete_record"), record_id, kind) is not None


async def record_change(
    conn: asyncpg.Connection,
    *,
    kind: str,
    operation: Operation,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    actor_name: str,
) -> int:
    """Append one change; call it inside the transaction that made the change.

    Args:
        conn: the connection holding the write's transaction.
        kind: the record kind (actor, statement, ...).
        operation: create, update or delete.
        before: the row before the write (None for create).
        after: the row after the write (None for delete).
        actor_name: the token name that wrote, or `seed` for the seed loader.

    Returns:
        The change id: ids grow in the order they are drawn, not always in commit order
        (readers wait for the ids below to settle).
    """
    row = after if after is not None else before
    assert row is not None, "a change needs a before or an after"
    change_id: int = await conn.fetchval(
        query("history", "insert_change"),
        row["id"],
        kind,
        operation,
        row["version"],
        actor_name,
        _jsonable(before),
        _jsonable(after),
    )
    return change_id


def _jsonable(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Row values as JSON: timestamps as ISO strings, tsvector columns dropped."""
    if row is None:
        return None
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "search":
            continue
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
