"""GraphQL types, filters, orders and query fields of sources."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from service.database.named_queries import query
from service.graphql.common import FuzzyDate, describe_values
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.lazy import LazyCitation
from service.graphql.list_field import child_list, root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, register, row_reader
from service.graphql.record import BY_CREATION, Record, record_fields
from service.record.dates import from_columns
from service.record.paging import dated_order
from service.vocab import RecordKind, SourceKind

Row = dict[str, Any]


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
            published=FuzzyDate.of(
                from_columns(
                    row["published_at"], row["published_precision"], row["published_until"]
                )
            ),
            retrieved_at=row["retrieved_at"],
        )

    @strawberry.field(
        description="The source's text, where the record holds it: every VERBATIM quote of "
        "this source is checked against it."
    )
    async def text(self, info: Info) -> str | None:
        found: str | None = await info.context.loaders.get(_texts_batch).load(self.db_id)
        return found

    @child_list(LazyCitation, description="Every citation that quotes this source.")
    def quoted_in() -> ListRead:
        return ListRead(CITATIONS_OF_SOURCE, BY_CREATION)


async def _texts_batch(pool: Any, source_ids: Sequence[int]) -> list[str | None]:
    # Read apart from the source's row: a citation's source comes with the citation's row,
    # which should not carry a whole article each time.
    rows = await pool.fetch(query("sources", "source_texts"), list(source_ids))
    found = {r["id"]: r["text"] for r in rows}
    return [found.get(i) for i in source_ids]


# Citations are read by their kind's registered row reader: Citation (its home) embeds Source.
CITATIONS_OF_SOURCE = ListQuery(
    "citations", "list_citations", row_reader(RecordKind.CITATION), "source_id"
)

register(RecordKind.SOURCE, by_id_batch("sources", "sources_by_id"), Source.from_row)

SOURCES = ListQuery("sources", "list_sources", Source.from_row)


@strawberry.enum(description="Orderings of sources.")
class SourceOrder(Enum):
    PUBLISHED_DESC = "published_desc"
    PUBLISHED_ASC = "published_asc"
    CREATED_ASC = "created_asc"


describe_values(
    SourceOrder,
    {
        "PUBLISHED_DESC": "Newest publication first (the one order of dated items, newest first).",
        "PUBLISHED_ASC": "Oldest publication first.",
        "CREATED_ASC": "In the order they were recorded.",
    },
)


_SOURCE_ORDERS = {
    SourceOrder.PUBLISHED_DESC: dated_order(
        "sort_published_latest", "sort_published_at", descending=True
    ),
    SourceOrder.PUBLISHED_ASC: dated_order("sort_published_latest", "sort_published_at"),
    SourceOrder.CREATED_ASC: BY_CREATION,
}


@strawberry.input(description="Which sources to list (all given conditions must hold).")
class SourceFilter:
    kinds: list[SourceKind] | None = strawberry.field(
        default=None, description="Any of these kinds."
    )
    publisher: str | None = strawberry.field(default=None, description="This publisher (any case).")
    text: str | None = strawberry.field(
        default=None, description="Words in the title or publisher."
    )


def sources_read(
    filter: SourceFilter | None = None, order_by: SourceOrder = SourceOrder.PUBLISHED_DESC
) -> ListRead:
    """Query.sources."""
    f = filter or SourceFilter()
    params = {
        "kinds": [k.value for k in f.kinds] if f.kinds else None,
        "publisher": f.publisher,
        "text": f.text,
    }
    return ListRead(SOURCES, _SOURCE_ORDERS[order_by], params)


@strawberry.type
class SourceQuery:
    @strawberry.field(description="A source by its slug.")
    async def source(self, info: Info, slug: SlugArgument) -> Source | None:
        return await by_slug(info, "sources", "source_by_slug", RecordKind.SOURCE, slug)

    sources = root_list(Source, description="Sources, newest publication first by default.")(
        sources_read
    )
