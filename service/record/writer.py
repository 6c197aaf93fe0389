"""Create, update and delete any kind of record, with its change in the same transaction.

Column names come from the command Structs and the kinds' descriptions, never from
clients, so composing the statement here is safe; values always travel as parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from service.errors import Conflict, Invalid, NotFound, StillReferenced
from service.record.description import Description, Link
from service.record.history import delete_record, insert_with_new_id, record_change
from service.vocab import RecordKind

Row = dict[str, Any]


async def insert(
    conn: asyncpg.Connection,
    table: Description,
    values: Mapping[str, Any],
    *,
    actor_name: str,
    links: Mapping[str, Sequence[int]] | None = None,
) -> Row:
    """Insert a record and its link sets; returns the snapshot (row + links)."""
    links = links or {}
    await check_references(conn, table, values, links)
    # The global id, the row and (below) each link set: one statement each.
    sql = insert_with_new_id(table.name, list(values))
    async with _mapped_errors(table, deleting=False):
        row = dict(await conn.fetchrow(sql, table.kind, *values.values()))
        for name, ids in links.items():
            if ids:  # a new record has no links yet: only a set with ids needs writing
                await _replace_links(conn, table.links[name], row["id"], ids)
    # A new record has exactly the links just written: no need to read them back.
    snapshot = _snapshot(table, row, {name: _link_set(links.get(name, ())) for name in table.links})
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
    table: Description,
    record_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    actor_name: str,
    links: Mapping[str, Sequence[int]] | None = None,
) -> Row:
    """Update a record if it is still at `expected_version`; a stale version is a Conflict.

    None checks no version: the seed loader's second pass (link sets to kinds written
    later) updates records it wrote or read earlier in the same transaction, under the
    write lock.
    """
    links = links or {}
    before, before_links = await _lock(conn, table, record_id, expected_version)
    await check_references(conn, table, values, links)
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
        for name, ids in links.items():
            await _replace_links(conn, table.links[name], record_id, ids)
    after_links = {
        name: _link_set(links[name]) if name in links else current
        for name, current in before_links.items()
    }
    after = _snapshot(table, row, after_links)
    if row is not before:
        await record_change(
            conn,
            kind=table.kind,
            operation="update",
            before=_snapshot(table, before, before_links),
            after=after,
            actor_name=actor_name,
        )
    return after


async def delete(
    conn: asyncpg.Connection,
    table: Description,
    record_id: int,
    expected_version: int | None,
    *,
    actor_name: str,
) -> Row:
    """Delete a record (and its citations); refused while other records point at it."""
    before, before_links = await _lock(conn, table, record_id, expected_version)
    snapshot = _snapshot(table, before, before_links)
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
    table: Description,
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
    conn: asyncpg.Connection, table: Description, record_id: int, expected_version: int | None
) -> tuple[Row, dict[str, list[int]]]:
    """Lock the record's row; returns it and its link sets, read in the same statement."""
    # Each link set as a sorted array column, named after the link (no column has its name).
    link_arrays = "".join(
        f", array(select l.{link.target_column} from {link.table} as l "
        f"where l.{link.owner_column} = t.id order by 1) as {name}"
        for name, link in table.links.items()
    )
    found = await conn.fetchrow(
        f"select t.*{link_arrays} from {table.name} as t where t.id = $1 for update of t",
        record_id,
    )
    if found is None:
        raise NotFound(f"no {table.kind} with this id", field="id")
    row = dict(found)
    links = {name: list(row.pop(name)) for name in table.links}
    if expected_version is not None and row["version"] != expected_version:
        raise Conflict(
            f"{table.kind} is at version {row['version']}, not {expected_version}: "
            "read it again and reapply your change",
            field="expectedVersion",
        )
    return row, links


async def _replace_links(
    conn: asyncpg.Connection, link: Link, owner: int, ids: Sequence[int]
) -> None:
    """Make the owner's link set exactly `ids`, in one statement.

    The delete only removes links not in `ids` and the insert skips those already there,
    so the two parts never touch the same row (both see the statement's one snapshot).
    """
    await conn.execute(
        f"with dropped as (delete from {link.table} where {link.owner_column} = $1 "
        f"and {link.target_column} <> all($2::bigint[])) "
        f"insert into {link.table} ({link.owner_column}, {link.target_column}) "
        "select $1, unnest($2::bigint[]) on conflict do nothing",
        owner,
        list(dict.fromkeys(ids)),
    )


def _link_set(ids: Sequence[int]) -> list[int]:
    """A link set as stored and read back: each id once, in id order."""
    return sorted(set(ids))


def _snapshot(table: Description, row: Row, links: Mapping[str, list[int]]) -> Row:
    """The row (without its search vector and the other columns the database computes)
    and its link sets: what history keeps."""
    computed = {"search", *table.generated}
    snapshot = {k: v for k, v in row.items() if k not in computed}
    snapshot.update(links)
    return snapshot


def _field_name(column: str) -> str:
    """speaker_id -> speakerId: errors name the GraphQL input field."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


class _mapped_errors:
    """Turn constraint violations into domain errors naming the field."""

    def __init__(self, table: Description, *, deleting: bool) -> None:
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
        checks = self.table.named_checks
        if isinstance(exc, asyncpg.CheckViolationError) and exc.constraint_name in checks:
            field, message = checks[exc.constraint_name]
            raise Invalid(message, field=field) from None
        if isinstance(exc, asyncpg.CheckViolationError | asyncpg.DataError):
            raise Invalid(f"invalid {self.table.kind}: {exc.message}") from None


def _constraint_column(table: Description, constraint: str) -> str:
    """actor_slug_key -> slug; party_declaration_id_actor_id_role_key -> the key's columns."""
    middle = constraint.removeprefix(f"{table.name}_").removesuffix("_key")
    return middle or "key"
