"""What every mutation shares: input validation, global-id references, one transaction."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from enum import Enum
from functools import cache
from typing import Any, TypeVar

import asyncpg
import msgspec
from strawberry.types.unset import UNSET

from service.errors import DomainError, Invalid, Problems
from service.graphql.context import Info
from service.graphql.ids import decode_id_of
from service.graphql.nodes import by_id_query
from service.record import writer
from service.record.dates import parse_precise_date
from service.record.description import Description
from service.record.fields import explain
from service.record.history import write_transaction
from service.record.write_statements import Answer

S = TypeVar("S", bound=msgspec.Struct)
R = TypeVar("R")
Row = dict[str, Any]
Operation = writer.Operation


def input_values(data: object) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones are left out)."""
    return {k: v for k, v in vars(data).items() if v is not UNSET}


def to_command(data: object, command: type[S]) -> S:
    """Validate a GraphQL input against a command Struct's limits.

    Raises:
        Invalid: for one problem, naming the input field (camelCase) and the rule broken;
        Problems: for several, every one of them (each value is checked on its own first).
    """
    values = input_values(data)
    try:
        return msgspec.convert(values, command, from_attributes=True, str_keys=True)
    except msgspec.ValidationError:
        pass  # find every problem, not only the first one msgspec stops at
    problems: list[DomainError] = []
    for name, type_ in _field_types(command):
        if name not in values:
            continue
        try:
            msgspec.convert(values[name], type_, from_attributes=True, str_keys=True)
        except msgspec.ValidationError as exc:
            problems.append(_problem(name, str(exc)))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Problems(problems)
    try:
        return msgspec.convert(values, command, from_attributes=True, str_keys=True)
    except msgspec.ValidationError as exc:  # what only the whole input can break
        message, _, where = str(exc).rpartition(" - at `$.")
        name = where.rstrip("`").split("[")[0].split(".")[0]
        raise _problem(name, message or str(exc)) if name else Invalid(str(exc)) from None


@cache
def _field_types(command: type[msgspec.Struct]) -> tuple[tuple[str, Any], ...]:
    """Each field of a command and its type (msgspec works the types out from the
    annotations on every call: once per command is enough)."""
    return tuple((info.name, info.type) for info in msgspec.structs.fields(command))


_INDEX = re.compile(r"\[(\d+)\]|\.([A-Za-z_]+)")


def _problem(name: str, message: str) -> Invalid:
    """msgspec's reason for one input field's value, as the rule in words, with the path."""
    reason, _, where = message.rpartition(" - at `$")
    if not reason:
        reason, where = message, ""
    inner = tuple(
        int(index) if index else _camel(key) for index, key in _INDEX.findall(where.rstrip("`"))
    )
    field = _camel(name)
    where_in = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in inner)
    return Invalid(f"{field}{where_in} {explain(reason)}", field=field, path=(field, *inner))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def to_columns(table: Description, command: msgspec.Struct) -> dict[str, Any]:
    """Column values of a command: UNSET fields dropped, global ids turned into db ids."""
    values: dict[str, Any] = {}
    for name in command.__struct_fields__:
        value = getattr(command, name)
        if value is msgspec.UNSET or name in table.links or name == "expected_version":
            continue
        if name in table.dates:
            dated = table.dates[name]
            date = None if value is None else parse_precise_date(value, _camel(name))
            # All three columns, always: a single date given for a range ends the range.
            values[dated.at] = None if date is None else date.at
            values[dated.precision_column] = None if date is None else date.precision.value
            values[dated.until] = None if date is None else date.until
            continue
        if name in table.references and isinstance(value, str):
            value = decode_id_of(value, table.references[name], _camel(name))
        values[name] = value.value if isinstance(value, Enum) else value
    return values


def to_links(table: Description, command: msgspec.Struct) -> dict[str, list[int]]:
    """Link sets a command sets (each a list of global ids)."""
    links: dict[str, list[int]] = {}
    for name, link in table.links.items():
        ids = getattr(command, name, msgspec.UNSET)
        if ids is not msgspec.UNSET and ids is not None:
            links[name] = [decode_id_of(i, link.target_kinds, _camel(name)) for i in ids]
    return links


async def in_transaction(info: Info, work: Callable[[asyncpg.Connection], Awaitable[R]]) -> R:
    """Run one mutation's writes in one transaction: on any error nothing is written."""
    async with info.context.pool.acquire() as conn, write_transaction(conn):
        return await work(conn)


async def attempt(action: Callable[[], Awaitable[R]]) -> tuple[R | None, list[DomainError]]:
    """Run a mutation; expected failures come back as errors for the payload."""
    try:
        return await action(), []
    except DomainError as error:
        return None, [error]


def create_item(table: Description, command: msgspec.Struct) -> writer.Item:
    """The writer's item of a validated create command."""
    return writer.Item(to_columns(table, command), to_links(table, command))


def update_item(table: Description, global_id: str, command: msgspec.Struct) -> writer.Item:
    """The writer's item of a validated update command (its record and expected version)."""
    expected: int = getattr(command, "expected_version")  # noqa: B009 (every update has one)
    return writer.Item(
        to_columns(table, command),
        to_links(table, command),
        decode_id_of(global_id, (table.kind,), "id"),
        expected,
    )


def delete_item(table: Description, global_id: str, expected_version: int | None) -> writer.Item:
    """The writer's item of a delete."""
    return writer.Item(
        record_id=decode_id_of(global_id, (table.kind,), "id"), expected_version=expected_version
    )


def record_answer(
    table: Description, operation: Operation, json: str | None = None, params: tuple[Any, ...] = ()
) -> Answer:
    """What a write of `table` answers with: each record as a read of it gives it (the
    kind's by-id row; a delete has only its id), and `json` over it when given."""
    return Answer(None if operation == "delete" else by_id_query(table.kind), json, params)


async def write_one(info: Info, table: Description, operation: Operation, item: writer.Item) -> Any:
    """Write one record: one statement, one round trip, its own implicit transaction.

    Returns the record as a read of it gives it (the kind's by-id row), or the id of the
    record deleted.
    """
    async with info.context.pool.acquire() as conn:
        try:
            (row,) = await writer.write_many(
                conn,
                table,
                operation,
                [item],
                actor_name=info.context.caller_name,
                answer=record_answer(table, operation),
            )
        except writer.Refused as refused:
            raise refused.alone() from None
    return row["id"] if operation == "delete" else row
