"""What the compiler knows of each object type: how to read its rows by id, and the SQL of
its fields that are not plain columns. Every list reads what its resolver reads: the same
`*_read` function for root lists, the same module constants (query, order, parameters)
for lists under a parent. tests/db/test_compiled_queries.py compares every field listed
here with the executor's answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import GraphQLEnumType, GraphQLField, GraphQLObjectType, get_named_type
from strawberry.types.arguments import convert_arguments

from service.api import (
    actors,
    declaration_queries,
    declarations,
    record,
    sources,
    stances,
    statements,
    timeline,
    tracks,
    warnings,
)
from service.api.compiled.compiler import FieldSql, NotCompilable
from service.api.compiled.fields import (
    ById,
    BySlug,
    Children,
    Column,
    DateColumns,
    GlobalId,
    ItemOf,
    ReadOf,
    RecordOf,
    SameRow,
    ToOne,
    TopList,
)
from service.api.connection import ListQuery, ListRead
from service.records.paging import Order
from service.vocab import RecordKind


@dataclass(frozen=True)
class ObjectSql:
    """An object type: its record kind, its rows by id, and its non-column fields."""

    kind: RecordKind | None
    rows: ById | None
    fields: Mapping[str, FieldSql] = field(default_factory=dict)


def _fixed(query: ListQuery, order: Order, params: tuple[Any, ...] = ()) -> ReadOf:
    """A list under a parent with no arguments but paging (as its resolver calls `child`)."""
    read = ListRead(query, order, params)
    return lambda args: read


def _kinds_of_records() -> dict[str, str]:
    """Each record kind's object type (for Record values: a citation's subject...)."""
    return {o.kind.value: name for name, o in OBJECTS.items() if o.kind and o.rows}


_STATEMENT_FILTER_OFF = (None,) * 7
_THREE_OFF = (None, None, None)
_SAID_DESC = statements.STATEMENT_ORDERS[statements.StatementOrder.SAID_DESC]

_RECORD: dict[str, FieldSql] = {
    "citations": Children(
        lambda a: ListRead(
            record.CITATIONS_OF_SUBJECT, record.BY_CREATION, (a.get("field"), None, None)
        )
    ),
}
_SUBJECT: dict[str, FieldSql] = {
    **_RECORD,
    "stances": Children(_fixed(stances.TOWARD, stances.BY_SINCE, _THREE_OFF)),
    "statements": Children(_fixed(statements.STATEMENTS_ABOUT, _SAID_DESC)),
}


def _enum_values(items: Any) -> list[str] | None:
    """A list-of-enum argument as its resolver passes it (`[x.value ...] or None`)."""
    return [i.value for i in items] if items else None


OBJECTS: dict[str, ObjectSql] = {
    "Actor": ObjectSql(
        RecordKind.ACTOR,
        ById("actors", "actors_by_id"),
        {
            **_RECORD,
            "memberships": Children(_fixed(actors.MEMBERSHIPS_OF_MEMBER, actors.BY_START)),
            "members": Children(_fixed(actors.MEMBERSHIPS_OF_ORGANIZATION, actors.BY_START)),
            "statements": Children(
                lambda a: ListRead(
                    statements.STATEMENTS_OF_SPEAKER,
                    statements.STATEMENT_ORDERS[
                        a.get("order_by") or statements.StatementOrder.SAID_DESC
                    ],
                    _STATEMENT_FILTER_OFF,
                )
            ),
            "warningsIssued": Children(_fixed(warnings.BY_ISSUER, warnings.NEWEST_FIRST)),
            "warningsReceived": Children(_fixed(warnings.BY_TARGET, warnings.NEWEST_FIRST)),
            "stances": Children(_fixed(stances.OF_ACTOR, stances.BY_SINCE, _THREE_OFF)),
            "parties": Children(_fixed(declarations.PARTIES_OF_ACTOR, record.BY_CREATION, (None,))),
        },
    ),
    "Membership": ObjectSql(
        RecordKind.MEMBERSHIP,
        ById("actors", "memberships_by_id"),
        {
            **_RECORD,
            "member": ToOne("member_id"),
            "organization": ToOne("organization_id"),
            "onBehalfOf": ToOne("on_behalf_of_id"),
        },
    ),
    "Source": ObjectSql(
        RecordKind.SOURCE,
        ById("sources", "sources_by_id"),
        {
            **_RECORD,
            "quotedIn": Children(
                _fixed(record.CITATIONS_OF_SOURCE, record.BY_CREATION, _THREE_OFF)
            ),
        },
    ),
    "Citation": ObjectSql(
        RecordKind.CITATION,
        ById("citations", "citations_by_id"),
        {
            **_RECORD,
            "source": ToOne("source_id"),
            "subject": RecordOf("subject_id", _kinds_of_records),
        },
    ),
    "Statement": ObjectSql(
        RecordKind.STATEMENT,
        ById("statements", "statements_by_id"),
        {
            **_RECORD,
            "speaker": ToOne("speaker_id"),
            "onBehalfOf": ToOne("on_behalf_of_id"),
            "warnings": Children(_fixed(warnings.IN_STATEMENT, warnings.NEWEST_FIRST)),
        },
    ),
    "Warning": ObjectSql(
        RecordKind.WARNING,
        ById("warnings", "warnings_by_id"),
        {
            **_RECORD,
            "statement": ToOne("statement_id"),
            # Warning rows carry their statement's speaker (see warnings.sql).
            "issuer": ToOne("speaker_id"),
            "onBehalfOf": ToOne("on_behalf_of_id"),
            "repeats": ToOne("repeats_warning_id"),
        },
    ),
    "Declaration": ObjectSql(
        RecordKind.DECLARATION,
        ById("declarations", "declarations_by_id"),
        {
            **_SUBJECT,
            "provisions": Children(
                lambda a: ListRead(
                    declarations.PROVISIONS_OF_DECLARATION,
                    declarations.BY_POSITION,
                    (_enum_values(a.get("topics")), None, None),
                )
            ),
            "parties": Children(
                lambda a: ListRead(
                    declarations.PARTIES_OF_DECLARATION,
                    declarations.BY_ACTOR_NAME,
                    (_enum_values(a.get("roles")),),
                )
            ),
        },
    ),
    "Provision": ObjectSql(
        RecordKind.PROVISION,
        ById("declarations", "provisions_by_id"),
        {**_SUBJECT, "declaration": ToOne("declaration_id")},
    ),
    "Party": ObjectSql(
        RecordKind.PARTY,
        ById("declarations", "parties_by_id"),
        {**_RECORD, "declaration": ToOne("declaration_id"), "actor": ToOne("actor_id")},
    ),
    "Stance": ObjectSql(
        RecordKind.STANCE,
        ById("stances", "stances_by_id"),
        {
            **_RECORD,
            "actor": ToOne("actor_id"),
            "statement": ToOne("statement_id"),
            "subject": RecordOf("subject_id", _kinds_of_records),
        },
    ),
    "Track": ObjectSql(
        RecordKind.TRACK,
        ById("tracks", "tracks_by_id"),
        {
            **_SUBJECT,
            "updates": Children(
                lambda a: ListRead(
                    tracks.UPDATES_OF_TRACK,
                    tracks.OLDEST_FIRST,
                    (_enum_values(a.get("statuses")), None, None),
                )
            ),
        },
    ),
    "TrackUpdate": ObjectSql(
        RecordKind.TRACK_UPDATE,
        ById("tracks", "track_updates_by_id"),
        {
            **_RECORD,
            "track": ToOne("track_id"),
            "reportedBy": ToOne("reported_by_id"),
            "statement": ToOne("statement_id"),
        },
    ),
    # A declaration's row, seen as a dated item of the timeline.
    "Adoption": ObjectSql(
        None,
        ById("declarations", "declarations_by_id"),
        {
            "declaration": SameRow(),
            "adopted": DateColumns("adopted"),
            "place": Column("adopted_place"),
        },
    ),
    "TimelineEntry": ObjectSql(
        None,
        None,
        {
            "kind": Column("item_kind"),
            "item": ItemOf(
                "item_kind",
                "id",
                lambda: {
                    timeline.TimelineKind.STATEMENT.value: "Statement",
                    timeline.TimelineKind.WARNING.value: "Warning",
                    timeline.TimelineKind.TRACK_UPDATE.value: "TrackUpdate",
                    timeline.TimelineKind.ADOPTION.value: "Adoption",
                },
            ),
        },
    ),
    "SearchHit": ObjectSql(None, None, {"node": ItemOf("kind", "id", _kinds_of_records)}),
}

ROOTS: dict[str, FieldSql] = {
    "actor": BySlug("actors", "actor_by_slug"),
    "source": BySlug("sources", "source_by_slug"),
    "statement": BySlug("statements", "statement_by_slug"),
    "warning": BySlug("warnings", "warning_by_slug"),
    "declaration": BySlug("declarations", "declaration_by_slug"),
    "provision": BySlug("declarations", "provision_by_slug"),
    "track": BySlug("tracks", "track_by_slug"),
    "actors": TopList(lambda a: actors.actors_read(a.get("filter"), a["order_by"])),
    "sources": TopList(lambda a: sources.sources_read(a.get("filter"), a["order_by"])),
    "statements": TopList(lambda a: statements.statements_read(a.get("filter"), a["order_by"])),
    "warnings": TopList(lambda a: warnings.warnings_read(a.get("filter"))),
    "declarations": TopList(
        lambda a: declaration_queries.declarations_read(a.get("filter"), a["order_by"])
    ),
    "provisions": TopList(lambda a: declaration_queries.provisions_read(a.get("filter"))),
    "stances": TopList(lambda a: stances.stances_read(a.get("filter"))),
    "tracks": TopList(lambda a: tracks.tracks_read(a.get("filter"))),
    "trackUpdates": TopList(
        lambda a: tracks.track_updates_read(
            a.get("statuses"), a.get("reported_from"), a.get("reported_to")
        )
    ),
    "timeline": TopList(lambda a: timeline.timeline_read(a.get("filter"), a["order_by"])),
    "search": TopList(lambda a: timeline.search_read(a["text"], a.get("kinds"))),
}


class SchemaCatalog:
    """The catalog over one built schema: the fields of OBJECTS, and every plain field of
    those types (a Strawberry field without resolver) of a scalar or enum type, read from
    the column of its Python name, or a FuzzyDate read from `<name>_at`/`<name>_precision`.
    """

    def __init__(self, schema: strawberry.Schema) -> None:
        """Read the types of `schema`."""
        self.schema = schema._schema
        self._scalars = schema.schema_converter.scalar_registry
        self._config = schema.config
        self._fields: dict[tuple[str, str], FieldSql] = {}
        for type_name, object_sql in OBJECTS.items():
            type_ = schema._schema.type_map[type_name]
            assert isinstance(type_, GraphQLObjectType), type_name
            for name, graphql_field in type_.fields.items():
                if has_field_extensions(graphql_field):
                    continue
                mapped = object_sql.fields.get(name) or _plain_field(graphql_field, object_sql)
                if mapped is not None:
                    self._fields[(type_name, name)] = mapped
        query_type = schema._schema.query_type
        assert query_type is not None
        self._roots = {
            name: sql
            for name, sql in ROOTS.items()
            if not has_field_extensions(query_type.fields[name])
        }

    def field(self, type_name: str, field_name: str) -> FieldSql | None:
        """The SQL of a field, or None when it has none."""
        return self._fields.get((type_name, field_name))

    def root(self, field_name: str) -> FieldSql | None:
        """The SQL of a Query field, or None when it has none."""
        return self._roots.get(field_name)

    def rows(self, type_name: str) -> ById:
        """How to read rows of an object type by id."""
        object_sql = OBJECTS.get(type_name)
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
