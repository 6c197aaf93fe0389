"""GraphQL type of citations (their fields live on Record and Source)."""

from __future__ import annotations

from typing import Any

import strawberry

from service.graphql.context import Info
from service.graphql.nodes import by_id_batch, load_any, register
from service.graphql.record import Record, record_fields
from service.kinds.sources.types import Source
from service.vocab import RecordKind

Row = dict[str, Any]

# The columns Source.from_row reads besides id; the citation queries return them prefixed.
_SOURCE_COLUMNS = (
    "slug", "url", "publisher", "title", "kind", "language", "published_at",
    "published_precision", "published_until", "retrieved_at", "version", "created_at",
    "updated_at",
)  # fmt: skip


@strawberry.type(description="A source backing a claim about a record, with its exact quote.")
class Citation(Record):
    subject_db_id: strawberry.Private[int]
    source_db_id: strawberry.Private[int]
    quote: str = strawberry.field(description="The exact words of the source.")
    quote_language: str = strawberry.field(description="Language of the quote (BCP 47).")
    field: str | None = strawberry.field(
        description="The attribute this citation speaks to (said_at, speaker, key_phrase, "
        "...); null when it backs the record as a whole."
    )
    claimed_value: str | None = strawberry.field(
        description="What the source says that attribute is, where it may differ from others."
    )
    note: str | None = strawberry.field(description="An editor's note.")
    # Built from the source's columns the citation queries join in (sql/queries/
    # citations.sql): a plain value, resolved on Strawberry's fast path, where a resolver
    # would load it through a DataLoader, one awaited coroutine per citation.
    source: Source = strawberry.field(description="The source that says so.")

    @staticmethod
    def from_row(row: Row) -> Citation:
        """The GraphQL object of a citation row (with its source's source_* columns)."""
        return Citation(
            **record_fields(RecordKind.CITATION, row),
            subject_db_id=row["subject_id"],
            source_db_id=row["source_id"],
            quote=row["quote"],
            quote_language=row["quote_language"],
            field=row["field"],
            claimed_value=row["claimed_value"],
            note=row["note"],
            source=Source.from_row(
                {"id": row["source_id"], **{c: row[f"source_{c}"] for c in _SOURCE_COLUMNS}}
            ),
        )

    @strawberry.field(description="The record the citation backs.")
    async def subject(self, info: Info) -> Record | None:
        (node,) = await load_any(info, [self.subject_db_id])
        return node


register(RecordKind.CITATION, by_id_batch("citations", "citations_by_id"), Citation.from_row)
