"""Compile one query operation to one SQL statement whose single value is `data` as JSON.

A Compilation walks the operation the way graphql-core does (its own `collect_fields`, so
fragments, aliases, merged fields and @skip/@include mean the same) and asks the catalog
(`catalog.py`) how each field reads from a row. It raises NotCompilable at the first field
or argument it has no SQL for; the caller then lets the executor answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values

from service.graphql.compiled import sql_json


class NotCompilable(Exception):
    """The operation needs the executor (the message says which part, for logs and tests)."""


class FieldSql(Protocol):
    """How one field of an object type reads as a JSON value from a row alias."""

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        """The SQL expression of the field's JSON value on the row `alias`."""
        ...


class RowReader(Protocol):
    """How to read the row of an object type by id (fields.ById)."""

    def object(
        self, c: Compilation, type_: GraphQLObjectType, ids: str, fields: list[FieldDetails]
    ) -> str:
        """The JSON object of the record whose id is in the SQL array `ids` (or null)."""
        ...

    def object_of_id(
        self, c: Compilation, type_: GraphQLObjectType, id_expr: str, fields: list[FieldDetails]
    ) -> str:
        """The JSON object of the record whose id is `id_expr` (or null)."""
        ...


class Catalog(Protocol):
    """What the compiler knows of the schema's types (see catalog.py)."""

    def rows(self, type_name: str) -> RowReader:
        """How to read rows of an object type by id (NotCompilable when there is no way)."""
        ...

    def field(self, type_name: str, field_name: str) -> FieldSql | None:
        """The SQL of a field, or None when it has none."""
        ...

    def root(self, field_name: str) -> FieldSql | None:
        """The SQL of a Query field, or None when it has none."""
        ...

    def convert_arguments(self, field: GraphQLField, values: dict[str, Any]) -> dict[str, Any]:
        """graphql-core's argument values as the field's resolver receives them."""
        ...


@dataclass
class Compilation:
    """The state of compiling one operation: its bound parameters and row aliases."""

    schema: GraphQLSchema
    catalog: Catalog
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    operation: OperationDefinitionNode
    page_sizes: tuple[int, int]
    params: list[Any] = field(default_factory=list)
    _aliases: int = 0

    # -- parameters and aliases ---------------------------------------------------------

    def param(self, value: Any) -> str:
        """A new statement parameter holding `value`."""
        self.params.append(value)
        return f"${len(self.params)}"

    def alias(self) -> str:
        """A row alias no named query uses (they use short letters)."""
        self._aliases += 1
        return f"_r{self._aliases}"

    def bind(self, sql: str, values: Sequence[Any]) -> str:
        """A named query with its parameters bound: `null` for a None (which PostgreSQL folds
        away: `null::bigint[] is null` is true), a new statement parameter otherwise."""
        placeholders: dict[int, str] = {}
        types = sql_json.parameter_types(sql)

        def placeholder(n: int) -> str:
            if n not in placeholders:
                value = values[n - 1]
                if value is not None:
                    placeholders[n] = self.param(value)
                elif n in types:
                    placeholders[n] = f"null::{types[n]}"
                else:
                    placeholders[n] = self.param(None)
            return placeholders[n]

        return sql_json.bind(sql, placeholder)

    # -- selections ---------------------------------------------------------------------

    def arguments(self, field: GraphQLField, fields: list[FieldDetails]) -> dict[str, Any]:
        """The field's arguments as its resolver gets them (Python names and types: input
        objects, enum members), coerced as graphql-core and Strawberry would."""
        try:
            first = fields[0]
            values = get_argument_values(
                field, first.node, self.variables, first.fragment_variable_values
            )
        except GraphQLError as error:
            raise NotCompilable(f"arguments: {error.message}") from None
        return self.catalog.convert_arguments(field, values)

    def subfields(
        self, type_: GraphQLObjectType, fields: list[FieldDetails]
    ) -> dict[str, list[FieldDetails]]:
        """The fields selected on an object of `type_` under `fields`, by response key."""
        collected = collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, type_, fields
        )
        if collected.new_defer_usages:
            raise NotCompilable("@defer")
        return collected.grouped_field_set

    def object(self, type_: GraphQLObjectType, alias: str, fields: list[FieldDetails]) -> str:
        """The JSON object of the row `alias` of `type_`, with the fields under `fields`."""
        return self.selection(type_, self.subfields(type_, fields), alias)

    def selection(
        self, type_: GraphQLObjectType, fields: Mapping[str, list[FieldDetails]], alias: str
    ) -> str:
        """A JSON object of the given fields (by response key) of a row of `type_`."""
        pairs: list[tuple[str, str]] = []
        for key, details in fields.items():
            name = details[0].node.name.value
            if name == "__typename":
                pairs.append((key, sql_json.quote_literal(type_.name)))
                continue
            mapping = self.catalog.field(type_.name, name)
            if mapping is None:
                raise NotCompilable(f"{type_.name}.{name}")
            pairs.append((key, mapping.sql(self, alias, details, type_.fields[name])))
        return self.json_object(pairs)

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        """json_build_object of (key, expression) pairs (NotCompilable beyond 50 keys)."""
        try:
            return sql_json.json_object(pairs)
        except ValueError as error:
            raise NotCompilable(str(error)) from None


def object_type(field: GraphQLField) -> GraphQLObjectType:
    """The object type a field returns (NotCompilable for an interface or union)."""
    named = get_named_type(field.type)
    if not isinstance(named, GraphQLObjectType):
        raise NotCompilable(f"{named.name} is abstract")
    return named


def is_list(field: GraphQLField) -> bool:
    """The field returns a list (of anything)."""
    type_ = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return isinstance(type_, GraphQLList)


@dataclass(frozen=True)
class CompiledStatement:
    """One statement answering a query operation.

    Attributes:
        sql: its text; its one value is the operation's `data`, as JSON text.
        params: its parameters.
        roots: the response key of each root field, and whether the field may be null
            (for an answer with errors at those paths, as the executor would give).
    """

    sql: str
    params: list[Any]
    roots: tuple[tuple[str, bool], ...]


def compile_operation(
    schema: GraphQLSchema,
    catalog: Catalog,
    fragments: dict[str, FragmentDetails],
    operation: OperationDefinitionNode,
    variables: VariableValues,
    page_sizes: tuple[int, int],
) -> CompiledStatement:
    """The statement answering a query operation.

    Raises:
        NotCompilable: some part of the operation needs the executor.
    """
    query_type = schema.query_type
    assert query_type is not None
    c = Compilation(schema, catalog, fragments, variables, operation, page_sizes)
    collected = collect_fields(schema, fragments, variables, query_type, operation)
    pairs: list[tuple[str, str]] = []
    roots: list[tuple[str, bool]] = []
    for key, fields in collected.grouped_field_set.items():
        name = fields[0].node.name.value
        if name == "__typename":
            pairs.append((key, sql_json.quote_literal(query_type.name)))
            continue
        mapping = catalog.root(name)
        if mapping is None:
            raise NotCompilable(f"Query.{name}")
        field = query_type.fields[name]
        pairs.append((key, mapping.sql(c, "", fields, field)))
        roots.append((key, not isinstance(field.type, GraphQLNonNull)))
    # As text: the answer goes out as PostgreSQL wrote it, never decoded (extension.py).
    sql = f"select ({c.json_object(pairs)})::text"
    return CompiledStatement(sql, c.params, tuple(roots))
