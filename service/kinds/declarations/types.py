"""Declarations, provisions and parties: types, query fields, mutations."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from service.graphql.common import FuzzyDate, describe_values
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.filters import ids_of
from service.graphql.lazy import LazyActor, LazyEvent, LazyStance, LazyStatement, LazyWarning
from service.graphql.list_field import child_list, root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, load_node, register
from service.graphql.record import Record, record_fields
from service.kinds.stances import types as stances
from service.kinds.stances.types import AsOf
from service.kinds.statements import types as statements
from service.kinds.warnings import types as warnings
from service.record.dates import from_columns
from service.record.paging import Order, SortKey, dated_order
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
    @child_list(LazyStance, description="Actors' stances toward it.")
    def stances(as_of: AsOf = None) -> ListRead:
        return stances.held_read(stances.TOWARD, as_of)

    @child_list(LazyStatement, description="Statements about it, newest first.")
    def statements() -> ListRead:
        return statements.about()


@strawberry.type(description="A negotiated document: declaration, agreement, plan, framework.")
class Declaration(Subject):
    event_db_id: strawberry.Private[int | None]
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
            event_db_id=row["event_id"],
            slug=row["slug"],
            title=row["title"],
            short_name=row["short_name"],
            kind=DeclarationKind(row["kind"]),
            status=DeclarationStatus(row["status"]),
            adopted=FuzzyDate.of(
                from_columns(row["adopted_at"], row["adopted_precision"], row["adopted_until"])
            ),
            adopted_place=row["adopted_place"],
            binding=BindingNature(row["binding"]),
            summary=row["summary"],
        )

    @strawberry.field(description="The event it was adopted at (a summit...).")
    async def event(self, info: Info) -> LazyEvent | None:
        return await load_node(info, RecordKind.EVENT, self.event_db_id)

    @child_list("Provision", description="Its clauses, in order.")
    def provisions(
        topics: Annotated[
            list[ProvisionTopic] | None,
            strawberry.argument(description="Only clauses about any of these topics."),
        ] = None,
    ) -> ListRead:
        params = {"topics": [t.value for t in topics] if topics else None}
        return ListRead(PROVISIONS_OF_DECLARATION, BY_POSITION, params)

    @child_list(
        "Party",
        description="Who takes part and how, each claim with its sources. An actor with two "
        "claims (signatory per one source, not a formal party per another) appears twice.",
    )
    def parties(
        roles: Annotated[
            list[PartyRole] | None,
            strawberry.argument(description="Only claims of any of these roles."),
        ] = None,
    ) -> ListRead:
        params = {"roles": [r.value for r in roles] if roles else None}
        return ListRead(PARTIES_OF_DECLARATION, BY_ACTOR_NAME, params)

    @child_list(
        LazyWarning, description="Warnings that answer this document or any of its clauses."
    )
    def warnings() -> ListRead:
        return ListRead(warnings.BY_ANSWERED, warnings.NEWEST_FIRST)


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

    @child_list(LazyWarning, description="Warnings that answer this clause.")
    def warnings() -> ListRead:
        return ListRead(warnings.BY_ANSWERED, warnings.NEWEST_FIRST)


@strawberry.type(description="A claim that an actor takes part in a document, in a role.")
class Party(Record):
    declaration_db_id: strawberry.Private[int]
    actor_db_id: strawberry.Private[int]
    role: PartyRole = strawberry.field(description="How the actor takes part.")
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
DECLARATIONS_AT_EVENT = ListQuery(
    "declarations", "list_declarations", Declaration.from_row, "event_id"
)
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


@strawberry.enum(description="Orderings of declarations.")
class DeclarationOrder(Enum):
    ADOPTED_DESC = "adopted_desc"
    ADOPTED_ASC = "adopted_asc"
    TITLE_ASC = "title_asc"


describe_values(
    DeclarationOrder,
    {
        "ADOPTED_DESC": "Most recently adopted first (the one order of dated items, newest first).",
        "ADOPTED_ASC": "Earliest adopted first.",
        "TITLE_ASC": "By title, A to Z.",
    },
)


DECLARATION_ORDERS = {
    DeclarationOrder.ADOPTED_DESC: dated_order(
        "sort_adopted_latest", "sort_adopted_at", descending=True
    ),
    DeclarationOrder.ADOPTED_ASC: dated_order("sort_adopted_latest", "sort_adopted_at"),
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
        default=None, description="Adopted at or after (or may have been: a date that overlaps)."
    )
    adopted_to: datetime | None = strawberry.field(
        default=None, description="Adopted before (or may have been: a date that overlaps)."
    )
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


def declarations_read(
    filter: DeclarationFilter | None = None,
    order_by: DeclarationOrder = DeclarationOrder.ADOPTED_DESC,
) -> ListRead:
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


def provisions_read(filter: ProvisionFilter | None = None) -> ListRead:
    """Query.provisions."""
    f = filter or ProvisionFilter()
    params = {
        "topics": [t.value for t in f.topics] if f.topics else None,
        "declaration_ids": ids_of(f.declaration_ids, (RecordKind.DECLARATION,), "declarationIds"),
        "text": f.text,
    }
    return ListRead(PROVISIONS, BY_DOCUMENT_AND_POSITION, params)


@strawberry.type
class DeclarationQuery:
    @strawberry.field(description="A document by its slug.")
    async def declaration(self, info: Info, slug: SlugArgument) -> Declaration | None:
        return await by_slug(
            info, "declarations", "declaration_by_slug", RecordKind.DECLARATION, slug
        )

    declarations = root_list(
        Declaration, description="Documents, most recently adopted first by default."
    )(declarations_read)

    @strawberry.field(description="A clause by its slug.")
    async def provision(self, info: Info, slug: SlugArgument) -> Provision | None:
        return await by_slug(info, "declarations", "provision_by_slug", RecordKind.PROVISION, slug)

    provisions = root_list(
        Provision, description="Clauses across documents, by document then position."
    )(provisions_read)
