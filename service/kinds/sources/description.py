"""The source kind: where a claim was read (an article, a post, an official page)."""

from __future__ import annotations

from service.record.description import Column, Dated, Description
from service.record.fields import Language, Name, Slug, SourceText, Text, Url
from service.vocab import RecordKind, SourceKind

SOURCE = Description(
    RecordKind.SOURCE,
    "source",
    (
        Column("slug", Slug),
        Column("url", Url),
        Column("publisher", Name),
        Column("title", Name | None, None),
        Column("kind", SourceKind),
        Column("language", Language, "en"),
        Dated("published"),
        Dated("retrieved", precision=False),
        Column("text", SourceText | None, None),
        Column("note", Text | None, None),
    ),
    seed_name="Source",
    checks={
        "source_text_holds_its_quotes": (
            "text",
            "VERBATIM quotes of this source are not in this text: correct them (or their "
            "basis) first",
        ),
    },
)
