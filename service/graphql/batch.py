"""`writeRecords`: many creates, updates and deletes, of any kinds, in one transaction.

For client apps that sync: a list of operations, each one of the record mutations with
its own input (a `@oneOf` input, built from the mutations themselves, so a new mutation
is in the batch as soon as it exists). Each operation runs its own mutation's resolver
while the batch gathers (service/graphql/payloads.py, GATHERING): its input is validated
exactly as alone, and its write is handed to the batch instead of being made. Then the
writes are made in the operations' order, each run of consecutive operations of one kind
and one operation in one statement (service/record/writer.py), all in one transaction.

All or nothing: any problem of any operation (its input, a reference, a version, a
constraint) is reported with its path (`["operations", "3", "createActor", "slug"]`),
and nothing is written. At most MAX_BATCH_OPERATIONS operations per call; the cost
limit counts each operation's answer (service/http/cost.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from itertools import groupby
from typing import Annotated, Any

import strawberry
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.unset import UNSET
from strawberry.utils.str_converters import to_camel_case

from service.access.permissions import needed_role
from service.access.roles import Role
from service.errors import DomainError, Forbidden, Invalid
from service.graphql.common import UserError
from service.graphql.context import Info
from service.graphql.ids import encode_id
from service.graphql.mutations import record_answer
from service.graphql.nodes import Node, node_of
from service.graphql.payloads import GATHERED, GATHERING, GatheredWrite
from service.record import writer
from service.record.history import write_transaction
from service.vocab import RecordKind

MAX_BATCH_OPERATIONS = 500


@strawberry.type(description="What one operation of a batch wrote.")
class BatchResult:
    record: Node | None = strawberry.field(
        description="The record created or updated, as stored (null for a delete)."
    )
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The id of the record deleted (null for a create or an update)."
    )


@strawberry.type(description="The outcome of writeRecords: every result, or why not.")
class BatchPayload:
    results: list[BatchResult] | None = strawberry.field(
        description="One per operation, in their order (null on error)."
    )
    errors: list[UserError] = strawberry.field(
        description="Every problem of every operation, each with its path from "
        "`operations`; when not empty, nothing was written."
    )


class _Operation:
    """One mutation a batch may hold: its resolver and the role it needs."""

    def __init__(self, field: Any) -> None:
        # camelCase, as clients write it (the schema's own name converter)
        self.graphql_name = field.graphql_name or to_camel_case(field.python_name)
        self.resolver = field.base_resolver.wrapped_func
        self.role = needed_role(field) or Role.EDITOR


def batch_mutation(mutations: Iterable[type]) -> type:
    """The Mutation type holding `writeRecords`, over the record mutations of `mutations`."""
    known: dict[str, _Operation] = {}
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for kind_mutations in mutations:
        definition: StrawberryObjectDefinition = kind_mutations.__strawberry_definition__  # type: ignore[attr-defined]
        for field in definition.fields:
            (argument,) = field.arguments
            known[field.python_name] = _Operation(field)
            annotations[field.python_name] = argument.type | None  # type: ignore[operator]
            namespace[field.python_name] = strawberry.field(
                default=UNSET, description=field.description
            )
    namespace["__annotations__"] = annotations
    record_write = strawberry.input(
        type("RecordWrite", (), namespace),
        one_of=True,
        description="One operation of writeRecords: exactly one of the record mutations, "
        "with its input.",
    )

    async def write_records(self: Any, info: Info, operations: list[Any]) -> BatchPayload:
        return await _write_records(info, known, operations)

    # Real objects, not the module's postponed annotations: RecordWrite is made here.
    write_records.__annotations__ = {
        "info": Info,
        "operations": Annotated[
            list[record_write],  # type: ignore[valid-type]
            strawberry.argument(
                description=f"The writes, in order: each one record mutation and its input "
                f"(at most {MAX_BATCH_OPERATIONS})."
            ),
        ],
        "return": BatchPayload,
    }
    field_: Any = strawberry.mutation(
        write_records,
        description="Write many records (creates, updates, deletes, of any kinds) in one "
        f"transaction, all or nothing; at most {MAX_BATCH_OPERATIONS} operations.",
    )
    return strawberry.type(type("BatchMutation", (), {"write_records": field_}))


async def _write_records(
    info: Info, known: dict[str, _Operation], operations: Sequence[Any]
) -> BatchPayload:
    if len(operations) > MAX_BATCH_OPERATIONS:
        error = Invalid(
            f"at most {MAX_BATCH_OPERATIONS} operations per call: send the rest in another",
            field="operations",
        )
        return BatchPayload(results=None, errors=[UserError.of(error)])
    gathered: list[GatheredWrite] = []
    errors: list[UserError] = []
    token = GATHERING.set(gathered)
    try:
        for index, operation in enumerate(operations):
            name, data = _chosen(operation)
            known_operation = known[name]
            where = ("operations", index, known_operation.graphql_name)
            if not info.context.caller.may(known_operation.role):
                refused = Forbidden(f"{where[2]} needs an {known_operation.role} token")
                errors.append(_at(where, refused))
                continue
            try:
                answered = await known_operation.resolver(None, info, data)
            except DomainError as error:
                errors += [_at(where, each) for each in error.each]
                continue
            if answered is not GATHERED:  # a resolver refusing its input by itself
                errors += [_prefixed(where, each) for each in answered.errors]
    finally:
        GATHERING.reset(token)
    if errors:
        return BatchPayload(results=None, errors=errors)
    names = [known[_chosen(o)[0]].graphql_name for o in operations]
    try:
        results = await _write(info, gathered)
    except writer.Refused as refused:
        return BatchPayload(
            results=None,
            errors=[
                _at(
                    ("operations", index, names[index]) if index is not None else ("operations",),
                    error,
                )
                for index, error in refused.problems
            ],
        )
    return BatchPayload(results=results, errors=[])


def _chosen(operation: Any) -> tuple[str, Any]:
    """The one mutation an operation names (the @oneOf input guarantees exactly one)."""
    for name, value in vars(operation).items():
        if value is not UNSET and value is not None:
            return name, value
    raise Invalid("name one mutation per operation", field="operations")


async def _write(info: Info, gathered: list[GatheredWrite]) -> list[BatchResult]:
    """Each run of one kind and one operation in one statement, all in one transaction;
    a Refused's positions are those of the whole batch."""
    runs = [
        (key, list(group))
        for key, group in groupby(
            enumerate(gathered), key=lambda g: (g[1].table.kind, g[1].operation)
        )
    ]
    results: list[BatchResult] = []
    name = info.context.caller_name
    async with info.context.pool.acquire() as conn:
        atomic: AbstractAsyncContextManager[Any] = (
            write_transaction(conn) if len(runs) > 1 else nullcontext()
        )
        async with atomic:
            for (kind, operation), run in runs:
                table = run[0][1].table
                try:
                    rows = await writer.write_many(
                        conn,
                        table,
                        operation,
                        [g.item for _, g in run],
                        actor_name=name,
                        answer=record_answer(table, operation),
                    )
                except writer.Refused as refused:
                    raise writer.Refused(
                        [(None if i is None else run[i][0], e) for i, e in refused.problems]
                    ) from None
                results += [_result(kind, operation, row) for row in rows]
    return results


def _result(kind: RecordKind, operation: str, row: Any) -> BatchResult:
    if operation == "delete":
        return BatchResult(record=None, deleted_id=strawberry.ID(encode_id(kind, row["id"])))
    return BatchResult(record=node_of(kind, row), deleted_id=None)


def _at(where: tuple[str | int, ...], error: DomainError) -> UserError:
    """An operation's error, its path starting at `operations`."""
    return _prefixed(where, UserError.of(error))


def _prefixed(where: tuple[str | int, ...], error: UserError) -> UserError:
    error.path = [*(str(part) for part in where), *error.path]
    return error
