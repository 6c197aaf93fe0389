"""Every field a query can reach is known to the compiled path, or declared executor-only
with a reason: a field added to a resolver but forgotten in compiled/objects.py would
otherwise send its queries to the executor silently (#17)."""

from __future__ import annotations

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from service.graphql.compiled.catalog import SchemaCatalog, has_field_extensions
from service.graphql.list_field import list_field_of
from service.graphql.schema import build_schema
from service.settings import Settings

_NOT_A_RECORD = "not a record: no rows by id for the compiled path"
_HISTORY = "the change log (graphql/history.py) pages with its own cursor, not a ListQuery"
_ABSTRACT = "a list of an abstract type (Record/Subject): the compiler leaves those out"
_COUNTS = "grouped counts (graphql/counts.py): one aggregate statement per grouping, not rows"
_MATRIX = (
    "the stance matrix (graphql/matrix.py): one statement for axes and cells, made a grid by "
    "the resolver; the exports read its cells through their own catalog (exports/)"
)

SCHEMA = build_schema(Settings())
_RECORD = SCHEMA._schema.type_map["Record"]
assert isinstance(_RECORD, GraphQLInterfaceType)
_RECORD_TYPES = SCHEMA._schema.get_possible_types(_RECORD)

# (type, field) -> why the executor answers it. Shrink this, never grow it silently.
EXECUTOR_ONLY: dict[tuple[str, str], str] = {
    ("Query", "node"): _ABSTRACT,
    ("Query", "nodes"): _ABSTRACT,
    ("Query", "history"): _HISTORY,
    ("Query", "changes"): _HISTORY,
    ("Query", "viewer"): "the caller's token, read from the request, not the database",
    # Every record's history (the Record interface's field), new kinds included.
    **{(record.name, "history"): _HISTORY for record in _RECORD_TYPES},
    **{
        ("Change", f): _NOT_A_RECORD
        for f in (
            "id",
            "kind",
            "recordId",
            "operation",
            "version",
            "actor",
            "at",
            "before",
            "after",
        )
    },
    ("Statement", "about"): _ABSTRACT,
    ("Event", "concerns"): _ABSTRACT,
    ("Warning", "targets"): _ABSTRACT,
    ("Warning", "answers"): _ABSTRACT,
    ("Declaration", "warnings"): "the answered id is computed (a clause's document counts "
    "too): per parent, the compiled path would read all warnings again for each parent",
    ("Provision", "warnings"): "as Declaration.warnings",
    ("Statement", "links"): "links with what backs each (graphql/links.py): no list query",
    ("Warning", "links"): "as Statement.links",
    **{("Link", f): "a link is not a record" for f in ("field", "sourced", "inferred")},
    ("Link", "target"): _ABSTRACT,
    ("Link", "citations"): "a link's citations, read by the executor with the link",
    **{("Viewer", f): _NOT_A_RECORD for f in ("name", "role")},
    **{
        ("Query", f): _COUNTS
        for f in ("statementCounts", "warningCounts", "trackUpdateCounts", "stanceCounts")
    },
    **{
        (type_, f): _COUNTS
        for type_, fields in {
            "StatementCounts": ("total", "bySpeaker", "byChannel"),
            "WarningCounts": ("total", "byIssuer"),
            "TrackUpdateCounts": ("total", "byStatus"),
            "StanceCounts": ("total", "byPositionPerSubject"),
            "SubjectStanceCounts": ("total", "byPosition", "subject"),
            "ActorCount": ("actor", "count"),
            "ChannelCount": ("channel", "count"),
            "TrackStatusCount": ("status", "count"),
            "StancePositionCount": ("position", "count"),
        }.items()
        for f in fields
    },
    ("Query", "stanceMatrix"): _MATRIX,
    **{
        (type_, f): _MATRIX
        for type_, fields in {
            "StanceMatrix": ("asOf", "actors", "subjects", "cells", "rows"),
            "StanceMatrixRow": ("actor", "cells"),
            "StanceCell": (
                "actor",
                "subject",
                "positions",
                "since",
                "disputed",
                "disputes",
                "stances",
                "parties",
                "citations",
            ),
        }.items()
        for f in fields
    },
    **{
        ("ApiToken", f): _NOT_A_RECORD
        for f in ("name", "role", "createdAt", "lastUsedAt", "revokedAt")
    },
}

# Built by the compiler itself for every list and date (compiled/connections.py, fields.py).
_STRUCTURAL_SUFFIXES = ("Connection", "Edge")
_STRUCTURAL = {"PageInfo", "FuzzyDate"}


def _reachable_objects(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    """The object types a query can reach from Query (not mutation payloads)."""
    assert schema.query_type is not None
    seen: dict[str, GraphQLObjectType] = {}
    todo: list[object] = [schema.query_type]
    while todo:
        type_ = todo.pop()
        if isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType)):
            todo.extend(schema.get_possible_types(type_))
            continue
        if not isinstance(type_, GraphQLObjectType) or type_.name in seen:
            continue
        seen[type_.name] = type_
        todo.extend(get_named_type(f.type) for f in type_.fields.values())
    return [t for t in seen.values() if t is not schema.query_type]


def test_every_reachable_field_is_compiled_or_executor_only() -> None:
    catalog = SchemaCatalog(SCHEMA)
    graphql_schema = SCHEMA._schema
    assert graphql_schema.query_type is not None
    unknown = [
        ("Query", name)
        for name, field in graphql_schema.query_type.fields.items()
        if catalog.root(name) is None and not has_field_extensions(field)
    ]
    for type_ in _reachable_objects(graphql_schema):
        if type_.name in _STRUCTURAL or type_.name.endswith(_STRUCTURAL_SUFFIXES):
            continue
        unknown += [
            (type_.name, name)
            for name, field in type_.fields.items()
            if catalog.field(type_.name, name) is None and not has_field_extensions(field)
        ]
    missing = sorted(set(unknown) - EXECUTOR_ONLY.keys())
    assert not missing, f"fields the compiled path does not know: {missing}"
    stale = sorted(EXECUTOR_ONLY.keys() - set(unknown))
    assert not stale, f"executor-only fields the compiled path now knows (drop them): {stale}"


def test_list_fields_are_found_through_their_declaration() -> None:
    # A list field made without list_field.py (a hand-written resolver returning a
    # Connection) would be unknown to the compiler: only the change log's are.
    schema = SCHEMA._schema
    assert schema.query_type is not None
    hand_written = []
    for type_ in [schema.query_type, *_reachable_objects(schema)]:
        for name, field in type_.fields.items():
            named = get_named_type(field.type)
            definition = (field.extensions or {}).get("strawberry-definition")
            if named.name.endswith("Connection") and list_field_of(definition) is None:
                hand_written.append((type_.name, name))
    assert all(EXECUTOR_ONLY.get(f) == _HISTORY for f in hand_written), hand_written
