"""The Record interface every kind implements, and the Citation and Source types it uses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.graphql.common import FuzzyDate
from service.graphql.connection import Connection, ListQuery, child, page_request
from service.graphql.context import Info
from service.graphql.history import Change, record_history
from service.graphql.ids import encode_id
from service.graphql.nodes import Node, by_id_batch, load_any, register
from service.record.dates import from_columns
from service.record.paging import Order, SortKey
from service.vocab import RecordKind, SourceKind

Row = dict[str, Any]

BY_CREATION = Order((SortKey("created_at", "timestamptz"), SortKey("id", "bigint")))


@strawberry.interface(description="A record: versioned, timestamped, and backed by citations.")
class Record(Node):
    db_id: strawberry.Private[int]
    version: int = strawberry.field(
        description="Bumped by every update; pass it as `expectedVersion` to update safely."
    )
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")

    @strawberry.field(
        description="The sources backing this record, each with its exact quote. Two "
        "citations of one `field` with different `claimedValue`s are sources that disagree."
    )
    async def citations(
        self,
        info: Info,
        field: Annotated[
            str | None,
            strawberry.argument(description="Only citations about this attribute (key_phrase...)."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Citation]:
        return await child(
            info,
            CITATIONS_OF_SUBJECT,
            self.db_id,
            BY_CREATION,
            page_request(first, after, last, before),
            (field, None, None),
        )

    @strawberry.field(
        description="Every change of this record, oldest first: who wrote, when, and the "
        "record before and after."
    )
    async def history(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Change]:
        return await record_history(info, self.db_id, page_request(first, after, last, before))


def record_fields(kind: RecordKind, row: Row) -> dict[str, Any]:
    """The constructor arguments every Record type shares."""
    return {
        "id": strawberry.ID(encode_id(kind, row["id"])),
        "db_id": row["id"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


# The columns Source.from_row reads besides id; the citation queries return them prefixed.
_SOURCE_COLUMNS = (
    "slug", "url", "publisher", "title", "kind", "language", "published_at",
    "published_precision", "retrieved_at", "version", "created_at", "updated_at",
)  # fmt: skip


@strawberry.type(description="Where a claim was read: an article, a post, an official page.")
class Source(Record):
    slug: str = strawberry.field(description="Stable human-readable key.")
    url: str = strawberry.field(description="Address of the source (or a urn: when none).")
    publisher: str = strawberry.field(description="Who published it.")
    title: str | None = strawberry.field(description="Its title, if it has one.")
    kind: SourceKind = strawberry.field(description="What the source is.")
    language: str = strawberry.field(description="Language (BCP 47 code).")
    published: FuzzyDate | None = strawberry.field(description="When it was published.")
    retrieved_at: datetime | None = strawberry.field(description="When it was read.")

    @staticmethod
    def from_row(row: Row) -> Source:
        """The GraphQL object of a source row."""
        return Source(
            **record_fields(RecordKind.SOURCE, row),
            slug=row["slug"],
            url=row["url"],
            publisher=row["publisher"],
            title=row["title"],
            kind=SourceKind(row["kind"]),
            language=row["language"],
            published=FuzzyDate.of(from_columns(row["published_at"], row["published_precision"])),
            retrieved_at=row["retrieved_at"],
        )

    @strawberry.field(description="Every citation that quotes this source.")
    async def quoted_in(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Citation]:
        return await child(
            info,
            CITATIONS_OF_SOURCE,
            self.db_id,
            BY_CREATION,
            page_request(first, after, last, before),
            (None, None, None),
        )


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


CITATIONS_OF_SUBJECT = ListQuery("citations", "list_citations", Citation.from_row, "subject_id")
CITATIONS_OF_SOURCE = ListQuery("citations", "list_citations", Citation.from_row, "source_id")

register(RecordKind.SOURCE, by_id_batch("sources", "sources_by_id"), Source.from_row)
register(RecordKind.CITATION, by_id_batch("citations", "citations_by_id"), Citation.from_row)
