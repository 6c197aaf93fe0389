"""The stance kind: an actor's position toward a document, a clause or a track."""

from __future__ import annotations

from service.record.description import Column, Dated, Description, Reference
from service.record.fields import Text
from service.vocab import RecordKind, StancePosition

K = RecordKind

# What the GraphQL schema says a stance is about (its `subject` is a StanceSubject:
# Document, Clause or Track); the seeds and the database now agree with it.
SUBJECT_KINDS = (K.DECLARATION, K.PROVISION, K.TRACK)

STANCE = Description(
    K.STANCE,
    "stance",
    (
        Reference("actor_id", (K.ACTOR,), "actor"),
        Reference("subject_id", SUBJECT_KINDS, "subject"),
        Column("position", StancePosition),
        Dated("since"),
        Reference("statement_id", (K.STATEMENT,), "statement", required=False),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
    ),
    key=("actor_id", "subject_id", "position"),
    export_order=("actor", "subject", "position"),
    seed_name="Stance",
)
