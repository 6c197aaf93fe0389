"""The timeline (dated items of every kind, in order) and full-text search."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry

from service.errors import Invalid
from service.graphql.common import FuzzyDate, describe_values
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.filters import ids_of
from service.graphql.list_field import root_list
from service.graphql.nodes import load_node, shared_node
from service.graphql.record import Record
from service.kinds.declarations.types import Declaration
from service.kinds.events.types import Event
from service.kinds.statements.types import Statement
from service.kinds.tracks.types import TrackUpdate
from service.kinds.warnings.types import WarningNode
from service.live.rows import SharedRows
from service.record.paging import Order, SortKey, dated_order
from service.vocab import RecordKind

Row = dict[str, Any]


@strawberry.type(description="A document's adoption, as a dated item of the timeline.")
class Adoption:
    declaration: Declaration = strawberry.field(description="The document adopted.")

    @strawberry.field(description="When it was adopted.")
    def adopted(self) -> FuzzyDate | None:
        return self.declaration.adopted

    @strawberry.field(description="Where it was adopted.")
    def place(self) -> str | None:
        return self.declaration.adopted_place


TimelineItem = Annotated[
    Statement | WarningNode | TrackUpdate | Adoption | Event,
    strawberry.union("TimelineItem", description="Something dated that happened."),
]


@strawberry.enum(description="Kinds of timeline items.")
class TimelineKind(Enum):
    STATEMENT = "statement"
    WARNING = "warning"
    TRACK_UPDATE = "track_update"
    ADOPTION = "declaration"
    EVENT = "event"


describe_values(
    TimelineKind,
    {
        "STATEMENT": "Something an actor said.",
        "WARNING": "A warning, on the day it was made.",
        "TRACK_UPDATE": "A reported status of a negotiation track.",
        "ADOPTION": "A document's adoption or signing, on its date.",
        "EVENT": "A summit, talks, a meeting, a call...",
    },
)


@strawberry.type(
    description="One dated item of the timeline: when it may have happened, from `at` to "
    "`latest` (its date's interval: see FuzzyDate)."
)
class TimelineEntry:
    kind: TimelineKind = strawberry.field(description="What the item is.")
    at: datetime = strawberry.field(
        description="The earliest instant it may have happened (its date's `earliest`)."
    )
    latest: datetime = strawberry.field(
        description="The latest instant it may have happened (its date's `latest`): the "
        "timeline is ordered by it, then by `at`."
    )
    partial: bool = strawberry.field(
        description="Only part of its date lies in the filter's `from`..`to` window: it "
        "may have happened outside it (always false without a window)."
    )
    db_id: strawberry.Private[int]
    shared_rows: strawberry.Private[SharedRows | None] = None
    """Set by timelineAdded: the item's row is read once for every subscription."""

    @strawberry.field(description="The item itself.")
    async def item(self, info: Info) -> TimelineItem:
        adoption = self.kind is TimelineKind.ADOPTION
        kind = RecordKind.DECLARATION if adoption else RecordKind(self.kind.value)
        node = await shared_node(info, self.shared_rows, kind, self.db_id)
        return Adoption(declaration=node) if adoption else node


def timeline_entry(row: Row) -> TimelineEntry:
    """A row of the timeline query as an entry."""
    return TimelineEntry(
        kind=TimelineKind(row["item_kind"]),
        at=row["at"],
        latest=row["latest"],
        partial=row["partial"],
        db_id=row["id"],
    )


@strawberry.type(description="A search hit: a record, how well it matches, and the matching words.")
class SearchHit:
    kind: RecordKind = strawberry.field(description="What kind of record matched.")
    rank: float = strawberry.field(description="Relevance (higher is better).")
    excerpt: str = strawberry.field(description="The matching words in context, marked <b>...</b>.")
    db_id: strawberry.Private[int]

    @strawberry.field(description="The record.")
    async def node(self, info: Info) -> Record | None:
        return await load_node(info, self.kind, self.db_id)


def _hit(row: Row) -> SearchHit:
    return SearchHit(
        kind=RecordKind(row["kind"]), rank=row["rank"], excerpt=row["excerpt"], db_id=row["id"]
    )


# A page of the timeline reads one page of each kind (through its date index), not every
# dated item; a search page makes excerpts for its own hits only (see the .sql files).
TIMELINE = ListQuery("timeline", "timeline", timeline_entry, union=True)
SEARCH = ListQuery("search", "search", _hit, decorate="search_excerpts")
# The one order of dated items; items of one instant are grouped by kind.
_BY_KIND = (SortKey("item_kind", "text"),)
_NEWEST = dated_order("latest", "at", descending=True, then=_BY_KIND)
_OLDEST = dated_order("latest", "at", then=_BY_KIND)
_BEST = Order((SortKey("rank", "float8", True), SortKey("kind", "text"), SortKey("id", "bigint")))


@strawberry.input(description="Which timeline items to list (all given conditions must hold).")
class TimelineFilter:
    kinds: list[TimelineKind] | None = strawberry.field(default=None, description="Any of these.")
    actor_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Items by, or involving, any of these actors."
    )
    declaration_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Items about any of these documents (or their clauses)."
    )
    track_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Items about any of these tracks."
    )
    from_: datetime | None = strawberry.field(
        name="from",
        default=None,
        description="Items that may have happened at or after this instant (whose date's "
        "`latest` is not before it).",
    )
    to: datetime | None = strawberry.field(
        default=None,
        description="Items that may have happened before this instant (whose date's "
        "`earliest` is before it). An item whose date overlaps the window only in part is "
        "listed, with `partial` true.",
    )


def timeline_params(f: TimelineFilter) -> dict[str, Any]:
    """The timeline query's parameters for a filter."""
    return {
        "kinds": [k.value for k in f.kinds] if f.kinds else None,
        "actor_ids": ids_of(f.actor_ids, (RecordKind.ACTOR,), "actorIds"),
        "declaration_ids": ids_of(f.declaration_ids, (RecordKind.DECLARATION,), "declarationIds"),
        "track_ids": ids_of(f.track_ids, (RecordKind.TRACK,), "trackIds"),
        "from_time": f.from_,
        "to_time": f.to,
    }


@strawberry.enum(description="Timeline orderings.")
class TimelineOrder(Enum):
    NEWEST_FIRST = "newest_first"
    OLDEST_FIRST = "oldest_first"


describe_values(
    TimelineOrder,
    {
        "NEWEST_FIRST": "Newest first (the one order of dated items).",
        "OLDEST_FIRST": "Oldest first.",
    },
)


def timeline_read(
    filter: TimelineFilter | None = None, order_by: TimelineOrder = TimelineOrder.NEWEST_FIRST
) -> ListRead:
    """Query.timeline."""
    order = _NEWEST if order_by is TimelineOrder.NEWEST_FIRST else _OLDEST
    return ListRead(TIMELINE, order, timeline_params(filter or TimelineFilter()))


def search_read(
    text: Annotated[
        str,
        strawberry.argument(
            description="Words to find (1 to 500 characters; web-search syntax: quotes, OR, -word)."
        ),
    ],
    kinds: Annotated[
        list[RecordKind] | None,
        strawberry.argument(description="Only hits of any of these kinds."),
    ] = None,
) -> ListRead:
    """Query.search (Invalid for an empty or overlong text)."""
    if not text.strip() or len(text) > 500:
        raise Invalid("`text` must hold 1 to 500 characters", field="text")
    return ListRead(
        SEARCH, _BEST, {"text": text, "kinds": [k.value for k in kinds] if kinds else None}
    )


@strawberry.type
class TimelineQuery:
    timeline = root_list(
        TimelineEntry,
        description="Dated events, statements, warnings, track updates and adoptions, in order.",
    )(timeline_read)
    search = root_list(SearchHit, description="Full-text search across kinds, best match first.")(
        search_read
    )
