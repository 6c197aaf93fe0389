"""The SQL of each object type and root lookup that is not a plain column or a list: how
to read the type's rows by id, its to-one relations, abstract values and the timeline's
items (catalog.py finds plain columns by themselves, and lists by their declaration in
service/graphql/list_field.py). tests/db/test_compiled_queries.py compares every field
with the executor's answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from service.graphql import timeline
from service.graphql.compiled.compiler import FieldSql
from service.graphql.compiled.fields import (
    ById,
    BySlug,
    Column,
    DateColumns,
    ItemOf,
    RecordOf,
    SameRow,
    ToOne,
)
from service.vocab import RecordKind


@dataclass(frozen=True)
class ObjectSql:
    """An object type: its record kind, its rows by id, and its non-column fields."""

    kind: RecordKind | None
    rows: ById | None
    fields: Mapping[str, FieldSql] = field(default_factory=dict)


def _kinds_of_records() -> dict[str, str]:
    """Each record kind's object type (for Record values: a citation's subject...)."""
    return {o.kind.value: name for name, o in OBJECTS.items() if o.kind and o.rows}


OBJECTS: dict[str, ObjectSql] = {
    "Actor": ObjectSql(
        RecordKind.ACTOR,
        ById("actors", "actors_by_id"),
        {},
    ),
    "Membership": ObjectSql(
        RecordKind.MEMBERSHIP,
        ById("actors", "memberships_by_id"),
        {
            "member": ToOne("member_id"),
            "organization": ToOne("organization_id"),
            "onBehalfOf": ToOne("on_behalf_of_id"),
        },
    ),
    "Source": ObjectSql(
        RecordKind.SOURCE,
        ById("sources", "sources_by_id"),
        # A resolver on the executor's side (its text is read apart from its row there).
        {"text": Column("text")},
    ),
    "Citation": ObjectSql(
        RecordKind.CITATION,
        ById("citations", "citations_by_id"),
        {
            "source": ToOne("source_id"),
            "subject": RecordOf("subject_id", _kinds_of_records),
            "target": RecordOf("target_id", _kinds_of_records),
        },
    ),
    "Statement": ObjectSql(
        RecordKind.STATEMENT,
        ById("statements", "statements_by_id"),
        {
            "speaker": ToOne("speaker_id"),
            "onBehalfOf": ToOne("on_behalf_of_id"),
            "event": ToOne("event_id"),
        },
    ),
    "Warning": ObjectSql(
        RecordKind.WARNING,
        ById("warnings", "warnings_by_id"),
        {
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
        {"event": ToOne("event_id")},
    ),
    "Provision": ObjectSql(
        RecordKind.PROVISION,
        ById("declarations", "provisions_by_id"),
        {"declaration": ToOne("declaration_id")},
    ),
    "Party": ObjectSql(
        RecordKind.PARTY,
        ById("declarations", "parties_by_id"),
        {"declaration": ToOne("declaration_id"), "actor": ToOne("actor_id")},
    ),
    "Stance": ObjectSql(
        RecordKind.STANCE,
        ById("stances", "stances_by_id"),
        {
            "actor": ToOne("actor_id"),
            "statement": ToOne("statement_id"),
            "subject": RecordOf("subject_id", _kinds_of_records),
        },
    ),
    "Track": ObjectSql(
        RecordKind.TRACK,
        ById("tracks", "tracks_by_id"),
        {},
    ),
    "TrackUpdate": ObjectSql(
        RecordKind.TRACK_UPDATE,
        ById("tracks", "track_updates_by_id"),
        {
            "track": ToOne("track_id"),
            "event": ToOne("event_id"),
            "reportedBy": ToOne("reported_by_id"),
            "statement": ToOne("statement_id"),
        },
    ),
    "Event": ObjectSql(
        RecordKind.EVENT,
        ById("events", "events_by_id"),
        {},
    ),
    "Participation": ObjectSql(
        RecordKind.PARTICIPATION,
        ById("events", "participations_by_id"),
        {"event": ToOne("event_id"), "actor": ToOne("actor_id")},
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
                    timeline.TimelineKind.EVENT.value: "Event",
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
    "event": BySlug("events", "event_by_slug"),
    "provision": BySlug("declarations", "provision_by_slug"),
    "track": BySlug("tracks", "track_by_slug"),
}
