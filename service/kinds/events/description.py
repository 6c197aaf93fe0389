"""The event kind (a summit, talks, a meeting, a call, a press conference, a visit) and
its participations (claims that an actor took part in it, in a role)."""

from __future__ import annotations

from service.record.description import Column, Dated, Description, Link, Nested, Owner, Reference
from service.record.fields import Name, ShortText, Slug, Text
from service.vocab import EventKind, ParticipationRole, RecordKind

K = RecordKind

CONCERNS_KINDS = (K.DECLARATION, K.PROVISION, K.TRACK)

PARTICIPATION = Description(
    K.PARTICIPATION,
    "participation",
    (
        Reference("actor_id", (K.ACTOR,), "actor"),
        Column("role", ParticipationRole),
        Column("note", Text | None, None),
    ),
    key=("event_id", "actor_id", "role"),
    owner=Owner("event_id", (K.EVENT,)),
    export_order=("actor", "role"),
    seed_name="Participation",
)

EVENT = Description(
    K.EVENT,
    "event",
    (
        Column("slug", Slug),
        Column("kind", EventKind),
        Column("title", Name),
        Dated("starts", required=True),
        Dated("ends"),
        Column("place", ShortText | None, None),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
        Link("concerns_ids", "event_subject", "event_id", "subject_id", CONCERNS_KINDS, "concerns"),
        Nested("participants", K.PARTICIPATION, 500),
    ),
    seed_name="Event",
    checks={"event_ends_after_start": ("ends", "the event ends before it starts")},
    periods=(("starts", "ends", "the event ends before it starts"),),
)
