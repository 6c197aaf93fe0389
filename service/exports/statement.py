"""An export's statement: one SQL statement whose rows are its lines, as JSON text.

The line's selection (selection.py) is compiled by the compiled path over the rows of
the export's list query (the root list's own `ListRead`: its filter, its order), or over
its kind's table: the JSON of a line is the API's for the same record, built by the same
code. An incremental pull (`since`) keeps the lines whose record a later change touched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType, get_named_type, parse
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails, collect_fields

from service.exports.catalog import Export
from service.exports.parameters import QueryParameter, arguments_of, query_parameters
from service.exports.selection import Column, Deriving, Selected, csv_columns, graphql_of
from service.graphql.compiled.catalog import SchemaCatalog
from service.graphql.compiled.compiler import Compilation, NotCompilable, object_type
from service.graphql.ids import encode_id
from service.vocab import RecordKind

NODE = "node"
"""The root field a kind without a root list is selected under (`... on <Type>`)."""


@dataclass(frozen=True)
class Statement:
    """What one export request runs.

    Attributes:
        sql: its lines' statement (one column, `line`: JSON text), in the export's order.
        params: its parameters.
        deleted: for an incremental pull, the kinds whose deleted records get tombstones.
    """

    sql: str
    params: list[Any]
    deleted: tuple[RecordKind, ...] = ()


class Exporter:
    """One export, ready to compile its statement for a request's parameters."""

    def __init__(
        self,
        schema: strawberry.Schema,
        catalog: SchemaCatalog,
        export: Export,
        page_sizes: tuple[int, int],
    ) -> None:
        """Derive the export's line, its document, its CSV columns and its parameters.

        Raises:
            NotCompilable: the line's selection has no SQL (a mistake in the catalog).
        """
        self.export = export
        self._schema = schema._schema
        self._catalog = catalog
        self._page_sizes = page_sizes
        line_type = self._schema.type_map[export.line_type]
        assert isinstance(line_type, GraphQLObjectType)
        self._line_type = line_type
        deriving = Deriving(self._schema, catalog, citations_page=page_sizes[1])
        self.line: tuple[Selected, ...] = deriving.line(line_type, export.expand)
        self.document = _document(export, graphql_of(self.line))
        self.columns: tuple[Column, ...] = tuple(csv_columns(self.line))
        query_type = self._schema.query_type
        assert query_type is not None
        self._root = None if export.root is None else query_type.fields[export.root]
        self.parameters: tuple[QueryParameter, ...] = query_parameters(self._root)
        self.statement({}, None)  # compiles now: a line without SQL fails at startup

    def statement(self, given: Mapping[str, Sequence[str]], since: int | None) -> Statement:
        """The statement of a request.

        Args:
            given: the request's query parameters (`since` aside), each with its values.
            since: the change id of an incremental pull.

        Raises:
            Invalid: a parameter refused (the API's own refusal of its argument).
        """
        export = self.export
        c = self._compilation()
        details = self._line_details(c)
        row = c.alias()
        if export.read is None:
            assert export.table is not None
            rows = self._catalog.rows(self._line_type.name)
            line = rows.object_of_id(c, self._line_type, f"{row}.id", details)
            source, order = export.table, f"{row}.id"
        else:
            assert self._root is not None
            arguments = arguments_of(self._root, self.parameters, given)
            converted = self._catalog.convert_arguments(self._root, arguments)
            read = export.read(converted, since)
            line = c.object(self._line_type, row, details)
            source = f"({c.bind(read.query.sql, read.bound)})"
            order = read.order.sql(prefix=f"{row}.")
        where = ""
        if since is not None and export.follows_changes:
            changed = f"select ch.record_id from change ch where ch.id > {c.param(since)}"
            where = f"where {row}.id in ({changed})"
        sql = f"select ({line})::text as line from {source} as {row} {where} order by {order}"
        deleted = export.kinds if since is not None and export.deleted_at else ()
        return Statement(sql, c.params, deleted)

    def tombstone(self, kind: str, record_id: int) -> dict[str, Any]:
        """The tombstone of a deleted record: its global id where a line has its id
        (`{"id": ...}`, the timeline's `{"item": {"id": ...}}`), and `deleted` true."""
        assert self.export.deleted_at is not None
        value: Any = encode_id(RecordKind(kind), record_id)
        for key in reversed(self.export.deleted_at):
            value = {key: value}
        return {**value, "deleted": True}

    def _compilation(self) -> Compilation:
        built = Executor.build(self._schema, self.document)
        if isinstance(built, list):  # the document is ours: a mistake, not a request's
            raise NotCompilable("; ".join(e.message for e in built))
        return Compilation(
            self._schema,
            self._catalog,
            built.fragments,
            built.variable_values,
            built.operation,
            self._page_sizes,
        )

    def _line_details(self, c: Compilation) -> list[FieldDetails]:
        """The details of the field whose value is a line (under which its fields are)."""
        query_type = self._schema.query_type
        assert query_type is not None
        collected = collect_fields(c.schema, c.fragments, c.variables, query_type, c.operation)
        (details,) = collected.grouped_field_set.values()
        if self.export.root is None:
            return details
        type_ = get_named_type(query_type.fields[self.export.root].type)
        for step in self.export.path:
            assert isinstance(type_, GraphQLObjectType)
            details = c.subfields(type_, details)[step]
            type_ = object_type(type_.fields[step])
        return details


def _document(export: Export, line: str) -> Any:
    """The GraphQL document selecting a line under the export's root field."""
    if export.root is None:
        text = f'query Export {{ {NODE}(id: "") {{ ... on {export.line_type} {{ {line} }} }} }}'
    else:
        inner = line
        for step in reversed(export.path):
            inner = f"{step} {{ {inner} }}"
        text = f"query Export {{ {export.root} {{ {inner} }} }}"
    try:
        return parse(text)
    except GraphQLError as error:  # the selection is derived: a mistake, not a request's
        raise NotCompilable(f"{export.name}: {error.message}") from None
