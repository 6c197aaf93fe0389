"""The warning kind: a conditional threat made in the statement it belongs to."""

from __future__ import annotations

from service.record.description import Column, Description, Link, Owner, Reference
from service.record.fields import Slug, Text
from service.vocab import RecordKind

K = RecordKind

WARNING = Description(
    K.WARNING,
    "warning",
    (
        Column("slug", Slug),
        Column("condition", Text),
        Column("consequence", Text),
        Link("target_ids", "warning_target", "warning_id", "actor_id", (K.ACTOR,), "targets"),
        Link(
            "answers_ids",
            "warning_answer",
            "warning_id",
            "subject_id",
            (K.DECLARATION, K.PROVISION),
            "answers",
        ),
        Column("repeats_earlier", bool, False),
        Reference("repeats_warning_id", (K.WARNING,), "repeats", required=False),
        Column("note", Text | None, None),
    ),
    owner=Owner("statement_id", (K.STATEMENT,)),
    seed_name="WarningItem",
    checks={
        "warning_repeats_another": (
            "repeatsWarningId",
            "a warning cannot repeat itself, nor a warning that repeats it",
        ),
    },
)
