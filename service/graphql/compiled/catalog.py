"""The compiler's catalog over one built schema: every list field (declared once with
service/graphql/list_field.py), the fields objects.py lists, and every plain column field
found on those types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from graphql import GraphQLEnumType, GraphQLField, GraphQLObjectType, get_named_type
from strawberry.types.arguments import convert_arguments

from service.graphql.compiled.compiler import FieldSql, NotCompilable
from service.graphql.compiled.fields import ById, Children, Column, DateColumns, GlobalId, TopList
from service.graphql.compiled.objects import OBJECTS, ROOTS, ObjectSql
from service.graphql.list_field import list_field_of


class SchemaCatalog:
    """The catalog over one built schema: every list field, read by its declaration's
    `ListRead` (the function its resolver calls); the fields of OBJECTS; and every plain
    field of those types (a Strawberry field without resolver) of a scalar or enum type,
    read from the column of its Python name, or a FuzzyDate read from
    `<name>_at`/`<name>_precision`.
    """

    def __init__(
        self, schema: strawberry.Schema, extra: Mapping[str, ObjectSql] | None = None
    ) -> None:
        """Read the types of `schema`.

        Args:
            extra: object types known besides OBJECTS (the exports' lines, which no query
                the compiler answers reaches).
        """
        self.schema = schema._schema
        self._scalars = schema.schema_converter.scalar_registry
        self._config = schema.config
        self._objects = {**OBJECTS, **(extra or {})}
        self._fields: dict[tuple[str, str], FieldSql] = {}
        for type_name, object_sql in self._objects.items():
            type_ = schema._schema.type_map[type_name]
            assert isinstance(type_, GraphQLObjectType), type_name
            for name, graphql_field in type_.fields.items():
                if has_field_extensions(graphql_field):
                    continue
                mapped = (
                    _list_field(graphql_field)
                    or object_sql.fields.get(name)
                    or _plain_field(graphql_field, object_sql)
                )
                if mapped is not None:
                    self._fields[(type_name, name)] = mapped
        query_type = schema._schema.query_type
        assert query_type is not None
        self._roots: dict[str, FieldSql] = {}
        for name, graphql_field in query_type.fields.items():
            if has_field_extensions(graphql_field):
                continue
            if (mapped := _list_field(graphql_field) or ROOTS.get(name)) is not None:
                self._roots[name] = mapped

    def field(self, type_name: str, field_name: str) -> FieldSql | None:
        """The SQL of a field, or None when it has none."""
        return self._fields.get((type_name, field_name))

    def root(self, field_name: str) -> FieldSql | None:
        """The SQL of a Query field, or None when it has none."""
        return self._roots.get(field_name)

    @property
    def root_names(self) -> list[str]:
        """The Query fields that have SQL."""
        return list(self._roots)

    def rows(self, type_name: str) -> ById:
        """How to read rows of an object type by id."""
        object_sql = self._objects.get(type_name)
        if object_sql is None or object_sql.rows is None:
            raise NotCompilable(f"{type_name} by id")
        return object_sql.rows

    def convert_arguments(self, field: GraphQLField, values: dict[str, Any]) -> dict[str, Any]:
        """graphql-core's argument values as the field's resolver receives them."""
        definition = field.extensions["strawberry-definition"]
        return convert_arguments(
            values, definition.arguments, scalar_registry=self._scalars, config=self._config
        )


def has_field_extensions(graphql_field: GraphQLField) -> bool:
    """The field runs code around its resolver (a permission check, say): SQL would skip
    it, so the executor must answer it."""
    definition = (graphql_field.extensions or {}).get("strawberry-definition")
    return definition is not None and bool(definition.extensions or definition.permission_classes)


def _list_field(graphql_field: GraphQLField) -> FieldSql | None:
    """A list field's SQL, from its declaration (None for any other field)."""
    definition = (graphql_field.extensions or {}).get("strawberry-definition")
    listed = list_field_of(definition)
    if listed is None:
        return None
    if not listed.per_parent:
        return TopList(listed.read_of)
    # A list's query is the same for all its arguments (they choose order and filters).
    list_query = listed.read_of({}).query
    if not list_query.lateral or list_query.union:
        # Its parent column is computed: each parent's page would read the whole list
        # again, where the executor ranks every parent's page in one query.
        return None
    return Children(listed.read_of)


def _plain_field(graphql_field: GraphQLField, object_sql: ObjectSql) -> FieldSql | None:
    definition = (graphql_field.extensions or {}).get("strawberry-definition")
    if definition is None or definition.base_resolver is not None:
        return None
    named = get_named_type(graphql_field.type)
    if named.name == "ID" and definition.python_name == "id" and object_sql.kind is not None:
        return GlobalId(object_sql.kind)
    if named.name == "FuzzyDate":
        return DateColumns(definition.python_name)
    if isinstance(named, GraphQLEnumType) or named.name in {
        "String", "Int", "Float", "Boolean", "DateTime"
    }:  # fmt: skip
        return Column(definition.python_name)
    return None
