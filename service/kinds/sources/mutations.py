"""GraphQL inputs and mutation fields of sources."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.citations.commands import AddCitation, UpdateCitation
from service.kinds.citations.description import CITATION
from service.kinds.citations.types import Citation
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
        default=UNSET, description="Publication date at its precision (2026, 2026-01, 2026-01-08)."
    )
    retrieved_at: datetime | None = strawberry.field(default=UNSET, description="When it was read.")


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


@strawberry.input(description="A source backing a claim about a record.")
class AddCitationInput:
    subject_id: strawberry.ID = strawberry.field(description="The record the source speaks to.")
    source_id: strawberry.ID = strawberry.field(description="The source.")
    quote: str = strawberry.field(description="The source's exact words.")
    quote_language: str | None = strawberry.field(
        default=UNSET, description="BCP 47; en by default."
    )
    field: str | None = strawberry.field(
        default=UNSET, description="The attribute it speaks to (said_at, speaker, key_phrase...)."
    )
    claimed_value: str | None = strawberry.field(
        default=UNSET, description="What the source says that attribute is."
    )
    note: str | None = strawberry.field(default=UNSET, description="An editor's note.")


@strawberry.input(description="Changes to a citation; omitted fields stay as they are.")
class UpdateCitationInput:
    id: strawberry.ID = strawberry.field(description="The citation's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    source_id: strawberry.ID | None = UNSET
    quote: str | None = UNSET
    quote_language: str | None = UNSET
    field: str | None = UNSET
    claimed_value: str | None = UNSET
    note: str | None = UNSET


@strawberry.type
class SourceMutation:
    @strawberry.mutation(description="Record a new source.")
    async def create_source(self, info: Info, input: CreateSourceInput) -> Payload[Source]:
        return await create(info, SOURCE, input, CreateSource)

    @strawberry.mutation(description="Change a source (optimistic locking on expectedVersion).")
    async def update_source(self, info: Info, input: UpdateSourceInput) -> Payload[Source]:
        return await update(info, SOURCE, input.id, input, UpdateSource)

    @strawberry.mutation(description="Delete a source no citation uses.")
    async def delete_source(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, SOURCE, input)

    @strawberry.mutation(description="Cite a source, with its exact quote, for any record.")
    async def add_citation(self, info: Info, input: AddCitationInput) -> Payload[Citation]:
        return await create(info, CITATION, input, AddCitation)

    @strawberry.mutation(description="Change a citation.")
    async def update_citation(self, info: Info, input: UpdateCitationInput) -> Payload[Citation]:
        return await update(info, CITATION, input.id, input, UpdateCitation)

    @strawberry.mutation(description="Remove a citation.")
    async def remove_citation(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, CITATION, input)
