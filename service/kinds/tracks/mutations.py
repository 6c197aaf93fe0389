"""GraphQL inputs and mutation fields of tracks."""

from __future__ import annotations

import strawberry
from strawberry import UNSET

from service.graphql.context import Info
from service.graphql.payloads import DeleteInput, DeletePayload, Payload, create, delete, update
from service.kinds.tracks.commands import (
    AddTrackUpdate,
    CreateTrack,
    UpdateTrack,
    UpdateTrackUpdate,
)
from service.kinds.tracks.description import TRACK, TRACK_UPDATE
from service.kinds.tracks.types import Track, TrackUpdate
from service.vocab import TrackStatus


@strawberry.input(description="A new negotiation track.")
class CreateTrackInput:
    slug: str = strawberry.field(description="Stable key.")
    name: str = strawberry.field(description="Its name.")
    summary: str | None = strawberry.field(default=UNSET, description="What is negotiated.")
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a track; omitted fields stay as they are.")
class UpdateTrackInput:
    id: strawberry.ID = strawberry.field(description="The track's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    slug: str | None = UNSET
    name: str | None = UNSET
    summary: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="A reported status of a track.")
class AddTrackUpdateInput:
    track_id: strawberry.ID = strawberry.field(description="The track.")
    status: TrackStatus = strawberry.field(description="The status reported.")
    reported: str = strawberry.field(
        description="When, at its precision, or a range (2026-01-07/2026-01-08)."
    )
    event_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The event it was reported at, or whose outcome it is."
    )
    reported_by_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Who.")
    statement_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The statement it rests on."
    )
    summary: str | None = strawberry.field(default=UNSET, description="What was reported.")
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.input(description="Changes to a status update; omitted fields stay as they are.")
class UpdateTrackUpdateInput:
    id: strawberry.ID = strawberry.field(description="The update's id.")
    expected_version: int = strawberry.field(description="The version you read; stale: CONFLICT.")
    status: TrackStatus | None = UNSET
    reported: str | None = UNSET
    event_id: strawberry.ID | None = UNSET
    reported_by_id: strawberry.ID | None = UNSET
    statement_id: strawberry.ID | None = UNSET
    summary: str | None = UNSET
    note: str | None = strawberry.field(
        default=UNSET, description="An editor's note: what the record does not say by itself."
    )


@strawberry.type
class TrackMutation:
    @strawberry.mutation(description="Record a new negotiation track.")
    async def create_track(self, info: Info, input: CreateTrackInput) -> Payload[Track]:
        return await create(info, TRACK, input, CreateTrack)

    @strawberry.mutation(description="Change a track (optimistic locking).")
    async def update_track(self, info: Info, input: UpdateTrackInput) -> Payload[Track]:
        return await update(info, TRACK, input, UpdateTrack)

    @strawberry.mutation(description="Delete a track with no updates or references.")
    async def delete_track(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, TRACK, input)

    @strawberry.mutation(description="Record a reported status of a track.")
    async def add_track_update(
        self, info: Info, input: AddTrackUpdateInput
    ) -> Payload[TrackUpdate]:
        return await create(info, TRACK_UPDATE, input, AddTrackUpdate)

    @strawberry.mutation(description="Change a status update.")
    async def update_track_update(
        self, info: Info, input: UpdateTrackUpdateInput
    ) -> Payload[TrackUpdate]:
        return await update(info, TRACK_UPDATE, input, UpdateTrackUpdate)

    @strawberry.mutation(description="Remove a status update.")
    async def remove_track_update(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await delete(info, TRACK_UPDATE, input)
