"""Mutation payloads: the record (or the deleted id) and the expected errors."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec
import strawberry

from service.errors import DomainError
from service.graphql.common import UserError
from service.graphql.context import Info
from service.graphql.ids import encode_id
from service.graphql.mutations import (
    Operation,
    create_item,
    delete_item,
    to_command,
    update_item,
    write_one,
)
from service.graphql.nodes import node_of
from service.record.description import Description
from service.record.writer import Item

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


class Gathered:
    """What a resolver returns instead of writing while a batch gathers its writes."""


GATHERED: Any = Gathered()


@dataclass(frozen=True)
class GatheredWrite:
    """One operation of a batch (writeRecords), validated, waiting to be written."""

    table: Description
    operation: Operation
    item: Item


# Set by writeRecords (service/graphql/batch.py) while it runs each operation's own
# resolver: the resolver validates its input as alone, then hands its write over here.
GATHERING: ContextVar[list[GatheredWrite] | None] = ContextVar("gathering", default=None)


async def _write(
    info: Info, table: Description, operation: Operation, item: Callable[[], Item]
) -> Any:
    """Write one record, or hand it to the batch gathering writes (then GATHERED).

    `item` validates the input: its errors are raised, for the payload or the batch.
    """
    gathering = GATHERING.get()
    if gathering is not None:
        gathering.append(GatheredWrite(table, operation, item()))
        return GATHERED
    return await write_one(info, table, operation, item())


async def create(
    info: Info,
    table: Description,
    data: object,
    command: type[msgspec.Struct],
) -> Payload[Any]:
    """The whole create mutation: validate, write with history, answer."""
    try:
        row = await _write(
            info, table, "create", lambda: create_item(table, to_command(data, command))
        )
    except DomainError as error:
        if GATHERING.get() is not None:
            raise
        return Payload(record=None, errors=UserError.all_of(error))
    return row if row is GATHERED else Payload(record=node_of(table.kind, row), errors=[])


async def update(
    info: Info,
    table: Description,
    data: Any,
    command: type[msgspec.Struct],
) -> Payload[Any]:
    """The whole update mutation of the record `data.id` (a stale expectedVersion is a
    CONFLICT)."""
    try:
        row = await _write(
            info, table, "update", lambda: update_item(table, data.id, to_command(data, command))
        )
    except DomainError as error:
        if GATHERING.get() is not None:
            raise
        return Payload(record=None, errors=UserError.all_of(error))
    return row if row is GATHERED else Payload(record=node_of(table.kind, row), errors=[])


async def delete(info: Info, table: Description, data: DeleteInput) -> DeletePayload:
    """The whole delete mutation (REFERENCED while other records point at it)."""
    try:
        deleted = await _write(
            info, table, "delete", lambda: delete_item(table, data.id, data.expected_version)
        )
    except DomainError as error:
        if GATHERING.get() is not None:
            raise
        return DeletePayload(deleted_id=None, errors=UserError.all_of(error))
    if deleted is GATHERED:
        return deleted
    return DeletePayload(deleted_id=strawberry.ID(encode_id(table.kind, deleted)), errors=[])
