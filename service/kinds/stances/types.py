"""GraphQL types, filters, orders and query fields of stances."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from service.graphql.common import FuzzyDate
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.counts import Grouping, count_groups, count_total
from service.graphql.filters import AS_OF_DESCRIPTION, held_at, ids_of
from service.graphql.lazy import LazyActor, LazyStatement
from service.graphql.list_field import root_list
from service.graphql.nodes import by_id_batch, load_any, load_node, register
from service.graphql.record import Record, record_fields
from service.record.dates import from_columns
from service.record.paging import dated_order
from service.vocab import RecordKind, StancePosition

Row = dict[str, Any]


@strawberry.type(description="An actor's position toward a document, clause or track, from a date.")
class Stance(Record):
    actor_db_id: strawberry.Private[int]
    subject_db_id: strawberry.Private[int]
    statement_db_id: strawberry.Private[int | None]
    position: StancePosition = strawberry.field(description="supports, opposes, conditional...")
    since: FuzzyDate | None = strawberry.field(description="From when, where known.")
    summary: str | None = strawberry.field(description="The stance in brief.")

    @staticmethod
    def from_row(row: Row) -> Stance:
        """The GraphQL object of a stance row."""
        return Stance(
            **record_fields(RecordKind.STANCE, row),
            actor_db_id=row["actor_id"],
            subject_db_id=row["subject_id"],
            statement_db_id=row["statement_id"],
            position=StancePosition(row["position"]),
            since=FuzzyDate.of(
                from_columns(row["since_at"], row["since_precision"], row["since_until"])
            ),
            summary=row["summary"],
        )

    @strawberry.field(description="Whose stance it is.")
    async def actor(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.actor_db_id)

    @strawberry.field(description="What it is toward: a document, a clause or a track.")
    async def subject(self, info: Info) -> Record | None:
        (node,) = await load_any(info, [self.subject_db_id])
        return node

    @strawberry.field(description="The statement that evidences it.")
    async def statement(self, info: Info) -> LazyStatement | None:
        return await load_node(info, RecordKind.STATEMENT, self.statement_db_id)


STANCES = ListQuery("stances", "list_stances", Stance.from_row)
OF_ACTOR = ListQuery("stances", "list_stances", Stance.from_row, "actor_id")
TOWARD = ListQuery("stances", "list_stances", Stance.from_row, "subject_id")
BY_SINCE = dated_order("sort_since_latest", "sort_since_at")
register(RecordKind.STANCE, by_id_batch("stances", "stances_by_id"), Stance.from_row)


@strawberry.input(description="Which stances to list (all given conditions must hold).")
class StanceFilter:
    actor_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Whose.")
    subject_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Toward any of these documents, clauses or tracks, exactly."
    )
    declaration_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Toward any of these documents or any of their clauses (as the "
        "timeline's `declarationIds`).",
    )
    positions: list[StancePosition] | None = strawberry.field(
        default=None, description="Any of these positions."
    )


AsOf = Annotated[str | None, strawberry.argument(description=AS_OF_DESCRIPTION)]


def stances_read(filter: StanceFilter | None = None, as_of: AsOf = None) -> ListRead:
    """Query.stances."""
    f = filter or StanceFilter()
    subject_kinds = (RecordKind.DECLARATION, RecordKind.PROVISION, RecordKind.TRACK)
    params = {
        "actor_ids": ids_of(f.actor_ids, (RecordKind.ACTOR,), "actorIds"),
        "subject_ids": ids_of(f.subject_ids, subject_kinds, "subjectIds"),
        "declaration_ids": ids_of(f.declaration_ids, (RecordKind.DECLARATION,), "declarationIds"),
        "positions": [p.value for p in f.positions] if f.positions else None,
        "held_at": held_at(as_of),
    }
    return ListRead(STANCES, BY_SINCE, params)


def held_read(list_query: ListQuery, as_of: str | None) -> ListRead:
    """A list of stances under an actor or a subject, held on `as_of` when given."""
    return ListRead(list_query, BY_SINCE, {"held_at": held_at(as_of)})


PER_SUBJECT_AND_POSITION = Grouping(("t.subject_id", "t.position"))


@strawberry.type(description="How many stances take a position.")
class StancePositionCount:
    position: StancePosition = strawberry.field(description="The position.")
    count: int = strawberry.field(description="How many stances take it.")


@strawberry.type(description="The stances toward one subject, counted by position.")
class SubjectStanceCounts:
    subject_db_id: strawberry.Private[int]
    total: int = strawberry.field(description="How many stances toward it the filter selects.")
    by_position: list[StancePositionCount] = strawberry.field(
        description="How many of them take each position, most first."
    )

    @strawberry.field(description="The document, clause or track.")
    async def subject(self, info: Info) -> Record | None:
        (node,) = await load_any(info, [self.subject_db_id])
        return node


@strawberry.type(
    description="Counts of the stances a filter selects (the same arguments as `stances`, "
    "`asOf` included); each grouping is one query."
)
class StanceCounts:
    read: strawberry.Private[ListRead]

    @strawberry.field(description="How many stances the arguments select.")
    async def total(self, info: Info) -> int:
        return await count_total(info, self.read)

    @strawberry.field(
        description="Per subject (document, clause or track), how many stances take each "
        "position: the subjects with the most stances first. Each stance counts once, toward "
        "its own subject (a clause's stances are not counted for its document)."
    )
    async def by_position_per_subject(self, info: Info) -> list[SubjectStanceCounts]:
        subjects: dict[int, SubjectStanceCounts] = {}
        for row in await count_groups(info, self.read, PER_SUBJECT_AND_POSITION):
            found = subjects.setdefault(
                row["key0"], SubjectStanceCounts(subject_db_id=row["key0"], total=0, by_position=[])
            )
            found.total += row["count"]
            position = StancePosition(row["key1"])
            found.by_position.append(StancePositionCount(position=position, count=row["count"]))
        return sorted(subjects.values(), key=lambda s: (-s.total, s.subject_db_id))


@strawberry.type
class StanceQuery:
    stances = root_list(
        Stance, description="Stances, oldest first: how positions changed over time."
    )(stances_read)

    @strawberry.field(description="Counts of stances by position per subject.")
    def stance_counts(self, filter: StanceFilter | None = None, as_of: AsOf = None) -> StanceCounts:
        return StanceCounts(read=stances_read(filter, as_of))
