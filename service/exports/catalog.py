"""Which exports there are, found in the schema and the kinds registry.

One export per kind of record (service/kinds/registry.py), filtered by the arguments of
its root list when it has one (`statements(filter:, orderBy:)`: the same filter, the same
order, the same rows), else every record of its table by id; the timeline; the stance
matrix's cells. A kind added to the registry and the schema has its export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, get_named_type

from service.graphql.compiled.catalog import SchemaCatalog
from service.graphql.compiled.fields import RecordOf, RecordsIn, ToOne
from service.graphql.compiled.objects import OBJECTS, ObjectSql
from service.graphql.connection import ListRead
from service.graphql.list_field import list_field_of
from service.graphql.matrix import stance_matrix_read
from service.graphql.timeline import TimelineKind
from service.kinds.registry import DESCRIPTIONS
from service.vocab import RecordKind

Arguments = Mapping[str, Any]

TIMELINE = "timeline"
STANCE_MATRIX = "stance-matrix"
MATRIX_ROOT = "stanceMatrix"

# The matrix's cells, for the exports only (no query the compiler answers reaches them):
# their plain fields are columns of the `stance_matrix` rows (positions, since_at...).
EXPORT_OBJECTS: dict[str, ObjectSql] = {
    "StanceCell": ObjectSql(
        None,
        None,
        {
            "actor": ToOne("actor_id"),
            "subject": RecordOf(
                "subject_id",
                lambda: {o.kind.value: n for n, o in OBJECTS.items() if o.kind and o.rows},
            ),
            "stances": RecordsIn("stance_ids"),
            "parties": RecordsIn("party_ids"),
            "citations": RecordsIn("citation_ids"),
        },
    )
}


@dataclass(frozen=True)
class Export:
    """One export.

    Attributes:
        name: its name in the URL (`/exports/<name>.csv`).
        summary: what it holds, in a line (the OpenAPI document's summary).
        root: the Query field whose arguments filter it, and whose lines it holds; None
            for a kind without a root list (every record of its table).
        path: the fields from the root field's value to the lines (`nodes` of a list).
        line_type: the GraphQL type of a line.
        read: what the export reads for the root field's arguments and `since` (a change
            id); None: the table's rows by id.
        table: the kind's table (when `read` is None).
        kinds: the kinds of the records a line is about, whose changes `since` follows;
            empty when `read` follows `since` itself (the matrix).
        deleted_at: where a record deleted since `since` puts its id in a tombstone line
            (`("id",)`; the timeline's `("item", "id")`); None: no tombstones.
        expand: fields of the line exported in full rather than as references.
    """

    name: str
    summary: str
    root: str | None
    path: tuple[str, ...]
    line_type: str
    read: Callable[[Arguments, int | None], ListRead] | None = None
    table: str | None = None
    kinds: tuple[RecordKind, ...] = ()
    deleted_at: tuple[str, ...] | None = ("id",)
    expand: frozenset[str] = frozenset()

    @property
    def follows_changes(self) -> bool:
        """`since` selects the lines whose records changed (not the read itself)."""
        return bool(self.kinds)


def plural(kind: RecordKind) -> str:
    """An export's name for a kind: `track_update` -> `track-updates`, `party` -> `parties`."""
    word = kind.value.replace("_", "-")
    return f"{word[:-1]}ies" if word.endswith("y") else f"{word}s"


def export_catalog(schema: strawberry.Schema) -> SchemaCatalog:
    """The compiled path's catalog, with the exports' own line types."""
    return SchemaCatalog(schema, EXPORT_OBJECTS)


def find_exports(schema: strawberry.Schema) -> dict[str, Export]:
    """Every export, by name: the kinds in write order, then the timeline and the matrix."""
    graphql_schema = schema._schema
    query_type = graphql_schema.query_type
    assert query_type is not None
    types = {o.kind: name for name, o in OBJECTS.items() if o.kind is not None and o.rows}
    exports: dict[str, Export] = {}
    for description in DESCRIPTIONS:
        kind = description.kind
        type_name = types[kind]
        root = _root_list_of(query_type, type_name)
        name = plural(kind)
        summary = f"Every {kind.value.replace('_', ' ')} record"
        if root is None:
            exports[name] = Export(
                name, f"{summary}, by id.", None, (), type_name, table=description.name,
                kinds=(kind,),
            )  # fmt: skip
            continue
        read = _list_read(query_type.fields[root])
        exports[name] = Export(
            name, f"{summary}, as `{root}` lists them (its filter and order).", root,
            ("nodes",), type_name, read=read, kinds=(kind,),
        )  # fmt: skip
    timeline = query_type.fields[TIMELINE]
    exports[TIMELINE] = Export(
        TIMELINE,
        "The timeline: dated statements, warnings, track updates and adoptions, each in full.",
        TIMELINE,
        ("nodes",),
        _node_type(timeline),
        read=_list_read(timeline),
        kinds=tuple(RecordKind(k.value) for k in TimelineKind),
        deleted_at=("item", "id"),
        expand=frozenset({"item"}),
    )
    exports[STANCE_MATRIX] = Export(
        STANCE_MATRIX,
        "The stance matrix's cells (where the record holds something), row by row.",
        MATRIX_ROOT,
        ("cells",),
        "StanceCell",
        read=lambda arguments, since: stance_matrix_read(
            **arguments, cells_only=True, changed_after=since
        ),
        deleted_at=None,
    )
    return exports


def _root_list_of(query_type: GraphQLObjectType, type_name: str) -> str | None:
    """The root list field whose items are of `type_name`, if any."""
    for name, field in query_type.fields.items():
        declared = list_field_of((field.extensions or {}).get("strawberry-definition"))
        if declared is None or declared.per_parent:
            continue
        if _node_type(field) == type_name:
            return str(name)
    return None


def _node_type(field: GraphQLField) -> str:
    """The type of the items of a connection field."""
    connection = get_named_type(field.type)
    assert isinstance(connection, GraphQLObjectType)
    name: str = get_named_type(connection.fields["nodes"].type).name
    return name


def _list_read(field: GraphQLField) -> Callable[[Arguments, int | None], ListRead]:
    declared = list_field_of((field.extensions or {}).get("strawberry-definition"))
    assert declared is not None

    def read(arguments: Arguments, since: int | None) -> ListRead:
        return declared.read_of(arguments)

    return read
