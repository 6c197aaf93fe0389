"""Mutations on declarations, their provisions and their parties."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.declarations.commands import (
    AddParty,
    AddProvision,
    CreateDeclaration,
    UpdateDeclaration,
    UpdateParty,
    UpdateProvision,
)
from service.kinds.declarations.description import DECLARATION, PARTY, PROVISION
from service.kinds.declarations.types import Declaration, Party, Provision
from service.vocab import (
    BindingNature,
    DeclarationKind,
    DeclarationStatus,
    PartyRole,
    ProvisionTopic,
)


@strawberry.input(description="A new document.")
class CreateDeclarationInput:
    slug: str = strawberry.field(description="Stable key: lower-case words joined by hyphens.")
    title: str = strawberry.field(description="Full title.")
    kind: DeclarationKind = strawberry.field(description="What the document is.")
    status: DeclarationStatus = strawberry.field(description="Where it stands.")
    short_name: str | None = strawberry.field(default=UNSET, description="Common short name.")
    adopted: str | None = strawberry.field(
        default=UNSET, description="Adoption date at its precision, or a range (FuzzyDate)."
    )
    adopted_place: str | None = strawberry.field(default=UNSET, description="Where it was adopted.")
    event_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The event it was adopted at."
    )
    binding: BindingNature | None = strawberry.field(default=UNSET, description="How it binds.")
    summary: str | None = strawberry.field(default=UNSET, description="What it says, in brief.")
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a document; omitted fields stay as they are.")
class UpdateDeclarationInput:
    id: strawberry.ID = strawberry.field(description="The document's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    title: str | None = UNSET
    kind: DeclarationKind | None = UNSET
    status: DeclarationStatus | None = UNSET
    short_name: str | None = UNSET
    adopted: str | None = UNSET
    adopted_place: str | None = UNSET
    event_id: strawberry.ID | None = UNSET
    binding: BindingNature | None = UNSET
    summary: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="A clause of a document.")
class AddProvisionInput:
    declaration_id: strawberry.ID = strawberry.field(description="The document.")
    slug: str = strawberry.field(description="Stable key, e.g. paris-declaration/ceasefire.")
    position: int = strawberry.field(description="Its place in the document (1 = first).")
    topic: ProvisionTopic = strawberry.field(description="What it is about.")
    title: str = strawberry.field(description="Its heading or gist.")
    body: str | None = strawberry.field(default=UNSET, description="Its text.")
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a clause; omitted fields stay as they are.")
class UpdateProvisionInput:
    id: strawberry.ID = strawberry.field(description="The clause's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    position: int | None = UNSET
    topic: ProvisionTopic | None = UNSET
    title: str | None = UNSET
    body: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="A claim that an actor takes part in a document.")
class AddPartyInput:
    declaration_id: strawberry.ID = strawberry.field(description="The document.")
    actor_id: strawberry.ID = strawberry.field(description="The actor.")
    role: PartyRole = strawberry.field(description="How it takes part.")
    note: str | None = strawberry.field(default=UNSET, description="An editor's note.")


@strawberry.input(description="Changes to a party claim; omitted fields stay as they are.")
class UpdatePartyInput:
    id: strawberry.ID = strawberry.field(description="The party claim's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    role: PartyRole | None = UNSET
    note: str | None = UNSET


@strawberry.type
class DeclarationMutation:
    @strawberry.mutation(description="Record a new document.")
    async def create_declaration(
        self, info: Info, input: CreateDeclarationInput
    ) -> Payload[Declaration]:
        return await create(info, DECLARATION, input, CreateDeclaration)

    @strawberry.mutation(description="Change a document (optimistic locking).")
    async def update_declaration(
        self, info: Info, input: UpdateDeclarationInput
    ) -> Payload[Declaration]:
        return await update(info, DECLARATION, input, UpdateDeclaration)

    @strawberry.mutation(description="Delete a document with no clauses, parties or references.")
    async def delete_declaration(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, DECLARATION, input)

    @strawberry.mutation(description="Add a clause to a document.")
    async def add_provision(self, info: Info, input: AddProvisionInput) -> Payload[Provision]:
        return await create(info, PROVISION, input, AddProvision)

    @strawberry.mutation(description="Change a clause.")
    async def update_provision(self, info: Info, input: UpdateProvisionInput) -> Payload[Provision]:
        return await update(info, PROVISION, input, UpdateProvision)

    @strawberry.mutation(description="Remove a clause nothing refers to.")
    async def remove_provision(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, PROVISION, input)

    @strawberry.mutation(description="Claim that an actor takes part in a document.")
    async def add_party(self, info: Info, input: AddPartyInput) -> Payload[Party]:
        return await create(info, PARTY, input, AddParty)

    @strawberry.mutation(description="Change a party claim.")
    async def update_party(self, info: Info, input: UpdatePartyInput) -> Payload[Party]:
        return await update(info, PARTY, input, UpdateParty)

    @strawberry.mutation(description="Remove a party claim.")
    async def remove_party(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, PARTY, input)
