"""GraphQL inputs and mutation fields of sources."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.sources.commands import CreateSource, UpdateSource
from service.kinds.sources.description import SOURCE
from service.kinds.sources.types import Source
from service.vocab import SourceKind


@strawberry.input(description="A new source.")
class CreateSourceInput:
    slug: str = strawberry.field(description="Stable key: lower-case words joined by hyphens.")
    url: str = strawberry.field(description="http(s) address, or a urn: when there is none.")
    publisher: str = strawberry.field(description="Who published it.")
    kind: SourceKind = strawberry.field(description="What it is.")
    title: str | None = strawberry.field(default=UNSET, description="Its title.")
    language: str | None = strawberry.field(
        default=UNSET, description="BCP 47 code; en by default."
    )
    published: str | None = strawberry.field(
        default=UNSET,
        description="Publication date at its precision (2026, 2026-01, 2026-01-08), or a range "
        "(2026-01-07/2026-01-08).",
    )
    retrieved_at: datetime | None = strawberry.field(default=UNSET, description="When it was read.")
    text: str | None = strawberry.field(
        default=UNSET,
        description="Its text, where the record may hold it: VERBATIM quotes of it are then "
        "checked against it.",
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a source; omitted fields stay as they are.")
class UpdateSourceInput:
    id: strawberry.ID = strawberry.field(description="The source's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    url: str | None = UNSET
    publisher: str | None = UNSET
    kind: SourceKind | None = UNSET
    title: str | None = UNSET
    language: str | None = UNSET
    published: str | None = UNSET
    retrieved_at: datetime | None = UNSET
    text: str | None = strawberry.field(
        default=UNSET,
        description="Its text; refused while a VERBATIM quote of the source is not in it.",
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.type
class SourceMutation:
    @strawberry.mutation(description="Record a new source.")
    async def create_source(self, info: Info, input: CreateSourceInput) -> Payload[Source]:
        return await create(info, SOURCE, input, CreateSource)

    @strawberry.mutation(description="Change a source (optimistic locking on expectedVersion).")
    async def update_source(self, info: Info, input: UpdateSourceInput) -> Payload[Source]:
        return await update(info, SOURCE, input, UpdateSource)

    @strawberry.mutation(description="Delete a source no citation uses.")
    async def delete_source(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, SOURCE, input)
