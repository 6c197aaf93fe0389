"""GraphQL types, filters, orders and query fields of events and their participations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from service.database.named_queries import query
from service.graphql.common import FuzzyDate, describe_values
from service.graphql.connection import ListQuery, ListRead
from service.graphql.context import Info
from service.graphql.filters import ids_of
from service.graphql.lazy import LazyActor
from service.graphql.list_field import child_list, root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, load_any, load_node, register
from service.graphql.record import Record, record_fields
from service.kinds.declarations import types as declarations
from service.kinds.events.description import CONCERNS_KINDS
from service.kinds.statements import types as statements
from service.kinds.tracks import types as tracks
from service.record.dates import from_columns
from service.record.paging import Order, SortKey, dated_order
from service.vocab import EventKind, ParticipationRole, RecordKind

Row = dict[str, Any]


@strawberry.type(
    description="Something that happened on a date, with participants: a summit, talks, a "
    "meeting, a call, a press conference, a visit."
)
class Event(Record):
    slug: str = strawberry.field(description="Stable human-readable key.")
    kind: EventKind = strawberry.field(description="What kind of event it is.")
    title: str = strawberry.field(description="Its name, or what it was.")
    starts: FuzzyDate = strawberry.field(description="When it began, at its precision.")
    ends: FuzzyDate | None = strawberry.field(
        description="When it ended, where known and not the day it began."
    )
    place: str | None = strawberry.field(description="Where it took place.")
    summary: str | None = strawberry.field(description="What happened, in brief.")

    @staticmethod
    def from_row(row: Row) -> Event:
        """The GraphQL object of an event row."""
        starts = from_columns(row["starts_at"], row["starts_precision"], row["starts_until"])
        return Event(
            **record_fields(RecordKind.EVENT, row),
            slug=row["slug"],
            kind=EventKind(row["kind"]),
            title=row["title"],
            starts=FuzzyDate.of(starts),  # type: ignore[arg-type]
            ends=FuzzyDate.of(
                from_columns(row["ends_at"], row["ends_precision"], row["ends_until"])
            ),
            place=row["place"],
            summary=row["summary"],
        )

    @child_list(
        "Participation",
        description="Who took part and how, each claim with its sources, by actor name.",
    )
    def participants(
        roles: Annotated[
            list[ParticipationRole] | None,
            strawberry.argument(description="Only participants in any of these roles."),
        ] = None,
    ) -> ListRead:
        params = {"roles": [r.value for r in roles] if roles else None}
        return ListRead(PARTICIPANTS_OF_EVENT, BY_ACTOR_NAME, params)

    @strawberry.field(description="The documents, clauses and tracks it concerns.")
    async def concerns(self, info: Info) -> list[Record]:
        subject_ids = await info.context.loaders.get(_subjects_batch).load(self.db_id)
        return [n for n in await load_any(info, subject_ids) if n is not None]

    @child_list(statements.Statement, description="Statements made at it, in the order made.")
    def statements() -> ListRead:
        return statements.at_event()

    @child_list(tracks.TrackUpdate, description="Track updates reported at it, oldest first.")
    def track_updates() -> ListRead:
        return ListRead(tracks.UPDATES_AT_EVENT, tracks.OLDEST_FIRST)

    @child_list(declarations.Declaration, description="Documents adopted at it.")
    def declarations() -> ListRead:
        order = declarations.DECLARATION_ORDERS[declarations.DeclarationOrder.ADOPTED_ASC]
        return ListRead(declarations.DECLARATIONS_AT_EVENT, order)


@strawberry.type(description="A claim that an actor took part in an event, in a role.")
class Participation(Record):
    event_db_id: strawberry.Private[int]
    actor_db_id: strawberry.Private[int]
    role: ParticipationRole = strawberry.field(description="How the actor took part.")

    @staticmethod
    def from_row(row: Row) -> Participation:
        """The GraphQL object of a participation row."""
        return Participation(
            **record_fields(RecordKind.PARTICIPATION, row),
            event_db_id=row["event_id"],
            actor_db_id=row["actor_id"],
            role=ParticipationRole(row["role"]),
        )

    @strawberry.field(description="The event.")
    async def event(self, info: Info) -> Event:
        found: Event = await load_node(info, RecordKind.EVENT, self.event_db_id)
        return found

    @strawberry.field(description="The actor.")
    async def actor(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.actor_db_id)


async def _subjects_batch(pool: Any, event_ids: Sequence[int]) -> list[list[int]]:
    found: dict[int, list[int]] = {i: [] for i in event_ids}
    for row in await pool.fetch(query("events", "event_subjects"), list(event_ids)):
        found[row["event_id"]].append(row["subject_id"])
    return [found[i] for i in event_ids]


EVENTS = ListQuery("events", "list_events", Event.from_row)
PARTICIPANTS_OF_EVENT = ListQuery(
    "events", "list_participations", Participation.from_row, "event_id"
)
PARTICIPATIONS_OF_ACTOR = ListQuery(
    "events", "list_participations", Participation.from_row, "actor_id"
)
BY_ACTOR_NAME = Order((SortKey("actor_name", "text"), SortKey("id", "bigint")))
BY_EVENT_START = dated_order("event_starts_latest", "event_starts_at")
register(RecordKind.EVENT, by_id_batch("events", "events_by_id"), Event.from_row)
register(
    RecordKind.PARTICIPATION,
    by_id_batch("events", "participations_by_id"),
    Participation.from_row,
)


@strawberry.enum(description="Orderings of events.")
class EventOrder(Enum):
    STARTS_DESC = "starts_desc"
    STARTS_ASC = "starts_asc"


describe_values(
    EventOrder,
    {
        "STARTS_DESC": "Latest first, by when they began (the one order of dated items).",
        "STARTS_ASC": "Earliest first.",
    },
)


EVENT_ORDERS = {
    EventOrder.STARTS_DESC: dated_order("starts_latest", "starts_at", descending=True),
    EventOrder.STARTS_ASC: dated_order("starts_latest", "starts_at"),
}


@strawberry.input(description="Which events to list (all given conditions must hold).")
class EventFilter:
    kinds: list[EventKind] | None = strawberry.field(default=None, description="Any of these.")
    participant_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Any of these actors took part (in any role)."
    )
    concerns_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Concerning any of these documents, clauses or tracks."
    )
    starts_from: datetime | None = strawberry.field(default=None, description="Began at or after.")
    starts_to: datetime | None = strawberry.field(default=None, description="Began before.")
    text: str | None = strawberry.field(
        default=None, description="Words of the title, place or summary."
    )


def events_read(
    filter: EventFilter | None = None, order_by: EventOrder = EventOrder.STARTS_DESC
) -> ListRead:
    """Query.events."""
    f = filter or EventFilter()
    params = {
        "kinds": [k.value for k in f.kinds] if f.kinds else None,
        "participant_ids": ids_of(f.participant_ids, (RecordKind.ACTOR,), "participantIds"),
        "concerns_ids": ids_of(f.concerns_ids, CONCERNS_KINDS, "concernsIds"),
        "starts_from": f.starts_from,
        "starts_to": f.starts_to,
        "text": f.text,
    }
    return ListRead(EVENTS, EVENT_ORDERS[order_by], params)


@strawberry.type
class EventQuery:
    @strawberry.field(description="An event by its slug.")
    async def event(self, info: Info, slug: SlugArgument) -> Event | None:
        return await by_slug(info, "events", "event_by_slug", RecordKind.EVENT, slug)

    events = root_list(Event, description="Events, the most recent first by default.")(events_read)
