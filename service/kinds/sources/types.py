"""GraphQL types, filters, orders and query fields of sources."""

from __future__ import annotations

from enum import Enum

import strawberry

from service.graphql.connection import (
    Connection,
    ListQuery,
    ListRead,
    page_request,
    top_level,
)
from service.graphql.context import Info
from service.graphql.lookup import by_slug
from service.graphql.record import BY_CREATION, Source
from service.record.paging import Order, SortKey
from service.vocab import RecordKind, SourceKind

SOURCES = ListQuery("sources", "list_sources", Source.from_row)


@strawberry.enum(description="Orderings of sources.")
class SourceOrder(Enum):
    PUBLISHED_DESC = "published_desc"
    PUBLISHED_ASC = "published_asc"
    CREATED_ASC = "created_asc"


_SOURCE_ORDERS = {
    SourceOrder.PUBLISHED_DESC: Order(
        (SortKey("sort_published", "timestamptz", True), SortKey("id", "bigint", True))
    ),
    SourceOrder.PUBLISHED_ASC: Order(
        (SortKey("sort_published", "timestamptz"), SortKey("id", "bigint"))
    ),
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


@strawberry.type
class SourceQuery:
    @strawberry.field(description="A source by its slug.")
    async def source(self, info: Info, slug: str) -> Source | None:
        return await by_slug(info, "sources", "source_by_slug", RecordKind.SOURCE, slug)

    @strawberry.field(description="Sources, newest publication first by default.")
    async def sources(
        self,
        info: Info,
        filter: SourceFilter | None = None,
        order_by: SourceOrder = SourceOrder.PUBLISHED_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Source]:
        read = sources_read(filter, order_by)
        page = page_request(first, after, last, before)
        return await top_level(info, read.query, read.params, read.order, page)


def sources_read(filter: SourceFilter | None, order_by: SourceOrder) -> ListRead:
    """Query.sources."""
    f = filter or SourceFilter()
    params = ([k.value for k in f.kinds] if f.kinds else None, f.publisher, f.text)
    return ListRead(SOURCES, _SOURCE_ORDERS[order_by], params)
