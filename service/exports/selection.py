"""What a line of an export holds: a GraphQL selection derived from the schema.

An export's line is what the API answers for its type, so it is written as a GraphQL
selection and compiled by the compiled path (service/graphql/compiled/): the NDJSON line
is the API's JSON of that selection, and the CSV row flattens the same JSON. The
selection is derived from the schema, not written by hand, so a field or a kind added to
the schema is exported too:

- every field with SQL of the line's type (a leaf, a list of leaves, a date);
- a record it points to, as a reference: its `id` and the labels a reader recognises it
  by (slug, name, title, url...); a record of any kind, with its `__typename`;
- its `citations` in full (what backs it), with their sources as references;
- a list of records it holds (a matrix cell's stances), each in full, and the fields
  named in `expand` (the timeline's `item`), in full;
- not: its other lists (each has an export of its own), deprecated fields, fields the
  compiled path has no SQL for (Statement.about, Warning.targets: their links are the
  citations' `target`s, and the kinds' own exports).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined

from service.graphql.compiled.compiler import Catalog

CITATIONS = "citations"
"""The Record interface's list of what backs a record: exported with it, in full."""
CITED = "subject"
"""A citation's record: left out of the citations exported with that record."""
LABELS = ("slug", "name", "shortName", "title", "url", "publisher")
"""What a reference shows besides the `id`: what a reader recognises a record by (a
reference to a record of any kind: the first four, which most kinds have)."""
ANY_KIND_LABELS = LABELS[:4]
KEPT_IN_ITEMS = frozenset({"id", "note"})
"""What a record in a list of a line keeps of the fields all records share (its version
and timestamps are left to its own export)."""
LIST_ITEMS_IN_CSV = 3
"""The items of a list a CSV row shows (their count beside them); NDJSON has them all."""


class Shape(Enum):
    """How a selected field's value is laid out in the JSON."""

    LEAF = "leaf"
    LEAVES = "leaves"
    OBJECT = "object"
    OBJECTS = "objects"
    CONNECTION = "connection"


@dataclass(frozen=True)
class Selected:
    """A selected field and what is selected under it.

    Attributes:
        name: the field (and its key in the JSON).
        shape: how its value is laid out.
        arguments: its arguments, as GraphQL text (`(first: 100)`).
        fields: what is selected under it (an object, the items of a list).
        by_type: for a value of an abstract type: what is selected on each possible type.
    """

    name: str
    shape: Shape = Shape.LEAF
    arguments: str = ""
    fields: tuple[Selected, ...] = ()
    by_type: tuple[tuple[str, tuple[Selected, ...]], ...] = ()
    abstract: bool = False
    """The value may be of several types: its `__typename` is selected too."""
    alias: str | None = None

    @property
    def key(self) -> str:
        """Its key in the JSON."""
        return self.alias or self.name

    def graphql(self) -> str:
        """The field as GraphQL text."""
        named = f"{self.alias}: {self.name}" if self.alias else self.name
        if self.shape in (Shape.LEAF, Shape.LEAVES):
            return named
        inner = [f.graphql() for f in self.fields]
        if self.abstract:
            inner = ["__typename", *inner]
            inner += [f"... on {t} {{ {graphql_of(fs)} }}" for t, fs in self.by_type]
        return f"{named}{self.arguments} {{ {' '.join(inner)} }}"


def graphql_of(fields: tuple[Selected, ...]) -> str:
    """A selection set's fields as GraphQL text."""
    return " ".join(f.graphql() for f in fields)


@dataclass(frozen=True)
class Deriving:
    """What a derivation reads: the schema, the compiled path's catalog, the page size of
    a record's citations (the largest a query may ask for)."""

    schema: GraphQLSchema
    catalog: Catalog
    citations_page: int

    def line(self, type_: GraphQLObjectType, expand: frozenset[str]) -> tuple[Selected, ...]:
        """The selection of an export's line of `type_`."""
        return self._fields(type_, top=True, expand=expand)

    def _fields(
        self,
        type_: GraphQLObjectType,
        *,
        top: bool,
        expand: frozenset[str] = frozenset(),
        leave_out: frozenset[str] = frozenset(),
    ) -> tuple[Selected, ...]:
        """The fields of `type_` to export, in the order a reader wants them: the `id`, the
        type's own fields, those all records share (version, dates, note), its citations."""
        shared = {n for interface in type_.interfaces for n in interface.fields}
        if not top:
            leave_out |= shared - KEPT_IN_ITEMS

        def rank(name: str) -> int:
            reference = _is_reference(type_.fields[name]) and name not in expand
            if name == "id" or (not _is_record(type_) and reference):
                return 0  # the record, or what a value is about (a matrix cell's actor)
            return 3 if name == CITATIONS else 2 if name in shared else 1

        selected: list[Selected] = []
        for name in sorted(type_.fields, key=rank):
            field = type_.fields[name]
            if name in leave_out or not self._exported(type_, name, field):
                continue
            found = self._field(name, field, get_named_type(field.type), top, name in expand)
            if found is not None:
                selected.append(found)
        return tuple(selected)

    def _exported(self, type_: GraphQLObjectType, name: str, field: GraphQLField) -> bool:
        required = any(
            is_non_null_type(a.type) and a.default_value is Undefined for a in field.args.values()
        )
        # A value the compiler builds whole (a date) has no field of its own in the catalog.
        known = any(self.catalog.field(type_.name, n) for n in type_.fields)
        has_sql = self.catalog.field(type_.name, name) is not None or not known
        return has_sql and not required and field.deprecation_reason is None

    def _field(
        self, name: str, field: GraphQLField, named: GraphQLNamedType, top: bool, expand: bool
    ) -> Selected | None:
        listed = is_list_type(get_nullable_type(field.type))
        if is_leaf_type(named):
            return Selected(name, Shape.LEAVES if listed else Shape.LEAF)
        if _is_connection(named):
            if not (top and name == CITATIONS):
                return None  # another list: an export of its own
            assert isinstance(named, GraphQLObjectType)
            node = get_named_type(named.fields["nodes"].type)
            assert isinstance(node, GraphQLObjectType)
            cited = self._fields(node, top=False, leave_out=frozenset({CITED}))
            items = Selected("nodes", Shape.OBJECTS, fields=cited)
            total = Selected("totalCount")
            arguments = f"(first: {self.citations_page})"
            return Selected(name, Shape.CONNECTION, arguments, fields=(total, items))
        if is_abstract_type(named):
            if listed:
                return None
            possible = self.schema.get_possible_types(named)
            if top and expand:
                by_type = tuple((t.name, self._fields(t, top=True)) for t in possible)
            elif top:
                by_type = tuple((t.name, self._reference(t, ANY_KIND_LABELS)) for t in possible)
            else:  # a record of any kind, deep in a line: which one
                return Selected(name, Shape.OBJECT, fields=(Selected("id"),), abstract=True)
            return Selected(name, Shape.OBJECT, by_type=_merged(possible, by_type), abstract=True)
        assert isinstance(named, GraphQLObjectType)
        if not _is_record(named):
            return Selected(name, Shape.OBJECT, fields=self._fields(named, top=top))
        if listed:
            if not top:
                return None
            return Selected(name, Shape.OBJECTS, fields=self._fields(named, top=False))
        if top and expand:
            return Selected(name, Shape.OBJECT, fields=self._fields(named, top=True))
        return Selected(name, Shape.OBJECT, fields=self._reference(named))

    def _reference(
        self, type_: GraphQLObjectType, labels_of: tuple[str, ...] = LABELS
    ) -> tuple[Selected, ...]:
        """`id` and the labels of a record of `type_`."""
        labels = [
            n
            for n in labels_of
            if n in type_.fields
            and self._exported(type_, n, type_.fields[n])
            and is_leaf_type(get_named_type(type_.fields[n].type))
        ]
        return tuple(Selected(n) for n in ("id", *labels))


def _merged(
    types: Sequence[GraphQLObjectType], by_type: tuple[tuple[str, tuple[Selected, ...]], ...]
) -> tuple[tuple[str, tuple[Selected, ...]], ...]:
    """The branches of an abstract value, where a field named as one of another branch has
    another type (`title`: a source's may be null, a document's may not) under an alias of
    its own (`sourceTitle`): GraphQL refuses two types under one key."""
    fields_of = {t.name: t.fields for t in types}
    typed: dict[str, list[str]] = {}
    for type_name, fields in by_type:
        for field in fields:
            typed.setdefault(field.key, []).append(str(fields_of[type_name][field.name].type))
    # Under its own key: the type most branches give it (the first of them on a tie).
    usual = {key: max(texts, key=texts.count) for key, texts in typed.items()}
    merged = []
    for type_name, fields in by_type:
        kept = []
        for field in fields:
            if str(fields_of[type_name][field.name].type) != usual[field.key]:
                prefix, name = type_name[0].lower() + type_name[1:], field.name
                field = replace(field, alias=f"{prefix}{name[0].upper()}{name[1:]}")
            kept.append(field)
        merged.append((type_name, tuple(kept)))
    return tuple(merged)


def _is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and "pageInfo" in type_.fields


def _is_reference(field: GraphQLField) -> bool:
    """The field points to one record (of one kind, or of any)."""
    named = get_named_type(field.type)
    single = not is_list_type(get_nullable_type(field.type))
    return single and (_is_record(named) or is_abstract_type(named))


def _is_record(type_: GraphQLNamedType) -> bool:
    """A type of records (it has a global `id`), as opposed to a value (a date)."""
    return isinstance(type_, GraphQLObjectType) and "id" in type_.fields


# -- the CSV's columns ------------------------------------------------------------------


COUNT = object()
"""In a column's path: the length of the list reached so far."""


@dataclass(frozen=True)
class Column:
    """A column of the CSV: its header and where its value is in a line's JSON."""

    header: str
    path: tuple[Any, ...]
    """Keys and list indexes from the line's object; COUNT: the length of the list there."""


def csv_columns(fields: tuple[Selected, ...]) -> list[Column]:
    """The columns of a line's selection, in its order: leaves by their dotted path
    (`said.value`, `speaker.name`), lists of leaves in one column, the first
    LIST_ITEMS_IN_CSV items of a list of objects numbered from 1 (`citations.1.quote`)
    after its count; columns of several types of a value are merged by header."""
    seen: dict[str, Column] = {}
    for column in _columns(fields, "", ()):
        seen.setdefault(column.header, column)
    return list(seen.values())


def _columns(fields: tuple[Selected, ...], prefix: str, path: tuple[Any, ...]) -> Iterator[Column]:
    for field in fields:
        header, at = f"{prefix}{field.key}", (*path, field.key)
        match field.shape:
            case Shape.LEAF | Shape.LEAVES:
                yield Column(header, at)
            case Shape.OBJECT:
                if field.abstract:
                    yield Column(f"{header}.__typename", (*at, "__typename"))
                yield from _columns(field.fields, f"{header}.", at)
                for _, typed in field.by_type:
                    yield from _columns(typed, f"{header}.", at)
            case Shape.OBJECTS:
                yield Column(f"{header}.count", (*at, COUNT))
                yield from _items(field.fields, header, at)
            case Shape.CONNECTION:
                yield Column(f"{header}.totalCount", (*at, "totalCount"))
                nodes = next(f for f in field.fields if f.name == "nodes")
                yield from _items(nodes.fields, header, (*at, "nodes"))


def _items(fields: tuple[Selected, ...], header: str, path: tuple[Any, ...]) -> Iterator[Column]:
    for n in range(LIST_ITEMS_IN_CSV):
        yield from _columns(fields, f"{header}.{n + 1}.", (*path, n))
