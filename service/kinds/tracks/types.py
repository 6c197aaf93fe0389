"""GraphQL types, filters, orders and query fields of tracks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.graphql.common import FuzzyDate
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.counts import Grouping, count_groups, count_total
from service.graphql.lazy import LazyActor, LazyEvent, LazyStatement
from service.graphql.list_field import child_list, root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, load_node, register
from service.graphql.record import Record, record_fields
from service.kinds.declarations.types import Subject
from service.record.dates import from_columns
from service.record.paging import Order, SortKey, dated_order
from service.vocab import RecordKind, TrackStatus

Row = dict[str, Any]


@strawberry.type(description="A line of negotiation (e.g. the US-Ukraine security guarantees).")
class Track(Subject):
    slug: str = strawberry.field(description="Stable human-readable key.")
    name: str = strawberry.field(description="Its name.")
    summary: str | None = strawberry.field(description="What is being negotiated.")
    status: TrackStatus | None = strawberry.field(
        description="The status of the latest update (null before any update)."
    )

    @staticmethod
    def from_row(row: Row) -> Track:
        """The GraphQL object of a track row."""
        return Track(
            **record_fields(RecordKind.TRACK, row),
            slug=row["slug"],
            name=row["name"],
            summary=row["summary"],
            status=None if row["status"] is None else TrackStatus(row["status"]),
        )

    @child_list("TrackUpdate", description="How the track moved: its status updates, oldest first.")
    def updates(
        statuses: Annotated[
            list[TrackStatus] | None,
            strawberry.argument(description="Only updates reporting any of these statuses."),
        ] = None,
    ) -> ListRead:
        params = {"statuses": [s.value for s in statuses] if statuses else None}
        return ListRead(UPDATES_OF_TRACK, OLDEST_FIRST, params)


@strawberry.type(description="A reported status of a track, resting on a statement.")
class TrackUpdate(Record):
    track_db_id: strawberry.Private[int]
    event_db_id: strawberry.Private[int | None]
    reported_by_db_id: strawberry.Private[int | None]
    statement_db_id: strawberry.Private[int | None]
    status: TrackStatus = strawberry.field(description="The status reported.")
    reported: FuzzyDate = strawberry.field(description="When it was reported.")
    summary: str | None = strawberry.field(description="What was reported, in brief.")

    @staticmethod
    def from_row(row: Row) -> TrackUpdate:
        """The GraphQL object of a track update row."""
        reported = from_columns(
            row["reported_at"], row["reported_precision"], row["reported_until"]
        )
        return TrackUpdate(
            **record_fields(RecordKind.TRACK_UPDATE, row),
            track_db_id=row["track_id"],
            event_db_id=row["event_id"],
            reported_by_db_id=row["reported_by_id"],
            statement_db_id=row["statement_id"],
            status=TrackStatus(row["status"]),
            reported=FuzzyDate.of(reported),  # type: ignore[arg-type]
            summary=row["summary"],
        )

    @strawberry.field(description="The track.")
    async def track(self, info: Info) -> Track:
        found: Track = await load_node(info, RecordKind.TRACK, self.track_db_id)
        return found

    @strawberry.field(description="The event it was reported at, or whose outcome it is.")
    async def event(self, info: Info) -> LazyEvent | None:
        return await load_node(info, RecordKind.EVENT, self.event_db_id)

    @strawberry.field(description="Who reported it.")
    async def reported_by(self, info: Info) -> LazyActor | None:
        return await load_node(info, RecordKind.ACTOR, self.reported_by_db_id)

    @strawberry.field(description="The statement the update rests on.")
    async def statement(self, info: Info) -> LazyStatement | None:
        return await load_node(info, RecordKind.STATEMENT, self.statement_db_id)


TRACKS = ListQuery("tracks", "list_tracks", Track.from_row)
UPDATES = ListQuery("tracks", "list_track_updates", TrackUpdate.from_row)
UPDATES_AT_EVENT = ListQuery("tracks", "list_track_updates", TrackUpdate.from_row, "event_id")
UPDATES_OF_TRACK = ListQuery("tracks", "list_track_updates", TrackUpdate.from_row, "track_id")
OLDEST_FIRST = dated_order("reported_latest", "reported_at")
BY_NAME = Order((SortKey("name", "text"), SortKey("id", "bigint")))
register(RecordKind.TRACK, by_id_batch("tracks", "tracks_by_id"), Track.from_row)
register(
    RecordKind.TRACK_UPDATE, by_id_batch("tracks", "track_updates_by_id"), TrackUpdate.from_row
)


@strawberry.input(description="Which tracks to list.")
class TrackFilter:
    statuses: list[TrackStatus] | None = strawberry.field(
        default=None, description="Whose latest status is any of these."
    )
    text: str | None = strawberry.field(default=None, description="Words of name or summary.")


def tracks_read(filter: TrackFilter | None = None) -> ListRead:
    """Query.tracks."""
    f = filter or TrackFilter()
    params = {"statuses": [s.value for s in f.statuses] if f.statuses else None, "text": f.text}
    return ListRead(TRACKS, BY_NAME, params)


def track_updates_read(
    statuses: Annotated[
        list[TrackStatus] | None,
        strawberry.argument(description="Only updates reporting any of these statuses."),
    ] = None,
    reported_from: Annotated[
        datetime | None,
        strawberry.argument(description="Reported at or after (its date's latest instant)."),
    ] = None,
    reported_to: Annotated[
        datetime | None,
        strawberry.argument(description="Reported before (its date's earliest instant)."),
    ] = None,
) -> ListRead:
    """Query.trackUpdates."""
    params = {
        "statuses": [s.value for s in statuses] if statuses else None,
        "reported_from": reported_from,
        "reported_to": reported_to,
    }
    return ListRead(UPDATES, OLDEST_FIRST, params)


PER_STATUS = Grouping(("t.status",))


@strawberry.type(description="How many track updates reported a status.")
class TrackStatusCount:
    status: TrackStatus = strawberry.field(description="The status reported.")
    count: int = strawberry.field(description="How many updates reported it.")


@strawberry.type(
    description="Counts of the track updates a filter selects (the same arguments as "
    "`trackUpdates`); each grouping is one query."
)
class TrackUpdateCounts:
    read: strawberry.Private[ListRead]

    @strawberry.field(description="How many updates the arguments select.")
    async def total(self, info: Info) -> int:
        return await count_total(info, self.read)

    @strawberry.field(
        description="Updates per status they reported, most first (every update, not only "
        "each track's latest: a track's current status is `Track.status`). The counts add "
        "up to `total`."
    )
    async def by_status(self, info: Info) -> list[TrackStatusCount]:
        rows = await count_groups(info, self.read, PER_STATUS)
        return [TrackStatusCount(status=TrackStatus(r["key0"]), count=r["count"]) for r in rows]


@strawberry.type
class TrackQuery:
    @strawberry.field(description="A negotiation track by its slug.")
    async def track(self, info: Info, slug: SlugArgument) -> Track | None:
        return await by_slug(info, "tracks", "track_by_slug", RecordKind.TRACK, slug)

    tracks = root_list(Track, description="Negotiation tracks, by name.")(tracks_read)
    track_updates = root_list(
        TrackUpdate, description="Status updates across tracks, oldest first."
    )(track_updates_read)

    @strawberry.field(description="Counts of track updates per status.")
    def track_update_counts(
        self,
        statuses: Annotated[
            list[TrackStatus] | None,
            strawberry.argument(description="Only updates reporting any of these statuses."),
        ] = None,
        reported_from: Annotated[
            datetime | None,
            strawberry.argument(description="Reported at or after (its date's latest instant)."),
        ] = None,
        reported_to: Annotated[
            datetime | None,
            strawberry.argument(description="Reported before (its date's earliest instant)."),
        ] = None,
    ) -> TrackUpdateCounts:
        return TrackUpdateCounts(read=track_updates_read(statuses, reported_from, reported_to))
