"""Mutations on actors and memberships."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.actors.commands import AddMembership, CreateActor, UpdateActor, UpdateMembership
from service.kinds.actors.description import ACTOR, MEMBERSHIP
from service.kinds.actors.types import Actor, Membership
from service.vocab import ActorKind


@strawberry.input(description="A new actor.")
class CreateActorInput:
    slug: str = strawberry.field(description="Stable key: lower-case words joined by hyphens.")
    kind: ActorKind = strawberry.field(description="What the actor is.")
    name: str = strawberry.field(description="Common English name.")
    aliases: list[str] | None = strawberry.field(default=UNSET, description="Other names.")
    country_code: str | None = strawberry.field(default=UNSET, description="ISO 3166-1 alpha-2.")
    wikidata_id: str | None = strawberry.field(default=UNSET, description="Wikidata id (Q...).")
    summary: str | None = strawberry.field(default=UNSET, description="Who or what it is.")
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to an actor; omitted fields stay as they are.")
class UpdateActorInput:
    id: strawberry.ID = strawberry.field(description="The actor's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    kind: ActorKind | None = UNSET
    name: str | None = UNSET
    aliases: list[str] | None = UNSET
    country_code: str | None = UNSET
    wikidata_id: str | None = UNSET
    summary: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="A role an actor holds in an organisation.")
class AddMembershipInput:
    member_id: strawberry.ID = strawberry.field(description="Who holds the role.")
    organization_id: strawberry.ID = strawberry.field(description="The organisation.")
    role: str = strawberry.field(description="The role.")
    on_behalf_of_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="On whose behalf the member acts."
    )
    start: str | None = strawberry.field(
        default=UNSET, description="Since when: a date at its precision, or a range (FuzzyDate)."
    )
    end: str | None = strawberry.field(
        default=UNSET, description="Until when: a date at its precision, or a range (FuzzyDate)."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a membership; omitted fields stay as they are.")
class UpdateMembershipInput:
    id: strawberry.ID = strawberry.field(description="The membership's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    role: str | None = UNSET
    on_behalf_of_id: strawberry.ID | None = UNSET
    start: str | None = UNSET
    end: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.type
class ActorMutation:
    @strawberry.mutation(description="Record a new actor.")
    async def create_actor(self, info: Info, input: CreateActorInput) -> Payload[Actor]:
        return await create(info, ACTOR, input, CreateActor)

    @strawberry.mutation(description="Change an actor (optimistic locking on expectedVersion).")
    async def update_actor(self, info: Info, input: UpdateActorInput) -> Payload[Actor]:
        return await update(info, ACTOR, input, UpdateActor)

    @strawberry.mutation(description="Delete an actor nothing refers to any more.")
    async def delete_actor(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, ACTOR, input)

    @strawberry.mutation(description="Record that an actor holds a role in an organisation.")
    async def add_membership(self, info: Info, input: AddMembershipInput) -> Payload[Membership]:
        return await create(info, MEMBERSHIP, input, AddMembership)

    @strawberry.mutation(description="Change a membership.")
    async def update_membership(
        self, info: Info, input: UpdateMembershipInput
    ) -> Payload[Membership]:
        return await update(info, MEMBERSHIP, input, UpdateMembership)

    @strawberry.mutation(description="Remove a membership.")
    async def remove_membership(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, MEMBERSHIP, input)
