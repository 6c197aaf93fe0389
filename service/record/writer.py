"""Create, update and delete any kind of record, with its change, in one statement per batch.

The API's single-record mutations, its bulk mutations and the seed loader all write
through here: a batch of records of one kind is one statement (write_statements.py) that
checks the references and versions, writes the rows and their link sets, appends the
changes (NOTIFY comes from the change log's trigger) and answers with the records as a
read gives them. A single write is a batch of one: one round trip, in its own implicit
transaction. Items that set different fields are written by one statement per set of
fields, inside one transaction.

Column names come from the command Structs and the kinds' descriptions, never from
clients; values always travel as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import asyncpg

from service.errors import Conflict, DomainError, Invalid, NotFound, Problems, StillReferenced
from service.record.description import Description
from service.record.write_statements import (
    Answer,
    Shape,
    create_sql,
    delete_sql,
    size_of,
    update_sql,
)

# asyncpg's records as they are, typed as the dicts they answer like (read by column name,
# as the nodes' `from_row` constructors do).
Row = dict[str, Any]
Operation = Literal["create", "update", "delete"]
_T = TypeVar("_T")
IDS_ONLY = Answer()  # each record's id and version: what the seed loader needs


@dataclass(frozen=True)
class Item:
    """One record of a batch.

    Attributes:
        values: its columns (a create: those given, the database's defaults for the rest;
            an update: those that change).
        links: the link sets it sets, each replaced as a whole (global ids resolved).
        record_id: the record an update or a delete writes.
        expected_version: the version it must be at (None: any; the seed loader's second
            pass writes records it read in its own transaction).
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, Sequence[int]] = field(default_factory=dict)
    record_id: int | None = None
    expected_version: int | None = None


class Refused(DomainError):
    """Items of a batch were refused; nothing of the batch was written.

    Attributes:
        problems: each refused item's position in the batch (from 0; None when the
            database could not say which item) and why.
    """

    def __init__(self, problems: list[tuple[int | None, DomainError]]) -> None:
        errors = [error for _, error in problems]
        super().__init__("; ".join(e.message for e in errors))
        self.code = errors[0].code
        self.problems = problems

    @property
    def each(self) -> list[DomainError]:
        return [error for _, error in self.problems]

    def alone(self) -> DomainError:
        """The problems of a batch of one, as that record's own error."""
        errors = self.each
        return errors[0] if len(errors) == 1 else Problems(errors)


async def insert_many(
    conn: asyncpg.Connection,
    table: Description,
    items: Sequence[Item],
    *,
    actor_name: str,
    answer: Answer = IDS_ONLY,
) -> list[Row]:
    """Create records; returns each as `answer` says, in the items' order.

    Raises:
        Refused: a reference to no record, or to a record of the wrong kind, or a
            constraint of the database; nothing was written.
    """

    def statement(shape: Shape) -> str:
        return create_sql(table, shape, answer)

    return await _write(conn, table, items, statement, actor_name, answer)


async def update_many(
    conn: asyncpg.Connection,
    table: Description,
    items: Sequence[Item],
    *,
    actor_name: str,
    answer: Answer = IDS_ONLY,
) -> list[Row]:
    """Update records at their expected versions; returns them as `insert_many` does.

    Raises:
        Refused: a record that does not exist or is at another version (CONFLICT), a
            bad reference, or a constraint; nothing was written.
    """

    def statement(shape: Shape) -> str:
        return update_sql(table, shape, answer)

    return await _write(conn, table, items, statement, actor_name, answer)


async def delete_many(
    conn: asyncpg.Connection,
    table: Description,
    items: Sequence[Item],
    *,
    actor_name: str,
    answer: Answer = IDS_ONLY,
) -> list[Row]:
    """Delete records (and their citations) at their expected versions; returns their
    `id` (and `answer` when asked), in the items' order.

    Raises:
        Refused: a record that does not exist, is at another version, or that another
            record still points at (REFERENCED); nothing was deleted.
    """
    indexes = list(range(len(items)))
    statement = delete_sql(table, answer, size_of(len(items)))
    return await _run(conn, table, items, statement, actor_name, indexes, answer)


async def write_many(
    conn: asyncpg.Connection,
    table: Description,
    operation: Operation,
    items: Sequence[Item],
    *,
    actor_name: str,
    answer: Answer = IDS_ONLY,
) -> list[Row]:
    """`insert_many`, `update_many` or `delete_many`, as `operation` says."""
    write = {"create": insert_many, "update": update_many, "delete": delete_many}[operation]
    return await write(conn, table, items, actor_name=actor_name, answer=answer)


async def insert(
    conn: asyncpg.Connection,
    table: Description,
    values: Mapping[str, Any],
    *,
    actor_name: str,
    links: Mapping[str, Sequence[int]] | None = None,
    answer: Answer = IDS_ONLY,
) -> Row:
    """Create one record (one round trip). Raises its own errors (not Refused)."""
    item = Item(values, links or {})
    return (await _alone(insert_many(conn, table, [item], actor_name=actor_name, answer=answer)))[0]


async def update(
    conn: asyncpg.Connection,
    table: Description,
    record_id: int,
    expected_version: int | None,
    values: Mapping[str, Any],
    *,
    actor_name: str,
    links: Mapping[str, Sequence[int]] | None = None,
    answer: Answer = IDS_ONLY,
) -> Row:
    """Update one record if it is still at `expected_version` (stale: Conflict)."""
    item = Item(values, links or {}, record_id, expected_version)
    write = update_many(conn, table, [item], actor_name=actor_name, answer=answer)
    return (await _alone(write))[0]


async def _alone(write: Awaitable[list[_T]]) -> list[_T]:
    try:
        return await write
    except Refused as refused:
        raise refused.alone() from None


async def _write(
    conn: asyncpg.Connection,
    table: Description,
    items: Sequence[Item],
    statement: Callable[[Shape], str],
    actor_name: str,
    answer: Answer,
) -> list[Row]:
    """One statement per shape of items; several run in one transaction."""
    by_fields: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    for index, item in enumerate(items):
        by_fields.setdefault((tuple(sorted(item.values)), tuple(sorted(item.links))), []).append(
            index
        )
    groups = {
        Shape(columns, links, size_of(len(indexes))): indexes
        for (columns, links), indexes in by_fields.items()
    }
    results: list[Row | None] = [None] * len(items)
    atomic: AbstractAsyncContextManager[Any] = (
        conn.transaction() if len(groups) > 1 and not conn.is_in_transaction() else nullcontext()
    )
    async with atomic:
        for shape, indexes in groups.items():
            batch = [items[i] for i in indexes]
            rows = await _run(conn, table, batch, statement(shape), actor_name, indexes, answer)
            for index, row in zip(indexes, rows, strict=True):
                results[index] = row
    return [row for row in results if row is not None]


async def _run(
    conn: asyncpg.Connection,
    table: Description,
    items: Sequence[Item],
    sql: str,
    actor_name: str,
    indexes: Sequence[int],
    answer: Answer,
) -> list[Row]:
    """Run one statement over `items` (at `indexes` of the caller's batch)."""
    payload = [_item_json(item) for item in items]
    try:
        rows: list[Row] = await conn.fetch(
            sql, payload, table.kind.value, actor_name, *answer.params
        )
    except asyncpg.PostgresError as exc:
        mapped = _mapped(table, exc)
        if mapped is None:
            raise
        raise Refused([(_item_at_fault(exc, items, indexes), mapped)]) from None
    refused = rows[0]["refused"] if rows else None
    if refused:
        raise Refused(
            [(indexes[r["ord"] - 1], _refusal(table, r, items[r["ord"] - 1])) for r in refused]
        )
    if len(rows) != len(items):  # a row missing from the answer (nothing else refused it)
        raise RuntimeError(f"{table.kind}: wrote {len(items)} records, answered {len(rows)}")
    return rows


def _item_json(item: Item) -> dict[str, Any]:
    """An item as the statement reads it: columns by name, link sets by link name."""
    payload = dict(item.values)
    for name, ids in item.links.items():
        payload[name] = list(dict.fromkeys(ids))
    if item.record_id is not None:
        payload["id"] = item.record_id
        payload["expected_version"] = item.expected_version
    return payload


def _refusal(table: Description, refused: Mapping[str, Any], item: Item) -> DomainError:
    """A refusal of the statement (see write_statements.py) as the domain error."""
    reason, field_name, found = refused["reason"], refused["field"], refused["found"]
    if reason == "missing":
        return NotFound(f"no {table.kind} with this id", field="id")
    if reason == "stale":
        return Conflict(
            f"{table.kind} is at version {found}, not {item.expected_version}: read it again "
            "and reapply your change",
            field="expectedVersion",
        )
    expected = " or ".join(_kinds_of_field(table).get(field_name, ()))
    if reason == "no_record":
        return NotFound(f"no {expected} with this id", field=field_name)
    return Invalid(f"expected a {expected}, got a {found}", field=field_name)


def _kinds_of_field(table: Description) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {
        _field_name(c): kinds for c, kinds in table.references.items()
    }
    found.update({_field_name(n): link.target_kinds for n, link in table.links.items()})
    return found


_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\)")


def _item_at_fault(
    exc: asyncpg.PostgresError, items: Sequence[Item], indexes: Sequence[int]
) -> int | None:
    """Which item a constraint's failure names, when its detail says (a key's value)."""
    match = _KEY.search(getattr(exc, "detail", None) or "")
    if match is None:
        return None
    column, value = match["columns"].split(",")[0].strip(), match["values"].split(",")[0]
    for position, item in enumerate(items):
        if column == "id" and str(item.record_id) == value:
            return indexes[position]
        if column != "id" and str(item.values.get(column)) == value:
            return indexes[position]
    return None


def _mapped(table: Description, exc: asyncpg.PostgresError) -> DomainError | None:
    """A constraint's violation as the domain error naming the field (None: not one)."""
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        if "is still referenced" in (exc.detail or ""):
            return StillReferenced(
                f"this {table.kind} is still referenced by a {exc.table_name} "
                "record: delete or relink those first",
                field="id",
            )
        return NotFound(f"a referenced record does not exist ({exc.detail})")
    if isinstance(exc, asyncpg.DeadlockDetectedError):
        # Two batches locking records of several kinds in opposite orders: PostgreSQL
        # ends one of them; nothing of it was written, and a retry succeeds.
        return Conflict(f"another write held these {table.kind} records: send it again")
    if isinstance(exc, asyncpg.UniqueViolationError):
        column = _constraint_column(table, exc.constraint_name or "")
        return Conflict(
            f"another {table.kind} already has this {column}", field=_field_name(column)
        )
    checks = table.named_checks
    if isinstance(exc, asyncpg.CheckViolationError) and exc.constraint_name in checks:
        field_name, message = checks[exc.constraint_name]
        return Invalid(message, field=field_name)
    if isinstance(exc, asyncpg.CheckViolationError | asyncpg.DataError):
        return Invalid(f"invalid {table.kind}: {exc.message}")
    return None


def _field_name(column: str) -> str:
    """speaker_id -> speakerId: errors name the GraphQL input field."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def _constraint_column(table: Description, constraint: str) -> str:
    """actor_slug_key -> slug; party_declaration_id_actor_id_role_key -> the key's columns."""
    middle = constraint.removeprefix(f"{table.name}_").removesuffix("_key")
    return middle or "key"
