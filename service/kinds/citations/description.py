"""The citation kind: a source backing a claim about the record it belongs to, with the
exact quote; `field` and `claimed_value` say which attribute it speaks to and what it
claims, so sources that disagree sit side by side."""

from __future__ import annotations

from service.record.description import Column, Description, Owner, Reference
from service.record.fields import FieldName, Language, Quote, Text
from service.vocab import RecordKind

K = RecordKind

CITATION = Description(
    K.CITATION,
    "citation",
    (
        Reference("source_id", (K.SOURCE,), "source"),
        Column("quote", Quote),
        Column("quote_language", Language, "en"),
        Column("field", FieldName | None, None),
        Column("claimed_value", Text | None, None),
        Column("note", Text | None, None),
    ),
    key=("subject_id", "source_id", "field", "quote"),
    owner=Owner("subject_id", tuple(K)),
    export_order=("source", "field", "quote", "claimed_value"),
    cited=False,
    seed_name="Citation",
)
