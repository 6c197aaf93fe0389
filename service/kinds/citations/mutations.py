"""GraphQL inputs and mutation fields of citations."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.citations.commands import AddCitation, UpdateCitation
from service.kinds.citations.description import CITATION
from service.kinds.citations.types import Citation
from service.vocab import CitationBasis


@strawberry.input(
    description="What backs a claim about a record: a source's own words (VERBATIM), the "
    "editors' summary of what it reports (PARAPHRASE), or, with no source, the editors' "
    "inference (INFERRED, with a note saying why)."
)
class AddCitationInput:
    subject_id: strawberry.ID = strawberry.field(description="The record the claim is about.")
    basis: CitationBasis | None = strawberry.field(
        default=UNSET, description="What the claim rests on; VERBATIM by default."
    )
    source_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The source (none for an INFERRED claim)."
    )
    quote: str | None = strawberry.field(
        default=UNSET,
        description="VERBATIM: the source's exact words; PARAPHRASE: the editors' summary of "
        "what it reports; none for an INFERRED claim.",
    )
    quote_language: str | None = strawberry.field(
        default=UNSET, description="BCP 47; en by default."
    )
    translated_from: str | None = strawberry.field(
        default=UNSET,
        description="The quote is a translation, from this language (BCP 47) of the original.",
    )
    field: str | None = strawberry.field(
        default=UNSET,
        description="The attribute or link it speaks to (said_at, speaker, key_phrase, "
        "channels...; about, targets, answers for a link, with targetId).",
    )
    target_id: strawberry.ID | None = strawberry.field(
        default=UNSET,
        description="For a link (`field` about, targets or answers): the linked record.",
    )
    claimed_value: str | None = strawberry.field(
        default=UNSET, description="What the source says that attribute is."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note; for an INFERRED claim, why it is inferred."
    )


@strawberry.input(description="Changes to a citation; omitted fields stay as they are.")
class UpdateCitationInput:
    id: strawberry.ID = strawberry.field(description="The citation's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    basis: CitationBasis | None = UNSET
    source_id: strawberry.ID | None = UNSET
    quote: str | None = UNSET
    quote_language: str | None = UNSET
    translated_from: str | None = UNSET
    field: str | None = UNSET
    target_id: strawberry.ID | None = UNSET
    claimed_value: str | None = UNSET
    note: str | None = UNSET


@strawberry.type
class CitationMutation:
    @strawberry.mutation(
        description="Say what backs a claim about any record: a source's words, their "
        "summary, or the editors' inference."
    )
    async def add_citation(self, info: Info, input: AddCitationInput) -> Payload[Citation]:
        return await create(info, CITATION, input, AddCitation)

    @strawberry.mutation(description="Change a citation.")
    async def update_citation(self, info: Info, input: UpdateCitationInput) -> Payload[Citation]:
        return await update(info, CITATION, input, UpdateCitation)

    @strawberry.mutation(description="Remove a citation.")
    async def remove_citation(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, CITATION, input)
