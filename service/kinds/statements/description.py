"""The statement kind: who said what, when, at which event, where, on which channel, about
which records."""

from __future__ import annotations

from service.record.description import Column, Dated, Description, Link, Nested, Reference
from service.record.fields import Channels, EventCode, Language, Quote, ShortText, Slug, Text
from service.vocab import RecordKind

K = RecordKind

ABOUT_KINDS = (K.ACTOR, K.DECLARATION, K.PROVISION, K.TRACK)

STATEMENT = Description(
    K.STATEMENT,
    "statement",
    (
        Column("slug", Slug),
        Reference("speaker_id", (K.ACTOR,), "speaker"),
        Reference("on_behalf_of_id", (K.ACTOR,), "on_behalf_of", required=False),
        Dated("said", required=True),
        Reference("event_id", (K.EVENT,), "event", required=False),
        Column("channels", Channels),
        Column("place", ShortText | None, None),
        Column("quote", Quote | None, None),
        Column("language", Language, "en"),
        Column("translated_from", Language | None, None),
        Column("event_code", EventCode | None, None),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
        Link("about_ids", "statement_subject", "statement_id", "subject_id", ABOUT_KINDS, "about"),
        Nested("warnings", K.WARNING, 100),
    ),
    seed_name="Statement",
    checks={
        "statement_quote_or_summary": (
            "quote",
            "a statement needs the speaker's words (quote) or the editors' summary of them",
        ),
    },
)
