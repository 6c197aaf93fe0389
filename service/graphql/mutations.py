"""What every mutation shares: input validation, global-id references, one transaction."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import asyncpg
import msgspec
from strawberry.types.unset import UNSET

from service.errors import DomainError, Invalid, Problems
from service.graphql.context import Info
from service.graphql.ids import decode_id_of
from service.record import writer
from service.record.dates import parse_precise_date
from service.record.description import Description
from service.record.fields import explain
from service.record.history import write_transaction

S = TypeVar("S", bound=msgspec.Struct)
R = TypeVar("R")


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
    problems: list[DomainError] = []
    for info in msgspec.structs.fields(command):
        if info.name not in values:
            continue
        try:
            msgspec.convert(values[info.name], info.type, from_attributes=True, str_keys=True)
        except msgspec.ValidationError as exc:
            problems.append(_problem(info.name, str(exc)))
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


async def create_record(info: Info, table: Description, command: msgspec.Struct) -> dict[str, Any]:
    """Insert a record from a validated command; its change is logged in the same transaction."""
    values, links = to_columns(table, command), to_links(table, command)
    name = info.context.caller_name

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        return await writer.insert(conn, table, values, actor_name=name, links=links)

    return await in_transaction(info, work)


async def update_record(
    info: Info, table: Description, global_id: str, command: msgspec.Struct
) -> dict[str, Any]:
    """Apply a validated update command if the record is still at its expected version."""
    record_id = decode_id_of(global_id, (table.kind,), "id")
    values, links = to_columns(table, command), to_links(table, command)
    expected: int = getattr(command, "expected_version")  # noqa: B009 (every update has one)
    name = info.context.caller_name

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        return await writer.update(
            conn, table, record_id, expected, values, actor_name=name, links=links
        )

    return await in_transaction(info, work)


async def delete_record(
    info: Info, table: Description, global_id: str, expected_version: int | None
) -> dict[str, Any]:
    """Delete a record (refused while referenced); its last state stays in its history."""
    record_id = decode_id_of(global_id, (table.kind,), "id")
    name = info.context.caller_name

    async def work(conn: asyncpg.Connection) -> dict[str, Any]:
        return await writer.delete(conn, table, record_id, expected_version, actor_name=name)

    return await in_transaction(info, work)
