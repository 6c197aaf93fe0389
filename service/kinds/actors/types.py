"""Actors and memberships: types, query fields, mutations."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from service.graphql.common import FuzzyDate, describe_values
from service.graphql.connection import ListQuery, ListRead
from service.graphql.context import Info
from service.graphql.lazy import (
    LazyParty,
    LazyStance,
    LazyStatement,
    LazyStatementOrder,
    LazyWarning,
)
from service.graphql.list_field import child_list, root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, load_node, register
from service.graphql.record import BY_CREATION, Record, record_fields
from service.kinds.declarations import types as declarations
from service.kinds.events import types as events
from service.kinds.stances import types as stances
from service.kinds.stances.types import AsOf
from service.kinds.statements import types as statements
from service.kinds.warnings import types as warnings
from service.record.dates import from_columns
from service.record.paging import Order, SortKey, dated_order
from service.vocab import ActorKind, RecordKind

Row = dict[str, Any]


@strawberry.type(description="A state, government body, person, coalition, organisation or force.")
class Actor(Record):
    slug: str = strawberry.field(description="Stable human-readable key.")
    kind: ActorKind = strawberry.field(description="What the actor is.")
    name: str = strawberry.field(description="Common English name.")
    aliases: list[str] = strawberry.field(description="Other names, in any language.")
    country_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")
    wikidata_id: str | None = strawberry.field(description="Wikidata item id (Q...).")
    summary: str | None = strawberry.field(description="Who or what the actor is.")

    @staticmethod
    def from_row(row: Row) -> Actor:
        """The GraphQL object of an actor row."""
        return Actor(
            **record_fields(RecordKind.ACTOR, row),
            slug=row["slug"],
            kind=ActorKind(row["kind"]),
            name=row["name"],
            aliases=row["aliases"],
            country_code=row["country_code"],
            wikidata_id=row["wikidata_id"],
            summary=row["summary"],
        )

    @child_list("Membership", description="Roles this actor holds in organisations.")
    def memberships() -> ListRead:
        return ListRead(MEMBERSHIPS_OF_MEMBER, BY_START)

    @child_list("Membership", description="Who holds roles in this organisation.")
    def members() -> ListRead:
        return ListRead(MEMBERSHIPS_OF_ORGANIZATION, BY_START)

    @child_list(
        LazyStatement, description="What this actor said (as speaker), newest first by default."
    )
    def statements(order_by: LazyStatementOrder | None = None) -> ListRead:
        return statements.of_speaker(order_by)

    @child_list(
        LazyWarning,
        description="Warnings this actor issued, as speaker or on whose behalf they were made.",
    )
    def warnings_issued() -> ListRead:
        return ListRead(warnings.BY_ISSUER, warnings.NEWEST_FIRST)

    @child_list(LazyWarning, description="Warnings aimed at this actor.")
    def warnings_received() -> ListRead:
        return ListRead(warnings.BY_TARGET, warnings.NEWEST_FIRST)

    @child_list(
        LazyStance, description="This actor's stances toward documents, clauses and tracks."
    )
    def stances(as_of: AsOf = None) -> ListRead:
        return stances.held_read(stances.OF_ACTOR, as_of)

    @child_list(
        LazyParty, description="The documents this actor is claimed to take part in, and how."
    )
    def parties() -> ListRead:
        return ListRead(declarations.PARTIES_OF_ACTOR, BY_CREATION)

    @child_list(
        events.Participation,
        description="The events this actor is claimed to have taken part in, and how, oldest "
        "first.",
    )
    def participations() -> ListRead:
        return ListRead(events.PARTICIPATIONS_OF_ACTOR, events.BY_EVENT_START)


@strawberry.type(description="A role held in an organisation, possibly on behalf of another.")
class Membership(Record):
    member_db_id: strawberry.Private[int]
    organization_db_id: strawberry.Private[int]
    on_behalf_of_db_id: strawberry.Private[int | None]
    role: str = strawberry.field(description="The role (spokeswoman, prime minister...).")
    start: FuzzyDate | None = strawberry.field(description="Since when, if known.")
    end: FuzzyDate | None = strawberry.field(description="Until when, if it ended.")

    @staticmethod
    def from_row(row: Row) -> Membership:
        """The GraphQL object of a membership row."""
        return Membership(
            **record_fields(RecordKind.MEMBERSHIP, row),
            member_db_id=row["member_id"],
            organization_db_id=row["organization_id"],
            on_behalf_of_db_id=row["on_behalf_of_id"],
            role=row["role"],
            start=FuzzyDate.of(
                from_columns(row["start_at"], row["start_precision"], row["start_until"])
            ),
            end=FuzzyDate.of(from_columns(row["end_at"], row["end_precision"], row["end_until"])),
        )

    @strawberry.field(description="Who holds the role.")
    async def member(self, info: Info) -> Actor:
        actor: Actor = await load_node(info, RecordKind.ACTOR, self.member_db_id)
        return actor

    @strawberry.field(description="The organisation the role is in.")
    async def organization(self, info: Info) -> Actor:
        actor: Actor = await load_node(info, RecordKind.ACTOR, self.organization_db_id)
        return actor

    @strawberry.field(description="On whose behalf the member acts (a state, for a ministry).")
    async def on_behalf_of(self, info: Info) -> Actor | None:
        return await load_node(info, RecordKind.ACTOR, self.on_behalf_of_db_id)


ACTORS = ListQuery("actors", "list_actors", Actor.from_row)
MEMBERSHIPS_OF_MEMBER = ListQuery("actors", "list_memberships", Membership.from_row, "member_id")
MEMBERSHIPS_OF_ORGANIZATION = ListQuery(
    "actors", "list_memberships", Membership.from_row, "organization_id"
)
BY_START = dated_order("sort_start_latest", "sort_start_at")
register(RecordKind.ACTOR, by_id_batch("actors", "actors_by_id"), Actor.from_row)
register(RecordKind.MEMBERSHIP, by_id_batch("actors", "memberships_by_id"), Membership.from_row)


@strawberry.enum(description="Orderings of actors.")
class ActorOrder(Enum):
    NAME_ASC = "name_asc"
    NAME_DESC = "name_desc"
    CREATED_ASC = "created_asc"


describe_values(
    ActorOrder,
    {
        "NAME_ASC": "By name, A to Z.",
        "NAME_DESC": "By name, Z to A.",
        "CREATED_ASC": "In the order they were recorded.",
    },
)


ACTOR_ORDERS = {
    ActorOrder.NAME_ASC: Order((SortKey("name", "text"), SortKey("id", "bigint"))),
    ActorOrder.NAME_DESC: Order((SortKey("name", "text", True), SortKey("id", "bigint", True))),
    ActorOrder.CREATED_ASC: BY_CREATION,
}


@strawberry.input(description="Which actors to list (all given conditions must hold).")
class ActorFilter:
    kinds: list[ActorKind] | None = strawberry.field(
        default=None, description="Any of these kinds."
    )
    country_codes: list[str] | None = strawberry.field(
        default=None, description="Any of these ISO 3166 codes."
    )
    text: str | None = strawberry.field(
        default=None, description="Words of the name or summary, a name fragment, or an alias."
    )


def actors_read(
    filter: ActorFilter | None = None, order_by: ActorOrder = ActorOrder.NAME_ASC
) -> ListRead:
    """Query.actors."""
    f = filter or ActorFilter()
    params = {
        "kinds": [k.value for k in f.kinds] if f.kinds else None,
        "country_codes": f.country_codes,
        "text": f.text,
    }
    return ListRead(ACTORS, ACTOR_ORDERS[order_by], params)


@strawberry.type
class ActorQuery:
    @strawberry.field(description="An actor by its slug.")
    async def actor(self, info: Info, slug: SlugArgument) -> Actor | None:
        return await by_slug(info, "actors", "actor_by_slug", RecordKind.ACTOR, slug)

    actors = root_list(Actor, description="Actors, by name by default.")(actors_read)
