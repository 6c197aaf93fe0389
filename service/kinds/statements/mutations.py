"""Mutations on statements."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.statements.commands import CreateStatement, UpdateStatement
from service.kinds.statements.description import STATEMENT
from service.kinds.statements.types import Statement
from service.vocab import Channel


@strawberry.input(description="A new statement.")
class CreateStatementInput:
    slug: str = strawberry.field(description="Stable key: lower-case words joined by hyphens.")
    speaker_id: strawberry.ID = strawberry.field(description="Who said it.")
    said: str = strawberry.field(
        description="When, at its precision (2026-01-08, or a timestamp), or a range of two at "
        "the same precision (2026-01-07/2026-01-08: the 7th or the 8th)."
    )
    channel: Channel = strawberry.field(description="Where it was said.")
    quote: str = strawberry.field(description="The words.")
    on_behalf_of_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="On whose behalf."
    )
    place: str | None = strawberry.field(default=UNSET, description="The place.")
    language: str | None = strawberry.field(default=UNSET, description="BCP 47; en by default.")
    event_code: str | None = strawberry.field(default=UNSET, description="CAMEO event code.")
    summary: str | None = strawberry.field(default=UNSET, description="What it says, in brief.")
    about_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="What it is about: actors, documents, clauses, tracks."
    )


@strawberry.input(description="Changes to a statement; omitted fields stay as they are.")
class UpdateStatementInput:
    id: strawberry.ID = strawberry.field(description="The statement's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    speaker_id: strawberry.ID | None = UNSET
    said: str | None = UNSET
    channel: Channel | None = UNSET
    quote: str | None = UNSET
    on_behalf_of_id: strawberry.ID | None = UNSET
    place: str | None = UNSET
    language: str | None = UNSET
    event_code: str | None = UNSET
    summary: str | None = UNSET
    about_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the whole set of subjects."
    )


@strawberry.type
class StatementMutation:
    @strawberry.mutation(description="Record a new statement.")
    async def create_statement(self, info: Info, input: CreateStatementInput) -> Payload[Statement]:
        return await create(info, STATEMENT, input, CreateStatement)

    @strawberry.mutation(description="Change a statement (optimistic locking).")
    async def update_statement(self, info: Info, input: UpdateStatementInput) -> Payload[Statement]:
        return await update(info, STATEMENT, input.id, input, UpdateStatement)

    @strawberry.mutation(description="Delete a statement no warning, update or stance rests on.")
    async def delete_statement(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, STATEMENT, input)
