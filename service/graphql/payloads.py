"""Mutation payloads: the record (or the deleted id) and the expected errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import msgspec
import strawberry

from service.errors import DomainError
from service.graphql.common import UserError
from service.graphql.context import Info
from service.graphql.ids import encode_id
from service.graphql.mutations import create_record, delete_record, to_command, update_record
from service.graphql.nodes import fresh_node, node_of
from service.record.description import Description
from service.vocab import RecordKind

T = TypeVar("T")
Row = dict[str, Any]


@strawberry.type(description="The outcome of a create or update: the record, or why not.")
class Payload(Generic[T]):
    record: T | None = strawberry.field(description="The record as stored (null on error).")
    errors: list[UserError] = strawberry.field(
        description="Expected failures; when not empty, nothing was written."
    )


@strawberry.type(description="The outcome of a delete.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The id of the deleted record (null on error)."
    )
    errors: list[UserError] = strawberry.field(
        description="Expected failures; when not empty, nothing was written."
    )


@strawberry.input(description="Which record to delete.")
class DeleteInput:
    id: strawberry.ID = strawberry.field(description="The record's global id.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse the delete unless the record is at this version."
    )


# Kinds whose by-id query returns columns the table lacks (parties_by_id: `disputed`,
# tracks_by_id: `status`, citations_by_id: the source's): their answer is read back the
# way queries read it. Every other kind's node is built from the row the write returned,
# one round-trip fewer.
_COMPUTED_KINDS = frozenset({RecordKind.PARTY, RecordKind.TRACK, RecordKind.CITATION})


async def _payload(
    info: Info, table: Description, action: Callable[[], Awaitable[Row]]
) -> Payload[Any]:
    try:
        row = await action()
    except DomainError as error:
        return Payload(record=None, errors=UserError.all_of(error))
    if table.kind in _COMPUTED_KINDS:
        return Payload(record=await fresh_node(info, table.kind, row["id"]), errors=[])
    return Payload(record=node_of(table.kind, row), errors=[])


async def create(
    info: Info,
    table: Description,
    data: object,
    command: type[msgspec.Struct],
) -> Payload[Any]:
    """The whole create mutation: validate, write with history, answer."""

    async def action() -> Row:
        return await create_record(info, table, to_command(data, command))

    return await _payload(info, table, action)


async def update(
    info: Info,
    table: Description,
    global_id: str,
    data: object,
    command: type[msgspec.Struct],
) -> Payload[Any]:
    """The whole update mutation (a stale expectedVersion is a CONFLICT)."""

    async def action() -> Row:
        return await update_record(info, table, global_id, to_command(data, command))

    return await _payload(info, table, action)


async def delete(info: Info, table: Description, data: DeleteInput) -> DeletePayload:
    """The whole delete mutation (REFERENCED while other records point at it)."""
    try:
        row = await delete_record(info, table, data.id, data.expected_version)
    except DomainError as error:
        return DeletePayload(deleted_id=None, errors=UserError.all_of(error))
    return DeletePayload(deleted_id=strawberry.ID(encode_id(table.kind, row["id"])), errors=[])
