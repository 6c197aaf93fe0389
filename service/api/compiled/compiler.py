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

from service.api.compiled import sql_json
from service.api.connection import ListRead
from service.db import query
from service.errors import Invalid
from service.records.paging import PageRequest, keyset_window, union_branches


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

    # -- connections --------------------------------------------------------------------

    def connection(
        self,
        fields: list[FieldDetails],
        field: GraphQLField,
        read: ListRead,
        page: PageRequest,
        parent: str | None = None,
    ) -> str:
        """A Relay connection over a list query: one page read with limit + 1 rows, exactly
        as paging.fetch_page, fetch_union_page and fetch_pages_by_parent read it.

        Args:
            parent: `t.<parent column> = <parent alias>.id` for a list under a parent.
        """
        try:
            limit = page.limit(*self.page_sizes)
            conditions, extra, backwards = keyset_window(read.order, page, len(self.params))
        except Invalid as error:
            raise NotCompilable(f"paging: {error.message}") from None
        self.params.extend(extra)
        rows = self.alias()
        page_sql = self._page(read, [c for c in (parent, *conditions) if c], backwards, limit)
        connection_type = object_type(field)
        node_type = object_type(connection_type.fields["nodes"])
        edge_type = object_type(connection_type.fields["edges"])
        info_type = object_type(connection_type.fields["pageInfo"])
        in_page = f"filter (where {rows}._n <= {limit})"
        forward, reverse = ("desc", "asc") if backwards else ("asc", "desc")
        more = f"(count(*) > {limit})"

        def agg(expr: str) -> str:
            return f"coalesce(json_agg({expr} order by {rows}._n {forward}) {in_page}, '[]')"

        def cursor() -> str:
            try:
                return sql_json.cursor(read.order, rows)
            except ValueError as error:
                raise NotCompilable(str(error)) from None

        def cursor_at(direction: str) -> str:
            return f"(array_agg({cursor()} order by {rows}._n {direction}) {in_page})[1]"

        pairs: list[tuple[str, str]] = []
        for key, key_fields in self.subfields(connection_type, fields).items():
            name = key_fields[0].node.name.value
            if name == "__typename":
                pairs.append((key, sql_json.quote_literal(connection_type.name)))
            elif name == "nodes":
                pairs.append((key, agg(self.object(node_type, rows, key_fields))))
            elif name == "edges":
                edge: list[tuple[str, str]] = []
                for edge_key, edge_fields in self.subfields(edge_type, key_fields).items():
                    edge_name = edge_fields[0].node.name.value
                    if edge_name == "__typename":
                        edge.append((edge_key, sql_json.quote_literal(edge_type.name)))
                    elif edge_name == "cursor":
                        edge.append((edge_key, cursor()))
                    else:
                        edge.append((edge_key, self.object(node_type, rows, edge_fields)))
                pairs.append((key, agg(self.json_object(edge))))
            elif name == "pageInfo":
                has_next = "true" if page.before is not None else "false"
                has_previous = "true" if page.after is not None else "false"
                if backwards:
                    has_previous = more
                else:
                    has_next = more
                values = {
                    "hasNextPage": has_next,
                    "hasPreviousPage": has_previous,
                    "__typename": sql_json.quote_literal(info_type.name),
                }
                info = []
                for info_key, info_fields in self.subfields(info_type, key_fields).items():
                    info_name = info_fields[0].node.name.value
                    if info_name in values:
                        info.append((info_key, values[info_name]))
                    else:  # a cursor, only built when asked for (there may be no form)
                        direction = forward if info_name == "startCursor" else reverse
                        info.append((info_key, cursor_at(direction)))
                pairs.append((key, self.json_object(info)))
            elif name == "totalCount":
                where = parent or "true"
                count = f"(select count(*) from ({self.bind_read(read)}) as t where {where})"
                pairs.append((key, count))
            else:
                raise NotCompilable(f"{connection_type.name}.{name}")
        # group by (): one row even when no aggregate is selected (only totalCount).
        return f"(select {self.json_object(pairs)} from ({page_sql}) as {rows} group by ())"

    def bind_read(self, read: ListRead) -> str:
        """The list query of a read, its parameters bound."""
        return self.bind(read.query.sql, read.params)

    def _page(self, read: ListRead, conditions: list[str], backwards: bool, limit: int) -> str:
        """The rows of one page (limit + 1) numbered `_n` in reading order."""
        where = " and ".join(conditions) or "true"
        terms = read.order.sql(reverse=backwards, prefix="t.")
        window = f"where {where} order by {terms} limit {limit + 1}"
        numbered = f"select t.*, row_number() over (order by {terms}) as _n"
        if read.query.union:
            # Each branch cut to the page before the union is sorted (fetch_union_page).
            branches = union_branches(read.query.sql)
            cut = [
                f"(select * from ({self.bind(branch, read.params)}) as t {window})"
                for branch in branches
            ]
            return f"{numbered} from ({' union all '.join(cut)}) as t {window}"
        base = f"select * from ({self.bind_read(read)}) as t {window}"
        if read.query.decorate is not None:
            # Costly columns for the page's rows only (fetch_page's `decorate`).
            decorate = self.bind(query(read.query.feature, read.query.decorate), read.params)
            return f"with page as ({base}) {numbered} from ({decorate}) as t"
        return f"{numbered} from ({base}) as t"

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
