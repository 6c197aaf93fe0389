"""The kinds of field the compiler reads from rows: columns, dates, global ids, records
pointed to by a column (of one type, or of any kind), and lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLObjectType,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.collect_fields import FieldDetails

from service.database.named_queries import query
from service.errors import DomainError
from service.graphql.compiled import sql_json
from service.graphql.compiled.compiler import Compilation, NotCompilable, is_list, object_type
from service.graphql.compiled.connections import connection
from service.graphql.connection import ListRead
from service.record.paging import PageRequest
from service.vocab import DatePrecision, RecordKind

Arguments = Mapping[str, Any]
"""A field's arguments by Python name, as its resolver receives them."""
ReadOf = Callable[[Arguments], ListRead]
"""What a list field reads for its arguments: the function its resolver calls."""

# JSON as PostgreSQL writes them: text, integers, booleans and text[] as Python's encoder
# does; float8 in its shortest exact form, which is also Python's repr.
_AS_THEY_ARE = frozenset({"String", "Int", "Boolean", "Float"})


def page_of(args: Arguments) -> PageRequest:
    """The paging arguments of a connection field."""
    return PageRequest(args.get("first"), args.get("after"), args.get("last"), args.get("before"))


def read_for(read_of: ReadOf, args: Arguments) -> ListRead:
    """The list read of the arguments; NotCompilable when they are refused (the executor
    then reports the error, from the same function)."""
    try:
        return read_of(args)
    except DomainError as error:
        raise NotCompilable(f"arguments: {error.message}") from None


@dataclass(frozen=True)
class Column:
    """A scalar or enum column of the row."""

    column: str

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        expr = f"{alias}.{self.column}"
        named = get_named_type(field.type)
        if isinstance(named, GraphQLEnumType):
            enum: type[Enum] = named.extensions["strawberry-definition"].wrapped_cls
            if is_list(field):
                # An array column (a statement's channels): each value's name, in order.
                names = sql_json.enum_name(enum, "item.value")
                agg = (
                    f"(select coalesce(json_agg({names} order by item.n), '[]') "
                    f"from unnest({expr}) with ordinality as item(value, n))"
                )
                return f"(case when {expr} is null then null else {agg} end)"
            return sql_json.enum_name(enum, expr)
        if named.name == "DateTime" and not is_list(field):
            return sql_json.iso_timestamp(expr)
        if named.name in _AS_THEY_ARE:
            return expr
        raise NotCompilable(f"scalar {named.name}")


@dataclass(frozen=True)
class GlobalId:
    """`id`: the record's global id."""

    kind: RecordKind

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        return sql_json.global_id(self.kind, f"{alias}.id")


@dataclass(frozen=True)
class DateColumns:
    """A FuzzyDate from `<name>_at`, `<name>_precision` and `<name>_until` (null when the
    first two are), its latest instant computed as the database's generated
    `<name>_latest` is (date_latest)."""

    name: str

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        at, precision = f"{alias}.{self.name}_at", f"{alias}.{self.name}_precision"
        until = f"{alias}.{self.name}_until"
        date_type = object_type(field)
        values = {
            "value": sql_json.dated_text(at, precision, until),
            "precision": sql_json.enum_name(DatePrecision, precision),
            "earliest": sql_json.iso_timestamp(at),
            "latest": sql_json.iso_timestamp(f"date_latest(coalesce({until}, {at}), {precision})"),
            "start": sql_json.iso_timestamp(at),
            "__typename": sql_json.quote_literal(date_type.name),
        }
        pairs = []
        for key, details in c.subfields(date_type, fields).items():
            name = details[0].node.name.value
            if name not in values:
                raise NotCompilable(f"{date_type.name}.{name}")
            pairs.append((key, values[name]))
        obj = c.json_object(pairs)
        return f"(case when {at} is null or {precision} is null then null else {obj} end)"


@dataclass(frozen=True)
class SameRow:
    """An object read from the same row (an Adoption's declaration)."""

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        return c.object(object_type(field), alias, fields)


@dataclass(frozen=True)
class ById:
    """How to read rows of an object type by id: its named `*_by_id` query (`$1` = ids)."""

    feature: str
    name: str

    def object(
        self, c: Compilation, type_: GraphQLObjectType, ids: str, fields: list[FieldDetails]
    ) -> str:
        """The JSON object of the record whose id is in the SQL array `ids` (or null)."""
        return _object_of_rows(c, type_, query(self.feature, self.name), ids, fields)

    def object_of_id(
        self, c: Compilation, type_: GraphQLObjectType, id_expr: str, fields: list[FieldDetails]
    ) -> str:
        """The JSON object of the record whose id is `id_expr` (or null): `id = x` rather
        than `id = any(array[x])`, a plain index lookup (about 1 µs less per row)."""
        sql = query(self.feature, self.name)
        if sql.count(_ANY_ID) != 1:
            return self.object(c, type_, f"array[{id_expr}]::bigint[]", fields)
        return _object_of_rows(c, type_, sql.replace(_ANY_ID, "= $1"), id_expr, fields)


def _object_of_rows(
    c: Compilation, type_: GraphQLObjectType, sql: str, argument: str, fields: list[FieldDetails]
) -> str:
    """The JSON object of the one row of `sql` whose `$1` is `argument` (or null)."""
    row = c.alias()
    rows = sql_json.bind(sql, lambda n: f"({argument})")
    return f"(select {c.object(type_, row, fields)} from ({rows}) as {row})"


# How every `*_by_id` query takes its ids.
_ANY_ID = "= any($1::bigint[])"


@dataclass(frozen=True)
class ToOne:
    """The record of the field's type that a column of the row holds the id of."""

    column: str

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        type_ = object_type(field)
        return c.catalog.rows(type_.name).object_of_id(c, type_, f"{alias}.{self.column}", fields)


def _one_of(
    c: Compilation,
    field: GraphQLField,
    fields: list[FieldDetails],
    kind: str,
    record_id: str,
    types: Mapping[str, str],
) -> str:
    """`case <kind> when ... then <that type's object> end` over the field's possible types.

    Args:
        types: the GraphQL object type of each kind value.
    """
    abstract = get_named_type(field.type)
    if not is_abstract_type(abstract):
        raise NotCompilable(f"{abstract.name} is not abstract")
    possible = {t.name for t in c.schema.get_possible_types(abstract)}
    cases = []
    for kind_value, type_name in types.items():
        if type_name not in possible:
            continue
        type_ = c.schema.type_map[type_name]
        assert isinstance(type_, GraphQLObjectType)
        item = c.catalog.rows(type_name).object_of_id(c, type_, record_id, fields)
        cases.append(f"when {sql_json.quote_literal(kind_value)} then {item}")
    return f"(case {kind} {' '.join(cases)} end)"


@dataclass(frozen=True)
class ItemOf:
    """A union or interface value named by two columns of the row: its kind and its id."""

    kind_column: str
    id_column: str
    types: Callable[[], Mapping[str, str]]
    """The object type of each kind value (read when first compiled)."""

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        kind, record_id = f"{alias}.{self.kind_column}", f"{alias}.{self.id_column}"
        return _one_of(c, field, fields, kind, record_id, self.types())


@dataclass(frozen=True)
class RecordOf:
    """A record of any kind a column holds the id of (its kind is read from `record`)."""

    column: str
    types: Callable[[], Mapping[str, str]]

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        record = c.alias()
        item = _one_of(c, field, fields, f"{record}.kind", f"{record}.id", self.types())
        return f"(select {item} from record as {record} where {record}.id = {alias}.{self.column})"


@dataclass(frozen=True)
class RecordsIn:
    """The records of the field's type whose ids an array column of the row holds, in the
    array's order (a stance matrix cell's stances, parties and citations)."""

    column: str

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        type_ = object_type(field)
        item = c.alias()
        record = c.catalog.rows(type_.name).object_of_id(c, type_, f"{item}.id", fields)
        return (
            f"(select coalesce(json_agg({record} order by {item}.n), '[]') "
            f"from unnest({alias}.{self.column}) with ordinality as {item} (id, n))"
        )


@dataclass(frozen=True)
class Children:
    """A connection under the row (the row's `id` is the list's parent column)."""

    read_of: ReadOf

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        args = c.arguments(field, fields)
        read = read_for(self.read_of, args)
        list_query = read.query
        if list_query.parent_column is None or not list_query.lateral or list_query.union:
            # A computed parent column would repeat the whole list query per parent.
            raise NotCompilable(f"list {list_query.name} per parent")
        parent = f"t.{list_query.parent_column} = {alias}.id"
        return connection(c, fields, field, read, page_of(args), parent)


@dataclass(frozen=True)
class TopList:
    """A root connection over a whole list."""

    read_of: ReadOf

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        args = c.arguments(field, fields)
        return connection(c, fields, field, read_for(self.read_of, args), page_of(args))


@dataclass(frozen=True)
class BySlug:
    """A root lookup by slug: the named query gives the id, the type's ById its row."""

    feature: str
    name: str

    def sql(
        self, c: Compilation, alias: str, fields: list[FieldDetails], field: GraphQLField
    ) -> str:
        slug = c.arguments(field, fields)["slug"]
        type_ = object_type(field)
        ids = f"array({c.bind(query(self.feature, self.name), [slug])})::bigint[]"
        return c.catalog.rows(type_.name).object(c, type_, ids, fields)
