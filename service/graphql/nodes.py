"""The Node interface and `node(id)` / `nodes(ids)`: any record by its global id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry

from service.database.named_queries import query
from service.graphql.context import Info
from service.graphql.ids import decode_id
from service.graphql.loaders import BatchFn
from service.live.rows import SharedRows
from service.vocab import RecordKind

Row = dict[str, Any]


@strawberry.interface(description="A record of the position record, with a global id.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id; pass it to `node`.")


_REGISTRY: dict[RecordKind, tuple[BatchFn, Callable[[Row], Any]]] = {}


def by_id_batch(feature: str, name: str) -> BatchFn:
    """A batch function running the named query `name` with `$1 = ids`, in key order."""

    async def batch(pool: Any, ids: Sequence[int]) -> list[Row | None]:
        rows = await pool.fetch(query(feature, name), list(ids))
        # asyncpg's records as they are: the `from_row` constructors only read them by
        # column name, which a record answers as a dict would, without the copy.
        found = {r["id"]: r for r in rows}
        return [found.get(i) for i in ids]

    batch.__qualname__ = f"{feature}.{name}"
    _BY_ID_QUERIES[batch] = (feature, name)
    return batch


_BY_ID_QUERIES: dict[BatchFn, tuple[str, str]] = {}


def by_id_query(kind: RecordKind) -> str:
    """The named query reading records of `kind` by id (`$1` the ids): what a write
    answers with, run over the rows it wrote (service/record/write_statements.py)."""
    return query(*_BY_ID_QUERIES[_REGISTRY[kind][0]])


def register(kind: RecordKind, batch: BatchFn, to_node: Callable[[Row], Any]) -> None:
    """Make records of `kind` reachable through `node(id)`."""
    _REGISTRY[kind] = (batch, to_node)


async def load_row(info: Info, kind: RecordKind, record_id: int) -> Row | None:
    """The row of one record through the request's loader (batched with its siblings)."""
    batch, _ = _REGISTRY[kind]
    row: Row | None = await info.context.loaders.get(batch).load(record_id)
    return row


def node_of(kind: RecordKind, row: Row) -> Any:
    """The GraphQL object of a row of `kind` already at hand (as a write returned it)."""
    return _REGISTRY[kind][1](row)


async def fresh_node(info: Info, kind: RecordKind, record_id: int) -> Any:
    """A record as stored now, bypassing the request's loader cache (after a write)."""
    batch, to_node = _REGISTRY[kind]
    (row,) = await batch(info.context.pool, [record_id])
    return None if row is None else to_node(row)


async def load_node(info: Info, kind: RecordKind, record_id: int | None) -> Any:
    """The GraphQL object of one record, or None when it does not exist."""
    if record_id is None:
        return None
    row = await load_row(info, kind, record_id)
    return None if row is None else _REGISTRY[kind][1](row)


async def shared_node(info: Info, rows: SharedRows | None, kind: RecordKind, record_id: int) -> Any:
    """`load_node`, through `rows` when given: subscriptions told of one change share one
    read of the changed record's row (service/live/rows.py)."""
    if rows is None:
        return await load_node(info, kind, record_id)
    row = await rows.get(kind.value, record_id, lambda: load_row(info, kind, record_id))
    return None if row is None else node_of(kind, row)


async def load_any(info: Info, record_ids: Sequence[int]) -> list[Any | None]:
    """Records of any kind by database id (their kind is read from `record`)."""
    kinds = await info.context.loaders.get(_kinds_batch).load_many(list(record_ids))
    return [
        None if kind is None else await load_node(info, kind, rid)
        for kind, rid in zip(kinds, record_ids, strict=True)
    ]


async def _kinds_batch(pool: Any, ids: Sequence[int]) -> list[RecordKind | None]:
    rows = await pool.fetch(query("records", "record_kinds"), list(ids))
    found = {r["id"]: RecordKind(r["kind"]) for r in rows}
    return [found.get(i) for i in ids]


async def resolve_global(info: Info, global_id: str) -> Any | None:
    """`node(id)`: None for an id of ours that names no record; Invalid for garbage."""
    kind, record_id = decode_id(global_id)
    if kind not in _REGISTRY:
        return None
    return await load_node(info, kind, record_id)


def row_reader(kind: RecordKind) -> Callable[[Row], Any]:
    """The GraphQL object of a `kind` row, read from the registry when called: a list of
    another kind's records needs no import of that kind's module (the schema registers
    every kind when it is assembled)."""

    def to_node(row: Row) -> Any:
        return _REGISTRY[kind][1](row)

    return to_node
