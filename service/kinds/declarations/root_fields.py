"""Query fields over declarations and provisions: lookups, filters, orderings."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from service.graphql.connection import (
    Connection,
    ListRead,
    page_request,
    top_level,
)
from service.graphql.context import Info
from service.graphql.filters import ids_of
from service.graphql.lookup import by_slug
from service.kinds.declarations.types import DECLARATIONS, PROVISIONS, Declaration, Provision
from service.record.paging import Order, SortKey
from service.vocab import DeclarationKind, DeclarationStatus, ProvisionTopic, RecordKind


@strawberry.enum(description="Orderings of declarations.")
class DeclarationOrder(Enum):
    ADOPTED_DESC = "adopted_desc"
    ADOPTED_ASC = "adopted_asc"
    TITLE_ASC = "title_asc"


DECLARATION_ORDERS = {
    DeclarationOrder.ADOPTED_DESC: Order(
        (SortKey("sort_adopted", "timestamptz", True), SortKey("id", "bigint", True))
    ),
    DeclarationOrder.ADOPTED_ASC: Order(
        (SortKey("sort_adopted", "timestamptz"), SortKey("id", "bigint"))
    ),
    DeclarationOrder.TITLE_ASC: Order((SortKey("title", "text"), SortKey("id", "bigint"))),
}


@strawberry.input(description="Which documents to list (all given conditions must hold).")
class DeclarationFilter:
    kinds: list[DeclarationKind] | None = strawberry.field(
        default=None, description="Any of these."
    )
    statuses: list[DeclarationStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    party_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Documents any of these actors is claimed to take part in."
    )
    adopted_from: datetime | None = strawberry.field(
        default=None, description="Adopted at or after."
    )
    adopted_to: datetime | None = strawberry.field(default=None, description="Adopted before.")
    text: str | None = strawberry.field(default=None, description="Words of title or summary.")


@strawberry.input(description="Which clauses to list.")
class ProvisionFilter:
    topics: list[ProvisionTopic] | None = strawberry.field(
        default=None, description="Any of these."
    )
    declaration_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Clauses of these documents."
    )
    text: str | None = strawberry.field(default=None, description="Words of the clause.")


@strawberry.type
class DeclarationQuery:
    @strawberry.field(description="A document by its slug.")
    async def declaration(self, info: Info, slug: str) -> Declaration | None:
        return await by_slug(
            info, "declarations", "declaration_by_slug", RecordKind.DECLARATION, slug
        )

    @strawberry.field(description="Documents, most recently adopted first by default.")
    async def declarations(
        self,
        info: Info,
        filter: DeclarationFilter | None = None,
        order_by: DeclarationOrder = DeclarationOrder.ADOPTED_DESC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Declaration]:
        read = declarations_read(filter, order_by)
        page = page_request(first, after, last, before)
        return await top_level(info, read.query, read.params, read.order, page)

    @strawberry.field(description="A clause by its slug.")
    async def provision(self, info: Info, slug: str) -> Provision | None:
        return await by_slug(info, "declarations", "provision_by_slug", RecordKind.PROVISION, slug)

    @strawberry.field(description="Clauses across documents, by document then position.")
    async def provisions(
        self,
        info: Info,
        filter: ProvisionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Provision]:
        read = provisions_read(filter)
        page = page_request(first, after, last, before)
        return await top_level(info, read.query, read.params, read.order, page)


def declarations_read(filter: DeclarationFilter | None, order_by: DeclarationOrder) -> ListRead:
    """Query.declarations."""
    f = filter or DeclarationFilter()
    params = (
        [k.value for k in f.kinds] if f.kinds else None,
        [s.value for s in f.statuses] if f.statuses else None,
        ids_of(f.party_ids, (RecordKind.ACTOR,), "partyIds"),
        f.adopted_from,
        f.adopted_to,
        f.text,
    )
    return ListRead(DECLARATIONS, DECLARATION_ORDERS[order_by], params)


BY_DOCUMENT_AND_POSITION = Order(
    (SortKey("declaration_id", "bigint"), SortKey("position", "integer"), SortKey("id", "bigint"))
)


def provisions_read(filter: ProvisionFilter | None) -> ListRead:
    """Query.provisions."""
    f = filter or ProvisionFilter()
    params = (
        [t.value for t in f.topics] if f.topics else None,
        ids_of(f.declaration_ids, (RecordKind.DECLARATION,), "declarationIds"),
        f.text,
    )
    return ListRead(PROVISIONS, BY_DOCUMENT_AND_POSITION, params)
