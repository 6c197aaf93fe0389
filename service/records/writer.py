"""Create, update and delete any kind of record, with its change in the same transaction.

Column names come from the command Structs and the Table descriptions, never from
clients, so composing the statement here is safe; values always travel as parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from service.errors import Conflict, Invalid, NotFound, StillReferenced
from service.history import delete_record, new_record_id, record_change
from service.records.tables import Link, Table
from service.vocab import RecordKind

Row = dict[str, Any]


async def insert(
    conn: asyncpg.Connection,
    table: Table,
    values: Mapping[str, Any],
    *,
    actor_name: str,
    links: Mapping[str, Sequence[int]] | None = None,
) -> Row:
    """Insert a record and its link sets; returns the snapshot (row + links)."""
    await check_references(conn, table, values, links or {})
    record_id = await new_record_id(conn, table.kind)
    columns = ["id", *values]
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sql = f"insert into {table.name} ({', '.join(columns)}) values ({placeholders}) returning *"
    async with _mapped_errors(table, deleting=False):
        row = dict(await conn.fetchrow(sql, record_id, *values.values()))
        for name, ids in (links or {}).items():
            await _replace_links(conn, table.links[name], record_id, ids)
    snapshot = await _snapshot(conn, table, row)
    await record_change(
        conn,
        kind=table.kind,
        operation="create",
        before=None,
        after=snapshot,
        actor_name=actor_name,
    )
    return snapshot


async def update(
    conn: asyncpg.Connection,
    table: Table,
    record_id: int,
    expected_version: int,
    values: Mapping[str, Any],
    *,
    actor_name: str,
    links: Mapping[str, Sequence[int]] | None = None,
) -> Row:
    """Update a record if it is still at `expected_version`; a stale version is a Conflict."""
    before = await _lock(conn, table, record_id, expected_version)
    before_snapshot = await _snapshot(conn, table, before)
    await check_references(conn, table, values, links or {})
    row = before
    async with _mapped_errors(table, deleting=False):
        if values:
            assignments = ", ".join(f"{col} = ${i}" for i, col in enumerate(values, start=2))
            sql = f"update {table.name} set {assignments} where id = $1 returning *"
            row = dict(await conn.fetchrow(sql, record_id, *values.values()))
        elif links:
            # Only links changed: the record still gets a new version.
            sql = f"update {table.name} set version = version where id = $1 returning *"
            row = dict(await conn.fetchrow(sql, record_id))
        for name, ids in (links or {}).items():
            await _replace_links(conn, table.links[name], record_id, ids)
    after = await _snapshot(conn, table, row)
    if row is not before:
        await record_change(
            conn,
            kind=table.kind,
            operation="update",
            before=before_snapshot,
            after=after,
            actor_name=actor_name,
        )
    return after


async def delete(
    conn: asyncpg.Connection,
    table: Table,
    record_id: int,
    expected_version: int | None,
    *,
    actor_name: str,
) -> Row:
    """Delete a record (and its citations); refused while other records point at it."""
    before = await _lock(conn, table, record_id, expected_version)
    snapshot = await _snapshot(conn, table, before)
    async with _mapped_errors(table, deleting=True):
        await delete_record(conn, table.kind, record_id)
    await record_change(
        conn,
        kind=table.kind,
        operation="delete",
        before=snapshot,
        after=None,
        actor_name=actor_name,
    )
    return snapshot


async def check_references(
    conn: asyncpg.Connection,
    table: Table,
    values: Mapping[str, Any],
    links: Mapping[str, Sequence[int]],
) -> None:
    """Every referenced id exists and is of a kind the column accepts (one query)."""
    wanted: list[tuple[str, int, tuple[RecordKind, ...]]] = [
        (column, values[column], kinds)
        for column, kinds in table.references.items()
        if values.get(column) is not None
    ]
    for name, ids in links.items():
        wanted += [(name, i, table.links[name].target_kinds) for i in ids]
    if not wanted:
        return
    rows = await conn.fetch(
        "select id, kind from record where id = any($1::bigint[])", [w[1] for w in wanted]
    )
    found = {r["id"]: RecordKind(r["kind"]) for r in rows}
    for column, ref, kinds in wanted:
        kind = found.get(ref)
        expected = " or ".join(kinds)
        if kind is None:
            raise NotFound(f"no {expected} with this id", field=_field_name(column))
        if kind not in kinds:
            raise Invalid(f"expected a {expected}, got a {kind}", field=_field_name(column))


async def _lock(
    conn: asyncpg.Connection, table: Table, record_id: int, expected_version: int | None
) -> Row:
    found = await conn.fetchrow(f"select * from {table.name} where id = $1 for update", record_id)
    if found is None:
        raise NotFound(f"no {table.kind} with this id", field="id")
    row = dict(found)
    if expected_version is not None and row["version"] != expected_version:
        raise Conflict(
            f"{table.kind} is at version {row['version']}, not {expected_version}: "
            "read it again and reapply your change",
            field="expectedVersion",
        )
    return row


async def _replace_links(
    conn: asyncpg.Connection, link: Link, owner: int, ids: Sequence[int]
) -> None:
    await conn.execute(f"delete from {link.table} where {link.owner_column} = $1", owner)
    await conn.execute(
        f"insert into {link.table} ({link.owner_column}, {link.target_column}) "
        "select $1, unnest($2::bigint[]) on conflict do nothing",
        owner,
        list(dict.fromkeys(ids)),
    )


async def _snapshot(conn: asyncpg.Connection, table: Table, row: Row) -> Row:
    """The row (without its search vector) and its link sets: what history keeps."""
    snapshot = {k: v for k, v in row.items() if k != "search"}
    for name, link in table.links.items():
        snapshot[name] = [
            r[0]
            for r in await conn.fetch(
                f"select {link.target_column} from {link.table} "
                f"where {link.owner_column} = $1 order by 1",
                row["id"],
            )
        ]
    return snapshot


def _field_name(column: str) -> str:
    """speaker_id -> speakerId: errors name the GraphQL input field."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


class _mapped_errors:
    """Turn constraint violations into domain errors naming the field."""

    def __init__(self, table: Table, *, deleting: bool) -> None:
        self.table = table
        self.deleting = deleting

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None:
            return
        if isinstance(exc, asyncpg.ForeignKeyViolationError):
            if self.deleting:
                raise StillReferenced(
                    f"this {self.table.kind} is still referenced by a {exc.table_name} "
                    "record: delete or relink those first",
                    field="id",
                ) from None
            raise NotFound(f"a referenced record does not exist ({exc.detail})") from None
        if isinstance(exc, asyncpg.UniqueViolationError):
            column = _constraint_column(self.table, exc.constraint_name or "")
            raise Conflict(
                f"another {self.table.kind} already has this {column}",
                field=_field_name(column),
            ) from None
        if isinstance(exc, asyncpg.CheckViolationError | asyncpg.DataError):
            raise Invalid(f"invalid {self.table.kind}: {exc.message}") from None


def _constraint_column(table: Table, constraint: str) -> str:
    """actor_slug_key -> slug; party_declaration_id_actor_id_role_key -> the key's columns."""
    middle = constraint.removeprefix(f"{table.name}_").removesuffix("_key")
    return middle or "key"
