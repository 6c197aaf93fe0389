"""The change log: every write records who, when, what, before and after, in its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import asyncpg

from service.db import query

Operation = Literal["create", "update", "delete"]

# Held by every write transaction from its start to its commit: change ids then follow
# commit order (see sql/queries/history.sql), and taking it first, before any row lock,
# keeps every writer's lock order the same (no deadlock between writers).
WRITE_LOCK_KEY = 5064011


async def begin_write(conn: asyncpg.Connection) -> None:
    """Call first in every transaction that writes records (mutations, seed loads)."""
    await conn.execute("select pg_advisory_xact_lock($1)", WRITE_LOCK_KEY)


async def new_record_id(conn: asyncpg.Connection, kind: str) -> int:
    """Allocate the global id of a new record of `kind`."""
    record_id: int = await conn.fetchval(query("history", "insert_record"), kind)
    return record_id


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
        The change id (monotonic: a feed of changes reads in id order).
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
        WRITE_LOCK_KEY,
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
