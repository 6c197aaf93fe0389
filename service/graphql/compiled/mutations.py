"""Kept mutations: a single-record mutation answered by one statement, without the executor.

The first request for a mutation document goes the whole way: Strawberry parses and
validates it, the limits count it, the executor runs the mutation. When that succeeded,
CompiledMutations keeps the document's plan (MutationPlan): its one root field, the
mutation's own resolver, and its payload compiled to SQL over the written record's row
(the compiled path's selections, `compiler.py`), in the shape a client asked for.

A later request for the same text and operation name (kept_mutation_answer, called by
the HTTP pipeline) skips Strawberry:

1. graphql-core coerces its variables (the same rules as the whole way);
2. the root field's arguments become the mutation's input object, as Strawberry makes it;
3. the mutation's own resolver runs while writes are gathered (payloads.GATHERING): the
   same validation, the same command, and its write handed over instead of made;
4. the writer makes the write in one statement whose answer is the whole `data` JSON,
   built by PostgreSQL from the written row (service/record/write_statements.py).

Anything unusual goes the whole way instead, which answers as it always does: variables
that do not coerce, a NUL character, an input the resolver refuses, a refusal of the
database or a failed statement (nothing was written: the whole way runs again and
reports it), a caller who may not write. A connection lost during the statement is
answered 503 at once: it may have committed, and running it again could write twice.

What the limits count depends on the text alone for a kept document (a payload selection
holding a variable is never kept), so a document that passed them once passes them again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInputObjectType,
    GraphQLObjectType,
    OperationType,
    VariableDefinitionNode,
    get_named_type,
    print_ast,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails, collect_fields
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType as StrawberryOperationType
from strawberry.utils.str_converters import to_camel_case

from service.access.gate import context_refusal
from service.access.permissions import needed_role
from service.access.roles import Role
from service.database.pool import count_round_trips, database_unavailable
from service.errors import DomainError
from service.graphql.compiled import sql_json
from service.graphql.compiled.catalog import SchemaCatalog
from service.graphql.compiled.compiler import Compilation, NotCompilable
from service.graphql.mutations import record_answer
from service.graphql.payloads import GATHERING, GatheredWrite
from service.http.operation_caches import operation_key
from service.lru import Lru
from service.observability.request_info import MUTATION, note_answer
from service.record import writer

log = logging.getLogger(__name__)

# The writer's own parameters come first: $1 the items, $2 the kind, $3 the author.
_WRITER_PARAMETERS = 3


@dataclass(frozen=True)
class MutationPlan:
    """How to answer one mutation document without the executor.

    Attributes:
        document: the parsed document (its variables are coerced against it).
        operation_name: the operation the client named (None: the only one).
        response_key: the root field's key in `data`.
        field_name: the root field (a record mutation).
        resolver: the mutation's own resolver function (self, info, **arguments).
        role: the role the mutation needs.
        answer_json: the SQL of `data`, over the written row `q`; its parameters follow
            the writer's (`$4`...).
        answer_params: those parameters.
    """

    document: DocumentNode
    operation_name: str | None
    response_key: str
    field_name: str
    resolver: Callable[..., Awaitable[Any]]
    role: Role
    answer_json: str
    answer_params: tuple[Any, ...]
    variable_definitions: tuple[VariableDefinitionNode, ...]
    field_node: FieldNode
    arguments: _FlatArguments | None


@dataclass(frozen=True)
class _FlatArguments:
    """Arguments made as the resolver gets them without Strawberry's general conversion:
    each argument an input object of scalars, enums and lists of them (graphql-core has
    coerced those to their Python values already), built by its class from its fields'
    Python names. Anything else goes through Strawberry's conversion."""

    classes: dict[str, tuple[str, type, dict[str, str]]]
    """By GraphQL argument name: the Python name, the input class, its fields' names."""

    def convert(self, values: dict[str, Any]) -> dict[str, Any]:
        converted: dict[str, Any] = {}
        for name, value in values.items():
            python_name, cls, fields = self.classes[name]
            converted[python_name] = cls(**{fields[k]: v for k, v in value.items()})
        return converted


def _flat_arguments(field: Any) -> _FlatArguments | None:
    """The flat construction of a mutation field's arguments, when they are all flat."""
    definition = field.extensions.get("strawberry-definition")
    classes: dict[str, tuple[str, type, dict[str, str]]] = {}
    for argument in getattr(definition, "arguments", ()):
        input_definition = getattr(argument.type, "__strawberry_definition__", None)
        graphql_name = argument.graphql_name or to_camel_case(argument.python_name)
        graphql_argument = field.args.get(graphql_name)
        if input_definition is None or graphql_argument is None:
            return None
        input_type = get_named_type(graphql_argument.type)
        if not isinstance(input_type, GraphQLInputObjectType) or any(
            isinstance(get_named_type(f.type), GraphQLInputObjectType)
            for f in input_type.fields.values()
        ):
            return None
        names = {
            f.graphql_name or to_camel_case(f.python_name): f.python_name
            for f in input_definition.fields
        }
        classes[graphql_name] = (argument.python_name, argument.type, names)
    return _FlatArguments(classes)


class MutationPlans:
    """The plans of one schema's mutation documents, by text and operation name."""

    def __init__(self, catalog: SchemaCatalog, page_sizes: tuple[int, int], entries: int) -> None:
        self.catalog = catalog
        self.page_sizes = page_sizes
        self.plans: Lru[tuple[str, str | None], MutationPlan | None] = Lru(entries)
        mutation_type = catalog.schema.mutation_type
        assert mutation_type is not None
        self.mutation_type = mutation_type

    def get(self, query: str | None, operation_name: str | None) -> MutationPlan | None:
        """The plan kept for this document, if any."""
        if query is None:
            return None
        plan: MutationPlan | None = self.plans.get((query, operation_name), None)
        return plan

    def keep(
        self,
        document: DocumentNode,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> None:
        """Make and keep the plan of a document whose whole way just succeeded (None kept
        when it has none: not asked again)."""
        key = (query, operation_name)
        if key in self.plans:
            return
        try:
            plan = self._plan(document, operation_name, variables)
        except NotCompilable as reason:
            log.debug("mutation %s stays with the executor: %s", operation_name, reason)
            plan = None
        self.plans.put(key, plan)

    def _plan(
        self, document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
    ) -> MutationPlan:
        schema = self.catalog.schema
        executor = Executor.build(
            schema, document, raw_variable_values=variables, operation_name=operation_name
        )
        if isinstance(executor, list) or executor.operation.operation != OperationType.MUTATION:
            raise NotCompilable("not one mutation")
        roots = _roots(self.mutation_type, executor)
        selections = executor.operation.selection_set.selections
        if len(roots) != 1 or len(selections) != 1 or not isinstance(selections[0], FieldNode):
            raise NotCompilable("not one root field")
        if selections[0].directives:
            raise NotCompilable("a directive on the root field")  # @skip/@include
        ((response_key, details),) = roots.items()
        name = details[0].node.name.value
        field = self.mutation_type.fields[name]
        definition = field.extensions.get("strawberry-definition")
        resolver = getattr(getattr(definition, "base_resolver", None), "wrapped_func", None)
        if resolver is None or name == "writeRecords" or not _is_record_payload(field.type):
            raise NotCompilable(f"Mutation.{name}")
        # A variable anywhere in the answer's selection would make the statement depend on
        # the variables (and the cost count too): such a document is never kept.
        selection = [print_ast(d.node.selection_set) for d in details if d.node.selection_set]
        fragments = [print_ast(f.definition) for f in executor.fragments.values()]
        if any("$" in text for text in selection + fragments):
            raise NotCompilable("a variable in the payload's selection")
        c = Compilation(
            schema,
            self.catalog,
            executor.fragments,
            executor.variable_values,
            executor.operation,
            self.page_sizes,
            params=[None] * _WRITER_PARAMETERS,
        )
        payload = get_named_type(field.type)
        assert isinstance(payload, GraphQLObjectType)
        data = c.json_object([(response_key, _payload_json(c, payload, details))])
        return MutationPlan(
            document=document,
            operation_name=operation_name,
            response_key=response_key,
            field_name=name,
            resolver=resolver,
            role=needed_role(definition) or Role.EDITOR,
            answer_json=data,
            answer_params=tuple(c.params[_WRITER_PARAMETERS:]),
            variable_definitions=tuple(executor.operation.variable_definitions or ()),
            field_node=selections[0],
            arguments=_flat_arguments(field),
        )


def _roots(
    mutation_type: GraphQLObjectType, executor: Executor[Any]
) -> dict[str, list[FieldDetails]]:
    collected = collect_fields(
        executor.schema,
        executor.fragments,
        executor.variable_values,
        mutation_type,
        executor.operation,
    )
    if collected.new_defer_usages:
        raise NotCompilable("@defer")
    return dict(collected.grouped_field_set)


def _is_record_payload(type_: Any) -> bool:
    """A payload of one record (Payload, DeletePayload): `record` or `deletedId`, `errors`."""
    named = get_named_type(type_)
    return (
        isinstance(named, GraphQLObjectType)
        and "errors" in named.fields
        and ("record" in named.fields or "deletedId" in named.fields)
    )


def _payload_json(c: Compilation, payload: GraphQLObjectType, details: list[FieldDetails]) -> str:
    """The payload of a successful write, over the written record's row `q`."""
    pairs: list[tuple[str, str]] = []
    for key, fields in c.subfields(payload, details).items():
        name = fields[0].node.name.value
        if name == "__typename":
            pairs.append((key, sql_json.quote_literal(payload.name)))
        elif name == "errors":
            pairs.append((key, "'[]'::json"))
        elif name == "record":
            record = get_named_type(payload.fields["record"].type)
            if not isinstance(record, GraphQLObjectType):
                raise NotCompilable(f"{payload.name}.record is abstract")
            pairs.append((key, c.object(record, "q", fields)))
        elif name == "deletedId":
            # `$2` is the kind the writer deletes: encode_id's global id of `q.id`.
            pairs.append((key, sql_json.base64url("$2::text || ':' || q.id::text")))
        else:
            raise NotCompilable(f"{payload.name}.{name}")
    return c.json_object(pairs)


class _GatheringInfo:
    """What a mutation's resolver reads of its `info` while writes are gathered."""

    def __init__(self, context: Any) -> None:
        self.context = context


async def kept_mutation_answer(
    plans: MutationPlans, context: Any, query: str | None, operation_name: str | None,
    variables: dict[str, Any] | None, report_round_trips: bool,
) -> bytes | None:  # fmt: skip
    """The body answering a kept mutation, or None: the whole way answers then."""
    plan = plans.get(query, operation_name)
    if plan is None or context_refusal(context) is not None:
        return None
    if not context.caller.may(plan.role) or _has_nul(variables):
        return None
    gathered = await _gathered_write(plans, plan, context, variables)
    if gathered is None:
        return None
    with count_round_trips() as round_trips:
        text = await _write(plan, context, gathered)
        if report_round_trips:
            await asyncio.sleep(0)  # asyncpg counts a query in a call_soon
    if text is None:
        return None
    note_answer(MUTATION)
    body = b'{"data":' + text.encode()
    if report_round_trips:
        body += b',"extensions":{"sqlRoundTrips":' + str(round_trips.count).encode() + b"}"
    return body + b"}"


async def _gathered_write(
    plans: MutationPlans, plan: MutationPlan, context: Any, variables: dict[str, Any] | None
) -> GatheredWrite | None:
    """The write the mutation's resolver hands over for these variables (None: refused)."""
    coerced = get_variable_values(
        plans.catalog.schema, plan.variable_definitions, variables or {}, max_errors=1
    )
    if isinstance(coerced, list):
        return None  # the whole way says what is wrong with them
    field = plans.mutation_type.fields[plan.field_name]
    try:
        values = get_argument_values(field, plan.field_node, coerced)
        if plan.arguments is not None:
            arguments = plan.arguments.convert(values)
        else:
            arguments = plans.catalog.convert_arguments(field, values)
    except Exception:
        return None
    gathered: list[GatheredWrite] = []
    token = GATHERING.set(gathered)
    try:
        await plan.resolver(None, _GatheringInfo(context), **arguments)
    except DomainError:
        return None
    finally:
        GATHERING.reset(token)
    return gathered[0] if len(gathered) == 1 else None


async def _write(plan: MutationPlan, context: Any, gathered: GatheredWrite) -> str | None:
    """Write, in one statement answering with `data` (None: refused, or the database
    failed; nothing was written)."""
    table, operation = gathered.table, gathered.operation
    answer = record_answer(table, operation, plan.answer_json, plan.answer_params)
    try:
        async with context.pool.acquire() as conn:
            rows = await writer.write_many(
                conn,
                table,
                operation,
                [gathered.item],
                actor_name=context.caller_name,
                answer=answer,
            )
    except writer.Refused:
        return None  # nothing written: the whole way writes nothing either, and says why
    except Exception as error:
        if database_unavailable(error):
            # The statement may have committed before the connection went: running it
            # again could write twice. The endpoint answers 503 (refusals.py).
            raise
        if isinstance(error, asyncpg.PostgresError):
            return None  # failed whole (a timeout...): the whole way reports it
        raise
    text: str = rows[0]["answer"]
    return text


def _has_nul(value: Any) -> bool:
    """A NUL character anywhere in the variables (the whole way refuses those)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class CompiledMutations(SchemaExtension):
    """Keep the plan of each mutation document the whole way answered without an error."""

    def __init__(self, plans: MutationPlans) -> None:
        self.plans = plans

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        result = context.result
        if (
            context.operation_type is not StrawberryOperationType.MUTATION
            or context.graphql_document is None
            or context.query is None
            or result is None
            or result.errors
            or operation_key(context.query, None, None) is None  # too long to keep
        ):
            return
        data = result.data if isinstance(result.data, dict) else {}
        payload = next(iter(data.values()), None)
        if isinstance(payload, dict) and payload.get("errors"):
            return  # an input the mutation refused: the plan waits for a success
        sent: str | None = getattr(context, "_provided_operation_name", context.operation_name)
        self.plans.keep(context.graphql_document, context.query, sent, context.variables)
