"""GraphQL types, filters, orders and query fields of statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from service.database.named_queries import query
from service.graphql.common import FuzzyDate, describe_values
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.counts import ActorCount, Grouping, actor_counts, count_groups, count_total
from service.graphql.filters import ids_of
from service.graphql.lazy import LazyActor, LazyEvent, LazyWarning
from service.graphql.links import Link, LinkSet, SourcedOnly, links_of
from service.graphql.list_field import child_list, root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, load_any, load_node, register
from service.graphql.record import Record, record_fields
from service.kinds.statements.description import STATEMENT
from service.kinds.warnings import types as warnings
from service.record.dates import from_columns
from service.record.paging import dated_order
from service.vocab import Channel, RecordKind

Row = dict[str, Any]


@strawberry.type(description="Something an actor said: when, where, in which words, about what.")
class Statement(Record):
    speaker_db_id: strawberry.Private[int]
    on_behalf_of_db_id: strawberry.Private[int | None]
    event_db_id: strawberry.Private[int | None]
    slug: str = strawberry.field(description="Stable human-readable key.")
    said: FuzzyDate = strawberry.field(
        description="When it was said (the best-supported date; see citations of field said_at)."
    )
    channels: list[Channel] = strawberry.field(
        description="Where: Telegram, X, press conference... Several where sources report "
        "several (each with its citations of field `channels`)."
    )
    channel: Channel = strawberry.field(
        description="The first of `channels`.", deprecation_reason="Use `channels`."
    )
    place: str | None = strawberry.field(description="The place, where known.")
    quote: str | None = strawberry.field(
        description="The speaker's own words (in `language`), as a source gives them; null "
        "when no source gives them (then `summary` says what was said, in the editors' words)."
    )
    language: str = strawberry.field(description="Language of the quote (BCP 47).")
    translated_from: str | None = strawberry.field(
        description="The quote is a translation, from this language of the original (BCP 47)."
    )
    event_code: str | None = strawberry.field(description="CAMEO event code (e.g. 138).")
    summary: str | None = strawberry.field(
        description="What the statement says, in brief, in the editors' words."
    )

    @staticmethod
    def from_row(row: Row) -> Statement:
        """The GraphQL object of a statement row."""
        said = from_columns(row["said_at"], row["said_precision"], row["said_until"])
        return Statement(
            **record_fields(RecordKind.STATEMENT, row),
            speaker_db_id=row["speaker_id"],
            on_behalf_of_db_id=row["on_behalf_of_id"],
            event_db_id=row["event_id"],
            slug=row["slug"],
            said=FuzzyDate.of(said),  # type: ignore[arg-type]
            channels=[Channel(c) for c in row["channels"]],
            channel=Channel(row["channel"]),
            place=row["place"],
            quote=row["quote"],
            language=row["language"],
            translated_from=row["translated_from"],
            event_code=row["event_code"],
            summary=row["summary"],
        )

    @strawberry.field(description="Who said it.")
    async def speaker(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.speaker_db_id)

    @strawberry.field(description="On whose behalf (a state, for its ministry's spokesperson).")
    async def on_behalf_of(self, info: Info) -> LazyActor | None:
        return await load_node(info, RecordKind.ACTOR, self.on_behalf_of_db_id)

    @strawberry.field(description="The event it was made at (a summit, a press conference...).")
    async def event(self, info: Info) -> LazyEvent | None:
        return await load_node(info, RecordKind.EVENT, self.event_db_id)

    @strawberry.field(description="What it is about: actors, documents, clauses, tracks.")
    async def about(self, info: Info) -> list[Record]:
        subject_ids = await info.context.loaders.get(_subjects_batch).load(self.db_id)
        return [n for n in await load_any(info, subject_ids) if n is not None]

    @strawberry.field(description="Its links (`about`), each with what backs it.")
    async def links(
        self, info: Info, field: LinkSet = None, sourced_only: SourcedOnly = False
    ) -> list[Link]:
        return await links_of(info, STATEMENT, self.db_id, field, sourced_only)

    @child_list(LazyWarning, description="The warnings this statement makes.")
    def warnings() -> ListRead:
        return ListRead(warnings.IN_STATEMENT, warnings.NEWEST_FIRST)


async def _subjects_batch(pool: Any, statement_ids: Sequence[int]) -> list[list[int]]:
    found: dict[int, list[int]] = {i: [] for i in statement_ids}
    for row in await pool.fetch(query("statements", "statement_subjects"), list(statement_ids)):
        found[row["statement_id"]].append(row["subject_id"])
    return [found[i] for i in statement_ids]


STATEMENTS = ListQuery("statements", "list_statements", Statement.from_row)
STATEMENTS_OF_SPEAKER = ListQuery("statements", "list_statements", Statement.from_row, "speaker_id")
STATEMENTS_AT_EVENT = ListQuery("statements", "list_statements", Statement.from_row, "event_id")
STATEMENTS_ABOUT = ListQuery(
    "statements", "list_statements_about", Statement.from_row, "subject_id"
)
register(RecordKind.STATEMENT, by_id_batch("statements", "statements_by_id"), Statement.from_row)


@strawberry.enum(description="Orderings of statements.")
class StatementOrder(Enum):
    SAID_DESC = "said_desc"
    SAID_ASC = "said_asc"


describe_values(
    StatementOrder,
    {
        "SAID_DESC": "Newest first (the one order of dated items).",
        "SAID_ASC": "Oldest first.",
    },
)


STATEMENT_ORDERS = {
    StatementOrder.SAID_DESC: dated_order("said_latest", "said_at", descending=True),
    StatementOrder.SAID_ASC: dated_order("said_latest", "said_at"),
}


def of_speaker(order_by: StatementOrder | None) -> ListRead:
    """Actor.statements: what one actor said."""
    return ListRead(STATEMENTS_OF_SPEAKER, STATEMENT_ORDERS[order_by or StatementOrder.SAID_DESC])


def at_event() -> ListRead:
    """Event.statements: what was said at an event, in the order it was said."""
    return ListRead(STATEMENTS_AT_EVENT, STATEMENT_ORDERS[StatementOrder.SAID_ASC])


def about() -> ListRead:
    """Subject.statements: what was said about a document, clause or track."""
    return ListRead(STATEMENTS_ABOUT, STATEMENT_ORDERS[StatementOrder.SAID_DESC])


@strawberry.input(description="Which statements to list (all given conditions must hold).")
class StatementFilter:
    actor_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Said by, or on behalf of, any of these actors."
    )
    channels: list[Channel] | None = strawberry.field(default=None, description="Any of these.")
    about_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="About any of these actors, documents, clauses or tracks."
    )
    said_from: datetime | None = strawberry.field(
        default=None, description="Said at or after (or may have been: a date that overlaps)."
    )
    said_to: datetime | None = strawberry.field(
        default=None, description="Said before (or may have been: a date that overlaps)."
    )
    text: str | None = strawberry.field(default=None, description="Words of the quote or summary.")
    event_codes: list[str] | None = strawberry.field(
        default=None, description="CAMEO codes or prefixes (13 matches 138 and 1384)."
    )


def statements_read(
    filter: StatementFilter | None = None, order_by: StatementOrder = StatementOrder.SAID_DESC
) -> ListRead:
    """Query.statements."""
    f = filter or StatementFilter()
    subject_kinds = (RecordKind.ACTOR, RecordKind.DECLARATION, RecordKind.PROVISION)
    params = {
        "speaker_ids": ids_of(f.actor_ids, (RecordKind.ACTOR,), "actorIds"),
        "channels": [c.value for c in f.channels] if f.channels else None,
        "about_ids": ids_of(f.about_ids, (*subject_kinds, RecordKind.TRACK), "aboutIds"),
        "said_from": f.said_from,
        "said_to": f.said_to,
        "text": f.text,
        "event_code_prefixes": f.event_codes,
    }
    return ListRead(STATEMENTS, STATEMENT_ORDERS[order_by], params)


PER_SPEAKER = Grouping(("t.speaker_id",))
PER_CHANNEL = Grouping(("g.channel",), spread="unnest(t.channels) as g (channel)")


@strawberry.type(description="How many statements a channel carried.")
class ChannelCount:
    channel: Channel = strawberry.field(description="The channel.")
    count: int = strawberry.field(description="How many statements were made there.")


@strawberry.type(
    description="Counts of the statements a filter selects (the same filter as `statements`); "
    "each grouping is one query."
)
class StatementCounts:
    read: strawberry.Private[ListRead]

    @strawberry.field(description="How many statements the filter selects.")
    async def total(self, info: Info) -> int:
        return await count_total(info, self.read)

    @strawberry.field(
        description="Statements per speaker (the actor who spoke, not the one spoken for), "
        "most first. The counts add up to `total`."
    )
    async def by_speaker(self, info: Info) -> list[ActorCount]:
        return actor_counts(await count_groups(info, self.read, PER_SPEAKER))

    @strawberry.field(
        description="Statements per channel, most first. A statement that sources report on "
        "several channels counts once in each, so the counts may add up to more than `total`."
    )
    async def by_channel(self, info: Info) -> list[ChannelCount]:
        rows = await count_groups(info, self.read, PER_CHANNEL)
        return [ChannelCount(channel=Channel(r["key0"]), count=r["count"]) for r in rows]


@strawberry.type
class StatementQuery:
    @strawberry.field(description="A statement by its slug.")
    async def statement(self, info: Info, slug: SlugArgument) -> Statement | None:
        return await by_slug(info, "statements", "statement_by_slug", RecordKind.STATEMENT, slug)

    statements = root_list(Statement, description="Statements, newest first by default.")(
        statements_read
    )

    @strawberry.field(description="Counts of statements per speaker and per channel.")
    def statement_counts(self, filter: StatementFilter | None = None) -> StatementCounts:
        return StatementCounts(read=statements_read(filter))
