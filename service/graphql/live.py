"""Subscriptions: record changes and new timeline items, resumable from a change id."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.database.named_queries import query
from service.errors import Invalid
from service.graphql.context import Info
from service.graphql.filters import ids_of
from service.graphql.history import ChangeOperation, change_number
from service.graphql.ids import encode_id
from service.graphql.loaders import Loaders
from service.graphql.nodes import shared_node
from service.graphql.record import Record
from service.graphql.timeline import (
    TIMELINE,
    TimelineEntry,
    TimelineFilter,
    timeline_entry,
    timeline_params,
)
from service.live.feed import SharedFeed
from service.live.rows import SharedRows
from service.vocab import RecordKind

# Kinds whose records appear on the timeline (a declaration: once it has an adoption date).
TIMELINE_KINDS = ("statement", "warning", "track_update", "declaration", "event")


AfterChangeId = Annotated[
    str | None,
    strawberry.argument(
        description="Resume after this change id (a `changeId` already received): every "
        "change after it first, then live ones, none twice."
    ),
]


@strawberry.type(description="A committed change of a record.")
class RecordChange:
    change_id: str = strawberry.field(
        description="Position in the change feed: pass it as `afterChangeId` to resume."
    )
    kind: RecordKind = strawberry.field(description="The kind of record.")
    id: strawberry.ID = strawberry.field(description="The record's global id.")
    operation: ChangeOperation = strawberry.field(description="create, update or delete.")
    version: int = strawberry.field(description="The record's version after the change.")
    at: datetime = strawberry.field(description="When the change was committed.")
    record_db_id: strawberry.Private[int]

    @strawberry.field(description="The record as it is now (null once deleted).")
    async def record(self, info: Info) -> Record | None:
        feed = info.context.feed
        rows = None if feed is None else feed.rows
        return await shared_node(info, rows, self.kind, self.record_db_id)


@strawberry.type(description="A new item on a timeline, and where it sits in the change feed.")
class TimelineAdded:
    change_id: str = strawberry.field(description="Pass it as `afterChangeId` to resume.")
    entry: TimelineEntry = strawberry.field(description="The new timeline item.")


def _after(change_id: str | None) -> int | None:
    if change_id is None:
        return None
    number = change_number(change_id, "afterChangeId")
    if number is None:
        raise Invalid("`afterChangeId` must be a change id (digits)", field="afterChangeId")
    return number


def _feed(info: Info) -> SharedFeed:
    feed = info.context.feed
    if feed is None:
        raise Invalid("live updates are not available on this server")
    return feed


def _fresh_loaders(info: Info) -> None:
    # Over a websocket the context lives as long as the socket: a DataLoader cache kept
    # across events would serve stale records. Each event gets fresh loaders.
    info.context.loaders = Loaders(info.context.pool)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Committed changes of records, as they happen. With `afterChangeId`, "
        "first every change after it (from the change feed), then live ones: no gap, no "
        "duplicate."
    )
    async def record_changed(
        self,
        info: Info,
        kinds: Annotated[
            list[RecordKind] | None,
            strawberry.argument(description="Only changes of records of any of these kinds."),
        ] = None,
        ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description="Only changes of these records (global ids)."),
        ] = None,
        after_change_id: AfterChangeId = None,
    ) -> AsyncGenerator[RecordChange, None]:
        record_ids = ids_of(ids, tuple(RecordKind), "ids")
        kind_values = [k.value for k in kinds] if kinds else None
        feed = _feed(info).follow(
            after=_after(after_change_id), kinds=kind_values, record_ids=record_ids
        )
        async for change in feed:
            _fresh_loaders(info)
            kind = RecordKind(change["kind"])
            yield RecordChange(
                change_id=str(change["id"]),
                kind=kind,
                id=strawberry.ID(encode_id(kind, change["record_id"])),
                operation=ChangeOperation(change["operation"]),
                version=change["version"],
                at=change["changed_at"],
                record_db_id=change["record_id"],
            )

    @strawberry.subscription(
        description="New dated items matching a timeline filter, as they are recorded; "
        "resumable with `afterChangeId` like recordChanged."
    )
    async def timeline_added(
        self,
        info: Info,
        filter: TimelineFilter | None = None,
        after_change_id: AfterChangeId = None,
    ) -> AsyncGenerator[TimelineAdded, None]:
        # Positional: the query below adds its own $7 and $8 after the timeline's six.
        params = TIMELINE.bind(timeline_params(filter or TimelineFilter()))
        shared = _feed(info)
        feed = shared.follow(after=_after(after_change_id), kinds=TIMELINE_KINDS)
        async for change in feed:
            if change["operation"] == "delete":
                continue
            entry = await _timeline_entry(info.context.pool, shared.rows, params, change)
            if entry is not None:
                _fresh_loaders(info)
                yield TimelineAdded(change_id=str(change["id"]), entry=entry)


async def _timeline_entry(
    pool: Any, shared: SharedRows, params: tuple[Any, ...], change: dict[str, Any]
) -> TimelineEntry | None:
    """The change's record as a timeline entry, if it is on the filtered timeline.

    A create puts statements, warnings, track updates and events on the timeline; a declaration
    gets there when it first receives an adoption date (create or update). Each answer
    depends only on the change (and the filter): every subscription of the process with
    the same filter shares one query, and the entry's item one read of its row.
    """
    kind = change["kind"]
    if kind != "declaration" and change["operation"] != "create":
        return None
    if kind == "declaration" and change["operation"] == "update":
        adopted_before = await shared.share(
            ("was_adopted_before", change["id"]),
            lambda: pool.fetchval(
                query("live", "was_adopted_before"), change["id"], change["record_id"]
            ),
        )
        if adopted_before:
            return None
    # The timeline's own query decides whether the record matches the filter.
    sql = (
        f"select item_kind, id, at, latest, partial from ({query('timeline', 'timeline')}) "
        "as t where t.item_kind = $7 and t.id = $8"
    )
    row = await shared.share(
        ("on_timeline", change["id"], repr(params)),
        lambda: pool.fetchrow(sql, *params, kind, change["record_id"]),
    )
    if row is None:
        return None
    entry = timeline_entry(dict(row))
    entry.shared_rows = shared
    return entry
