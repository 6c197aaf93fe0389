"""GraphQL inputs and mutation fields of stances."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.stances.commands import CreateStance, UpdateStance
from service.kinds.stances.description import STANCE
from service.kinds.stances.types import Stance
from service.vocab import StancePosition


@strawberry.input(description="An actor's position toward a document, clause or track.")
class CreateStanceInput:
    actor_id: strawberry.ID = strawberry.field(description="Whose stance.")
    subject_id: strawberry.ID = strawberry.field(description="Toward which document/clause/track.")
    position: StancePosition = strawberry.field(description="The position.")
    since: str | None = strawberry.field(
        default=UNSET, description="From when, at its precision, or a range (FuzzyDate)."
    )
    statement_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The statement that evidences it."
    )
    summary: str | None = strawberry.field(default=UNSET, description="The stance in brief.")
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a stance; omitted fields stay as they are.")
class UpdateStanceInput:
    id: strawberry.ID = strawberry.field(description="The stance's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    position: StancePosition | None = UNSET
    since: str | None = UNSET
    statement_id: strawberry.ID | None = UNSET
    summary: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.type
class StanceMutation:
    @strawberry.mutation(description="Record an actor's stance.")
    async def create_stance(self, info: Info, input: CreateStanceInput) -> Payload[Stance]:
        return await create(info, STANCE, input, CreateStance)

    @strawberry.mutation(description="Change a stance (optimistic locking).")
    async def update_stance(self, info: Info, input: UpdateStanceInput) -> Payload[Stance]:
        return await update(info, STANCE, input, UpdateStance)

    @strawberry.mutation(description="Delete a stance.")
    async def delete_stance(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, STANCE, input)
