"""Mutations on statements."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import strawberry
from strawberry import UNSET
from strawberry.types.unset import UnsetType

from service.errors import Invalid
from service.graphql.common import UserError
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
    channels: list[Channel] | None = strawberry.field(
        default=UNSET, description="Where it was said (several where sources report several)."
    )
    channel: Channel | None = strawberry.field(
        default=UNSET,
        description="Where it was said: one channel.",
        deprecation_reason="Use `channels`.",
    )
    quote: str | None = strawberry.field(
        default=UNSET,
        description="The speaker's own words (in `language`), where a source gives them; "
        "otherwise leave it out and give `summary`.",
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The event it was made at."
    )
    on_behalf_of_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="On whose behalf."
    )
    place: str | None = strawberry.field(default=UNSET, description="The place.")
    language: str | None = strawberry.field(default=UNSET, description="BCP 47; en by default.")
    translated_from: str | None = strawberry.field(
        default=UNSET,
        description="The quote is a translation, from this language (BCP 47) of the original.",
    )
    event_code: str | None = strawberry.field(default=UNSET, description="CAMEO event code.")
    summary: str | None = strawberry.field(
        default=UNSET, description="What it says, in brief, in the editors' words."
    )
    about_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="What it is about: actors, documents, clauses, tracks."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a statement; omitted fields stay as they are.")
class UpdateStatementInput:
    id: strawberry.ID = strawberry.field(description="The statement's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    speaker_id: strawberry.ID | None = UNSET
    said: str | None = UNSET
    channels: list[Channel] | None = UNSET
    channel: Channel | None = strawberry.field(default=UNSET, deprecation_reason="Use `channels`.")
    event_id: strawberry.ID | None = UNSET
    quote: str | None = UNSET
    on_behalf_of_id: strawberry.ID | None = UNSET
    place: str | None = UNSET
    language: str | None = UNSET
    translated_from: str | None = UNSET
    event_code: str | None = UNSET
    summary: str | None = UNSET
    about_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the whole set of subjects."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.type
class StatementMutation:
    @strawberry.mutation(description="Record a new statement.")
    async def create_statement(self, info: Info, input: CreateStatementInput) -> Payload[Statement]:
        folded = _fold_channel(input)
        if isinstance(folded, Payload):
            return folded
        return await create(info, STATEMENT, folded, CreateStatement)

    @strawberry.mutation(description="Change a statement (optimistic locking).")
    async def update_statement(self, info: Info, input: UpdateStatementInput) -> Payload[Statement]:
        folded = _fold_channel(input)
        if isinstance(folded, Payload):
            return folded
        return await update(info, STATEMENT, folded, UpdateStatement)

    @strawberry.mutation(description="Delete a statement no warning, update or stance rests on.")
    async def delete_statement(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, STATEMENT, input)


def _fold_channel(input: Input) -> Input | Payload[Any]:
    """The input with the deprecated `channel` as a one-item `channels`; a payload refusing
    both at once."""
    if isinstance(input.channel, UnsetType):
        return input
    if not isinstance(input.channels, UnsetType):
        error = Invalid("give `channels`, or the deprecated `channel`, not both", field="channel")
        return Payload(record=None, errors=UserError.all_of(error))
    channels = None if input.channel is None else [input.channel]
    return dataclasses.replace(input, channels=channels, channel=UNSET)


Input = TypeVar("Input", CreateStatementInput, UpdateStatementInput)
