"""The track kind (a line of negotiation followed over time) and its updates (the
track's status as reported at a date, ideally resting on a statement)."""

from __future__ import annotations

from service.record.description import Column, Dated, Description, Nested, Owner, Reference
from service.record.fields import Name, Slug, Text
from service.vocab import RecordKind, TrackStatus

K = RecordKind

TRACK_UPDATE = Description(
    K.TRACK_UPDATE,
    "track_update",
    (
        Column("status", TrackStatus),
        Dated("reported", required=True),
        Reference("event_id", (K.EVENT,), "event", required=False),
        Reference("reported_by_id", (K.ACTOR,), "reported_by", required=False),
        Reference("statement_id", (K.STATEMENT,), "statement", required=False),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
    ),
    key=("track_id", "status", "reported_at"),
    owner=Owner("track_id", (K.TRACK,)),
    export_order=("reported", "status"),
    seed_name="TrackUpdate",
)

TRACK = Description(
    K.TRACK,
    "track",
    (
        Column("slug", Slug),
        Column("name", Name),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
        Nested("updates", K.TRACK_UPDATE, 1000),
    ),
    seed_name="Track",
)
