"""GraphQL type of citations (their fields live on Record and Source)."""

from __future__ import annotations

from typing import Any

import strawberry

from service.graphql.context import Info
from service.graphql.nodes import by_id_batch, load_any, register
from service.graphql.record import Record, record_fields
from service.kinds.sources.types import Source
from service.vocab import CitationBasis, RecordKind

Row = dict[str, Any]

# The columns Source.from_row reads besides id; the citation queries return them prefixed.
_SOURCE_COLUMNS = (
    "slug", "url", "publisher", "title", "kind", "language", "published_at",
    "published_precision", "published_until", "retrieved_at", "note", "version", "created_at",
    "updated_at",
)  # fmt: skip


@strawberry.type(
    description="What backs a claim about a record: a source's own words (VERBATIM), the "
    "editors' summary of what a source reports (PARAPHRASE), or the editors' inference with "
    "no source (INFERRED, the note saying why)."
)
class Citation(Record):
    subject_db_id: strawberry.Private[int]
    source_db_id: strawberry.Private[int | None]
    target_db_id: strawberry.Private[int | None]
    basis: CitationBasis = strawberry.field(description="What the claim rests on.")
    quote: str | None = strawberry.field(
        description="VERBATIM: the source's exact words. PARAPHRASE: the editors' summary of "
        "what the source reports, never to be presented as its words. Null when INFERRED."
    )
    quote_language: str = strawberry.field(description="Language of the quote (BCP 47).")
    translated_from: str | None = strawberry.field(
        description="The quote is a translation, from this language of the original (BCP 47)."
    )
    field: str | None = strawberry.field(
        description="The attribute this citation speaks to (said_at, speaker, key_phrase, "
        "channels, ...), or the link (about, targets, answers: see `target`); null when it "
        "backs the record as a whole."
    )
    claimed_value: str | None = strawberry.field(
        description="What the source says that attribute is, where it may differ from others."
    )
    # Built from the source's columns the citation queries join in (sql/queries/
    # citations.sql): a plain value, resolved on Strawberry's fast path, where a resolver
    # would load it through a DataLoader, one awaited coroutine per citation.
    source: Source | None = strawberry.field(
        description="The source that says so (null when INFERRED)."
    )

    @staticmethod
    def from_row(row: Row) -> Citation:
        """The GraphQL object of a citation row (with its source's source_* columns)."""
        return Citation(
            **record_fields(RecordKind.CITATION, row),
            subject_db_id=row["subject_id"],
            source_db_id=row["source_id"],
            target_db_id=row["target_id"],
            basis=CitationBasis(row["basis"]),
            quote=row["quote"],
            quote_language=row["quote_language"],
            translated_from=row["translated_from"],
            field=row["field"],
            claimed_value=row["claimed_value"],
            source=None
            if row["source_id"] is None
            else Source.from_row(
                {"id": row["source_id"], **{c: row[f"source_{c}"] for c in _SOURCE_COLUMNS}}
            ),
        )

    @strawberry.field(description="The record the citation backs.")
    async def subject(self, info: Info) -> Record | None:
        (node,) = await load_any(info, [self.subject_db_id])
        return node

    @strawberry.field(
        description="For a citation of a link (`field` about, targets or answers): the "
        "linked record (a statement's subject, a warning's target or the document it answers)."
    )
    async def target(self, info: Info) -> Record | None:
        if self.target_db_id is None:
            return None
        (node,) = await load_any(info, [self.target_db_id])
        return node


register(RecordKind.CITATION, by_id_batch("citations", "citations_by_id"), Citation.from_row)
