"""GraphQL inputs and mutation fields of citations."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.citations.commands import AddCitation, UpdateCitation
from service.kinds.citations.description import CITATION
from service.kinds.citations.types import Citation


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
class CitationMutation:
    @strawberry.mutation(description="Cite a source, with its exact quote, for any record.")
    async def add_citation(self, info: Info, input: AddCitationInput) -> Payload[Citation]:
        return await create(info, CITATION, input, AddCitation)

    @strawberry.mutation(description="Change a citation.")
    async def update_citation(self, info: Info, input: UpdateCitationInput) -> Payload[Citation]:
        return await update(info, CITATION, input.id, input, UpdateCitation)

    @strawberry.mutation(description="Remove a citation.")
    async def remove_citation(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, CITATION, input)
