"""The SQL of each object type and root field: how to read the type's rows by id, and its
fields that are not plain columns (catalog.py finds the plain ones). Every list reads what
its resolver reads: the same `*_read` function for root lists, the same module constants
(query, order, parameters) for lists under a parent. tests/db/test_compiled_queries.py
compares every field listed here with the executor's answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from service.graphql import record, timeline
from service.graphql.compiled.compiler import FieldSql
from service.graphql.compiled.fields import (
    ById,
    BySlug,
    Children,
    Column,
    DateColumns,
    ItemOf,
    ReadOf,
    RecordOf,
    SameRow,
    ToOne,
    TopList,
)
from service.graphql.connection import ListQuery, ListRead
from service.kinds.actors import types as actors
from service.kinds.declarations import types as declaration_queries
from service.kinds.declarations import types as declarations
from service.kinds.sources import types as sources
from service.kinds.stances import types as stances
from service.kinds.statements import types as statements
from service.kinds.tracks import types as tracks
from service.kinds.warnings import types as warnings
from service.record.paging import Order
from service.vocab import RecordKind


@dataclass(frozen=True)
class ObjectSql:
    """An object type: its record kind, its rows by id, and its non-column fields."""

    kind: RecordKind | None
    rows: ById | None
    fields: Mapping[str, FieldSql] = field(default_factory=dict)


def _fixed(query: ListQuery, order: Order) -> ReadOf:
    """A list under a parent with no arguments but paging (as its resolver calls `child`)."""
    read = ListRead(query, order)
    return lambda args: read


def _kinds_of_records() -> dict[str, str]:
    """Each record kind's object type (for Record values: a citation's subject...)."""
    return {o.kind.value: name for name, o in OBJECTS.items() if o.kind and o.rows}


_SAID_DESC = statements.STATEMENT_ORDERS[statements.StatementOrder.SAID_DESC]

_RECORD: dict[str, FieldSql] = {
    "citations": Children(
        lambda a: ListRead(
            record.CITATIONS_OF_SUBJECT, record.BY_CREATION, {"field": a.get("field")}
        )
    ),
}
_SUBJECT: dict[str, FieldSql] = {
    **_RECORD,
    "stances": Children(_fixed(stances.TOWARD, stances.BY_SINCE)),
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
                )
            ),
            "warningsIssued": Children(_fixed(warnings.BY_ISSUER, warnings.NEWEST_FIRST)),
            "warningsReceived": Children(_fixed(warnings.BY_TARGET, warnings.NEWEST_FIRST)),
            "stances": Children(_fixed(stances.OF_ACTOR, stances.BY_SINCE)),
            "parties": Children(_fixed(declarations.PARTIES_OF_ACTOR, record.BY_CREATION)),
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
            "quotedIn": Children(_fixed(sources.CITATIONS_OF_SOURCE, record.BY_CREATION)),
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
                    {"topics": _enum_values(a.get("topics"))},
                )
            ),
            "parties": Children(
                lambda a: ListRead(
                    declarations.PARTIES_OF_DECLARATION,
                    declarations.BY_ACTOR_NAME,
                    {"roles": _enum_values(a.get("roles"))},
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
                    {"statuses": _enum_values(a.get("statuses"))},
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
