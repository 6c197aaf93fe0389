"""The citation kind: a source backing a claim about the record it belongs to, with the
exact quote; `field` and `claimed_value` say which attribute it speaks to and what it
claims, so sources that disagree sit side by side."""

from __future__ import annotations

from service.record.description import Column, Description, Owner, Reference
from service.record.fields import FieldName, Language, Quote, Text
from service.vocab import CitationBasis, RecordKind

K = RecordKind

CITATION = Description(
    K.CITATION,
    "citation",
    (
        Column("basis", CitationBasis, CitationBasis.VERBATIM),
        Reference("source_id", (K.SOURCE,), "source", required=False),
        Column("quote", Quote | None, None),
        Column("quote_language", Language, "en"),
        Column("translated_from", Language | None, None),
        Column("field", FieldName | None, None),
        Reference("target_id", tuple(K), "target", required=False),
        Column("claimed_value", Text | None, None),
        Column("note", Text | None, None),
    ),
    key=("subject_id", "source_id", "field", "target_id", "quote"),
    owner=Owner("subject_id", tuple(K)),
    export_order=("source", "field", "target", "quote", "claimed_value", "basis"),
    cited=False,
    seed_name="Citation",
    checks={
        "citation_source_basis": (
            "sourceId",
            "a VERBATIM or PARAPHRASE citation names its source; an INFERRED one has none",
        ),
        "citation_quote_basis": (
            "quote",
            "a VERBATIM or PARAPHRASE citation gives the source's words or their summary; an "
            "INFERRED one has no quote",
        ),
        "citation_inferred_note": ("note", "an INFERRED claim needs a note saying why"),
        "citation_target_field": ("field", "a citation of a link names the link (`field`)"),
        "citation_quote_in_source": (
            "quote",
            "a VERBATIM quote must be the source's own words, and the record holds this "
            "source's text: the quote is not in it (cite it as PARAPHRASE if it is a summary)",
        ),
        "citation_target_is_linked": (
            "targetId",
            "the cited record has no such link (`field`: about, targets or answers) to this target",
        ),
    },
)
