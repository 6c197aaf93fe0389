"""Declarations, provisions and parties: types, query fields, mutations."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from service.graphql.common import FuzzyDate
from service.graphql.connection import (
    Connection,
    ListQuery,
    ListRead,
    child,
    page_request,
    top_level,
)
from service.graphql.context import Info
from service.graphql.filters import ids_of
from service.graphql.lazy import LazyActor, LazyStance, LazyStatement, LazyWarning
from service.graphql.lookup import by_slug
from service.graphql.nodes import by_id_batch, load_node, register
from service.graphql.record import BY_CREATION, Record, record_fields
from service.kinds.stances import types as stances
from service.kinds.statements import types as statements
from service.kinds.warnings import types as warnings
from service.record.dates import from_columns
from service.record.paging import Order, PageRequest, SortKey
from service.vocab import (
    BindingNature,
    DeclarationKind,
    DeclarationStatus,
    PartyRole,
    ProvisionTopic,
    RecordKind,
)

Row = dict[str, Any]


@strawberry.interface(description="Something stances, statements and warnings can be about.")
class Subject(Record):
    @strawberry.field(description="Actors' stances toward it.")
    async def stances(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LazyStance]:

        return await stances.toward(info, self.db_id, page_request(first, after, last, before))

    @strawberry.field(description="Statements about it, newest first.")
    async def statements(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LazyStatement]:

        page = page_request(first, after, last, before)
        return await statements.about(info, self.db_id, page)


@strawberry.type(description="A negotiated document: declaration, agreement, plan, framework.")
class Declaration(Subject):
    slug: str = strawberry.field(description="Stable human-readable key.")
    title: str = strawberry.field(description="Full title.")
    short_name: str | None = strawberry.field(description="Common short name.")
    kind: DeclarationKind = strawberry.field(description="What the document is.")
    status: DeclarationStatus = strawberry.field(description="Where it stands.")
    adopted: FuzzyDate | None = strawberry.field(description="When it was adopted or signed.")
    adopted_place: str | None = strawberry.field(description="Where it was adopted.")
    binding: BindingNature = strawberry.field(description="How far it binds its parties.")
    summary: str | None = strawberry.field(description="What it says, in brief.")

    @staticmethod
    def from_row(row: Row) -> Declaration:
        """The GraphQL object of a declaration row."""
        return Declaration(
            **record_fields(RecordKind.DECLARATION, row),
            slug=row["slug"],
            title=row["title"],
            short_name=row["short_name"],
            kind=DeclarationKind(row["kind"]),
            status=DeclarationStatus(row["status"]),
            adopted=FuzzyDate.of(from_columns(row["adopted_at"], row["adopted_precision"])),
            adopted_place=row["adopted_place"],
            binding=BindingNature(row["binding"]),
            summary=row["summary"],
        )

    @strawberry.field(description="Its clauses, in order.")
    async def provisions(
        self,
        info: Info,
        topics: list[ProvisionTopic] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Provision]:
        params = {"topics": [t.value for t in topics] if topics else None}
        page = page_request(first, after, last, before)
        return await child(info, PROVISIONS_OF_DECLARATION, self.db_id, BY_POSITION, page, params)

    @strawberry.field(
        description="Who takes part and how, each claim with its sources. An actor with two "
        "claims (signatory per one source, not a formal party per another) appears twice."
    )
    async def parties(
        self,
        info: Info,
        roles: list[PartyRole] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Party]:
        params = {"roles": [r.value for r in roles] if roles else None}
        page = page_request(first, after, last, before)
        return await child(info, PARTIES_OF_DECLARATION, self.db_id, BY_ACTOR_NAME, page, params)

    @strawberry.field(description="Warnings that answer this document or any of its clauses.")
    async def warnings(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LazyWarning]:

        page = page_request(first, after, last, before)
        return await warnings.answering(info, self.db_id, page)


@strawberry.type(description="A clause of a document.")
class Provision(Subject):
    declaration_db_id: strawberry.Private[int]
    slug: str = strawberry.field(
        description="Stable key, e.g. paris-declaration/multinational-force."
    )
    position: int = strawberry.field(description="Its place in the document (1 = first).")
    topic: ProvisionTopic = strawberry.field(description="What the clause is about.")
    title: str = strawberry.field(description="Its heading or gist.")
    body: str | None = strawberry.field(description="Its text, where known.")

    @staticmethod
    def from_row(row: Row) -> Provision:
        """The GraphQL object of a provision row."""
        return Provision(
            **record_fields(RecordKind.PROVISION, row),
            declaration_db_id=row["declaration_id"],
            slug=row["slug"],
            position=row["position"],
            topic=ProvisionTopic(row["topic"]),
            title=row["title"],
            body=row["body"],
        )

    @strawberry.field(description="The document it belongs to.")
    async def declaration(self, info: Info) -> Declaration:
        found: Declaration = await load_node(info, RecordKind.DECLARATION, self.declaration_db_id)
        return found

    @strawberry.field(description="Warnings that answer this clause.")
    async def warnings(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LazyWarning]:

        page = page_request(first, after, last, before)
        return await warnings.answering(info, self.db_id, page)


@strawberry.type(description="A claim that an actor takes part in a document, in a role.")
class Party(Record):
    declaration_db_id: strawberry.Private[int]
    actor_db_id: strawberry.Private[int]
    role: PartyRole = strawberry.field(description="How the actor takes part.")
    note: str | None = strawberry.field(description="An editor's note on the claim.")
    disputed: bool = strawberry.field(
        description="Another claim gives this actor a different role in the same document."
    )

    @staticmethod
    def from_row(row: Row) -> Party:
        """The GraphQL object of a party row."""
        return Party(
            **record_fields(RecordKind.PARTY, row),
            declaration_db_id=row["declaration_id"],
            actor_db_id=row["actor_id"],
            role=PartyRole(row["role"]),
            note=row["note"],
            disputed=row["disputed"],
        )

    @strawberry.field(description="The document.")
    async def declaration(self, info: Info) -> Declaration:
        found: Declaration = await load_node(info, RecordKind.DECLARATION, self.declaration_db_id)
        return found

    @strawberry.field(description="The actor.")
    async def actor(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.actor_db_id)


DECLARATIONS = ListQuery("declarations", "list_declarations", Declaration.from_row)
PROVISIONS = ListQuery("declarations", "list_provisions", Provision.from_row)
PROVISIONS_OF_DECLARATION = ListQuery(
    "declarations", "list_provisions", Provision.from_row, "declaration_id"
)
PARTIES_OF_DECLARATION = ListQuery("declarations", "list_parties", Party.from_row, "declaration_id")
PARTIES_OF_ACTOR = ListQuery("declarations", "list_parties", Party.from_row, "actor_id")
BY_POSITION = Order((SortKey("position", "integer"), SortKey("id", "bigint")))
BY_ACTOR_NAME = Order((SortKey("actor_name", "text"), SortKey("id", "bigint")))
register(
    RecordKind.DECLARATION, by_id_batch("declarations", "declarations_by_id"), Declaration.from_row
)
register(RecordKind.PROVISION, by_id_batch("declarations", "provisions_by_id"), Provision.from_row)
register(RecordKind.PARTY, by_id_batch("declarations", "parties_by_id"), Party.from_row)


async def parties_of_actor(info: Info, actor_id: int, page: PageRequest) -> Connection[Party]:
    """The party claims of one actor (Actor.parties)."""
    return await child(info, PARTIES_OF_ACTOR, actor_id, BY_CREATION, page)


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
    params = {
        "kinds": [k.value for k in f.kinds] if f.kinds else None,
        "statuses": [s.value for s in f.statuses] if f.statuses else None,
        "party_actor_ids": ids_of(f.party_ids, (RecordKind.ACTOR,), "partyIds"),
        "adopted_from": f.adopted_from,
        "adopted_to": f.adopted_to,
        "text": f.text,
    }
    return ListRead(DECLARATIONS, DECLARATION_ORDERS[order_by], params)


BY_DOCUMENT_AND_POSITION = Order(
    (SortKey("declaration_id", "bigint"), SortKey("position", "integer"), SortKey("id", "bigint"))
)


def provisions_read(filter: ProvisionFilter | None) -> ListRead:
    """Query.provisions."""
    f = filter or ProvisionFilter()
    params = {
        "topics": [t.value for t in f.topics] if f.topics else None,
        "declaration_ids": ids_of(f.declaration_ids, (RecordKind.DECLARATION,), "declarationIds"),
        "text": f.text,
    }
    return ListRead(PROVISIONS, BY_DOCUMENT_AND_POSITION, params)
