"""GraphQL inputs and mutation fields of events and their participations."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.events.commands import (
    AddParticipation,
    CreateEvent,
    UpdateEvent,
    UpdateParticipation,
)
from service.kinds.events.description import EVENT, PARTICIPATION
from service.kinds.events.types import Event, Participation
from service.vocab import EventKind, ParticipationRole


@strawberry.input(description="A new event.")
class CreateEventInput:
    slug: str = strawberry.field(description="Stable key: lower-case words joined by hyphens.")
    kind: EventKind = strawberry.field(description="What kind of event it is.")
    title: str = strawberry.field(description="Its name, or what it was.")
    starts: str = strawberry.field(
        description="When it began, at its precision (2026-01-06, or a timestamp)."
    )
    ends: str | None = strawberry.field(
        default=UNSET, description="When it ended, if not the day it began."
    )
    place: str | None = strawberry.field(default=UNSET, description="Where it took place.")
    summary: str | None = strawberry.field(default=UNSET, description="What happened, in brief.")
    concerns_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="The documents, clauses and tracks it concerns."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to an event; omitted fields stay as they are.")
class UpdateEventInput:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    kind: EventKind | None = UNSET
    title: str | None = UNSET
    starts: str | None = UNSET
    ends: str | None = UNSET
    place: str | None = UNSET
    summary: str | None = UNSET
    concerns_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the whole set of what it concerns."
    )
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="A claim that an actor took part in an event.")
class AddParticipationInput:
    event_id: strawberry.ID = strawberry.field(description="The event.")
    actor_id: strawberry.ID = strawberry.field(description="The actor.")
    role: ParticipationRole = strawberry.field(description="How it took part.")
    note: str | None = strawberry.field(default=UNSET, description="An editor's note.")


@strawberry.input(description="Changes to a participation claim; omitted fields stay as they are.")
class UpdateParticipationInput:
    id: strawberry.ID = strawberry.field(description="The participation claim's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    role: ParticipationRole | None = UNSET
    note: str | None = UNSET


@strawberry.type
class EventMutation:
    @strawberry.mutation(description="Record a new event.")
    async def create_event(self, info: Info, input: CreateEventInput) -> Payload[Event]:
        return await create(info, EVENT, input, CreateEvent)

    @strawberry.mutation(description="Change an event (optimistic locking).")
    async def update_event(self, info: Info, input: UpdateEventInput) -> Payload[Event]:
        return await update(info, EVENT, input, UpdateEvent)

    @strawberry.mutation(
        description="Delete an event with no participations, and no statement, track update "
        "or document recorded at it."
    )
    async def delete_event(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, EVENT, input)

    @strawberry.mutation(description="Claim that an actor took part in an event.")
    async def add_participation(
        self, info: Info, input: AddParticipationInput
    ) -> Payload[Participation]:
        return await create(info, PARTICIPATION, input, AddParticipation)

    @strawberry.mutation(description="Change a participation claim.")
    async def update_participation(
        self, info: Info, input: UpdateParticipationInput
    ) -> Payload[Participation]:
        return await update(info, PARTICIPATION, input, UpdateParticipation)

    @strawberry.mutation(description="Remove a participation claim.")
    async def remove_participation(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, PARTICIPATION, input)
