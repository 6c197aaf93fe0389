"""GraphQL inputs and mutation fields of warnings."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.warnings.commands import CreateWarning, UpdateWarning
from service.kinds.warnings.description import WARNING
from service.kinds.warnings.types import WarningNode


@strawberry.input(description="A warning made in a statement.")
class CreateWarningInput:
    slug: str = strawberry.field(description="Stable key.")
    statement_id: strawberry.ID = strawberry.field(description="The statement it was made in.")
    condition: str = strawberry.field(description="What triggers the consequence.")
    consequence: str = strawberry.field(description="What is threatened.")
    repeats_earlier: bool | None = strawberry.field(
        default=UNSET, description="The speaker says it repeats earlier warnings."
    )
    repeats_warning_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The recorded warning it repeats."
    )
    target_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Who is warned."
    )
    answers_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="The documents or clauses it answers."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a warning; omitted fields stay as they are.")
class UpdateWarningInput:
    id: strawberry.ID = strawberry.field(description="The warning's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    statement_id: strawberry.ID | None = UNSET
    condition: str | None = UNSET
    consequence: str | None = UNSET
    repeats_earlier: bool | None = UNSET
    repeats_warning_id: strawberry.ID | None = UNSET
    target_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the whole set of targets."
    )
    answers_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the whole set of answered documents and clauses."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.type
class WarningMutation:
    @strawberry.mutation(description="Record a warning made in a statement.")
    async def create_warning(self, info: Info, input: CreateWarningInput) -> Payload[WarningNode]:
        return await create(info, WARNING, input, CreateWarning)

    @strawberry.mutation(description="Change a warning (optimistic locking).")
    async def update_warning(self, info: Info, input: UpdateWarningInput) -> Payload[WarningNode]:
        return await update(info, WARNING, input, UpdateWarning)

    @strawberry.mutation(description="Delete a warning no other warning repeats.")
    async def delete_warning(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, WARNING, input)
