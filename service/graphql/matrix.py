"""The stance matrix: who stands where on what, as a grid of actors by subjects.

One statement (sql/queries/matrix.sql, `stance_matrix`) gives the axes and the cells at
an instant: the stances each actor holds toward each subject then (the stance history's
rule, `stance_held_at` of migration 0015, which `stances(asOf:)` follows too), the claims
that it takes part in a document, and the citations of both. The exports stream the same
statement's cells (service/exports/).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any

import strawberry

from service.errors import Invalid
from service.graphql.common import FuzzyDate
from service.graphql.connection import ListQuery, ListRead
from service.graphql.context import Info
from service.graphql.filters import held_at, ids_of
from service.graphql.lazy import LazyActor, LazyCitation, LazyParty, LazyStance
from service.graphql.nodes import load_any, load_node
from service.graphql.record import Record
from service.kinds.stances.types import AsOf
from service.record.dates import from_columns
from service.record.paging import Order, SortKey
from service.vocab import RecordKind, StancePosition

Row = dict[str, Any]

MAX_CELLS = 20_000
"""Largest grid (actors x subjects) one query answers; the export has no such bound."""

SUBJECT_KINDS = (RecordKind.DECLARATION, RecordKind.PROVISION, RecordKind.TRACK)


@strawberry.enum(description="Why a cell of the stance matrix is disputed.")
class StanceDispute(Enum):
    POSITIONS = strawberry.enum_value(
        "positions",
        description="The actor holds more than one position at once: stances begun on the "
        "same date (sources that disagree, or a position changed that day).",
    )
    PARTY_ROLE = strawberry.enum_value(
        "party_role",
        description="Sources disagree on how the actor takes part in the document: more than "
        "one claim (`Party.disputed`), such as signatory per one source and not a formal "
        "party per another.",
    )


async def _nodes(info: Info, kind: RecordKind, ids: Sequence[int]) -> list[Any]:
    """Records of one kind by id, loaded together (one statement for all cells' lists)."""
    found = await asyncio.gather(*(load_node(info, kind, i) for i in ids))
    return [n for n in found if n is not None]


@strawberry.type(
    description="What an actor holds toward a subject at the matrix's date: the positions of "
    "the stances held then, since when, the claims that it takes part in the document, and "
    "what backs each."
)
class StanceCell:
    actor_db_id: strawberry.Private[int]
    subject_db_id: strawberry.Private[int]
    stance_ids: strawberry.Private[list[int]]
    party_ids: strawberry.Private[list[int]]
    citation_ids: strawberry.Private[list[int]]
    positions: list[StancePosition] = strawberry.field(
        description="The positions held (several only when disputed); empty when the actor "
        "holds no stance but a claim to take part, or, in an export since a change, holds "
        "nothing any more."
    )
    since: FuzzyDate | None = strawberry.field(
        description="Since when they are held: the `since` of the stances held (null when undated)."
    )
    disputed: bool = strawberry.field(
        description="The record holds claims here that disagree (see `disputes`)."
    )
    disputes: list[StanceDispute] = strawberry.field(description="Why the cell is disputed.")

    @staticmethod
    def from_row(row: Row) -> StanceCell:
        """A cell of a `stance_matrix` row."""
        return StanceCell(
            actor_db_id=row["actor_id"],
            subject_db_id=row["subject_id"],
            stance_ids=list(row["stance_ids"]),
            party_ids=list(row["party_ids"]),
            citation_ids=list(row["citation_ids"]),
            positions=[StancePosition(p) for p in row["positions"]],
            since=FuzzyDate.of(
                from_columns(row["since_at"], row["since_precision"], row["since_until"])
            ),
            disputed=row["disputed"],
            disputes=[StanceDispute(d) for d in row["disputes"]],
        )

    @strawberry.field(description="The actor (the row).")
    async def actor(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.actor_db_id)

    @strawberry.field(description="The document, clause or track (the column).")
    async def subject(self, info: Info) -> Record | None:
        (node,) = await load_any(info, [self.subject_db_id])
        return node

    @strawberry.field(description="The stances held, each with its `since` and citations.")
    async def stances(self, info: Info) -> list[LazyStance]:
        return await _nodes(info, RecordKind.STANCE, self.stance_ids)

    @strawberry.field(
        description="The claims that the actor takes part in the document, and in which role "
        "(documents only; several when sources disagree)."
    )
    async def parties(self, info: Info) -> list[LazyParty]:
        return await _nodes(info, RecordKind.PARTY, self.party_ids)

    @strawberry.field(
        description="What backs the cell: the citations of its stances, then of its party "
        "claims, each with its `basis` (VERBATIM, PARAPHRASE, INFERRED), its source and the "
        "record it backs (`subject`)."
    )
    async def citations(self, info: Info) -> list[LazyCitation]:
        return await _nodes(info, RecordKind.CITATION, self.citation_ids)


@strawberry.type(description="One actor's row of the stance matrix.")
class StanceMatrixRow:
    actor_db_id: strawberry.Private[int]
    cells: list[StanceCell | None] = strawberry.field(
        description="One cell per subject of the matrix, in the order of `subjects`: null "
        "where the record holds nothing."
    )

    @strawberry.field(description="The actor.")
    async def actor(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.actor_db_id)


@strawberry.type(
    description="Actors by subjects: each cell what an actor holds toward a document, clause "
    "or track at a date, from the stance history."
)
class StanceMatrix:
    actor_ids: strawberry.Private[list[int]]
    subject_ids: strawberry.Private[list[int]]
    as_of: str | None = strawberry.field(
        description="The date the matrix holds for, as asked (null: now)."
    )
    cells: list[StanceCell] = strawberry.field(
        description="Only the cells where the record holds something, row by row (actors by "
        "name), each row in the order of `subjects`."
    )
    rows: list[StanceMatrixRow] = strawberry.field(
        description="The grid: one row per actor, in the order of `actors`."
    )

    @strawberry.field(
        description="The rows: the actors asked for, else every actor with a cell; by name."
    )
    async def actors(self, info: Info) -> list[LazyActor]:
        return await _nodes(info, RecordKind.ACTOR, self.actor_ids)

    @strawberry.field(
        description="The columns: the subjects asked for, else every document and track (and "
        "clause, with `includeProvisions`) with a cell. Documents by title, each followed by "
        "its clauses in order, then tracks by name."
    )
    async def subjects(self, info: Info) -> list[Record]:
        return [n for n in await load_any(info, self.subject_ids) if n is not None]


ActorIds = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(description="The rows (null: every actor with a cell)."),
]
SubjectIds = Annotated[
    list[strawberry.ID] | None,
    strawberry.argument(
        description="The columns: documents, clauses or tracks (null: every document and track "
        "with a cell)."
    ),
]
IncludeProvisions = Annotated[
    bool,
    strawberry.argument(
        description="Also a column for each clause of the documents (those asked for, or every "
        "clause with a cell)."
    ),
]
MATRIX = ListQuery("matrix", "stance_matrix", StanceCell.from_row)
# Cells row by row (the axes' rows sort before them: rank 0 on one side).
BY_RANK = Order((SortKey("actor_rank", "bigint"), SortKey("subject_rank", "bigint")))


def stance_matrix_read(
    actor_ids: ActorIds = None,
    subject_ids: SubjectIds = None,
    include_provisions: IncludeProvisions = False,
    as_of: AsOf = None,
    *,
    cells_only: bool = False,
    changed_after: int | None = None,
) -> ListRead:
    """What the matrix reads; the exports ask for its cells only, or for those a change
    after `changed_after` touched."""
    params = {
        "actor_ids": ids_of(actor_ids, (RecordKind.ACTOR,), "actorIds"),
        "subject_ids": ids_of(subject_ids, SUBJECT_KINDS, "subjectIds"),
        "with_provisions": include_provisions,
        "held_at": held_at(as_of),
        "changed_after": changed_after,
        "cells_only": cells_only,
    }
    return ListRead(MATRIX, BY_RANK, params)


async def stance_matrix(info: Info, read: ListRead, as_of: str | None) -> StanceMatrix:
    """The matrix of a read (one statement), as a grid."""
    sql = f"select * from ({read.query.sql}) as t order by {read.order.sql(prefix='t.')}"
    actor_ids: list[int] = []
    subject_ids: list[int] = []
    cells: list[StanceCell] = []
    for row in await info.context.pool.fetch(sql, *read.bound):
        match row["part"]:
            case "actor":
                actor_ids.append(row["actor_id"])
            case "subject":
                subject_ids.append(row["subject_id"])
            case _:
                cells.append(StanceCell.from_row(row))
    if len(actor_ids) * len(subject_ids) > MAX_CELLS:
        raise Invalid(
            f"this matrix has {len(actor_ids)} actors by {len(subject_ids)} subjects, more "
            f"than {MAX_CELLS} cells: choose actorIds or subjectIds, or export it "
            "(GET /exports/stance-matrix.csv)",
            field="actorIds",
        )
    column = {subject: i for i, subject in enumerate(subject_ids)}
    grid: dict[int, list[StanceCell | None]] = {a: [None] * len(subject_ids) for a in actor_ids}
    for cell in cells:
        grid[cell.actor_db_id][column[cell.subject_db_id]] = cell
    rows = [StanceMatrixRow(actor_db_id=a, cells=grid[a]) for a in actor_ids]
    return StanceMatrix(
        actor_ids=actor_ids, subject_ids=subject_ids, as_of=as_of, cells=cells, rows=rows
    )


@strawberry.type
class MatrixQuery:
    @strawberry.field(
        description="Who stands where on what: actors by documents, clauses and tracks, each "
        "cell the positions held on a date (from the stance history), since when, the claims "
        "to take part, what backs them, and whether sources disagree."
    )
    async def stance_matrix(
        self,
        info: Info,
        actor_ids: ActorIds = None,
        subject_ids: SubjectIds = None,
        include_provisions: IncludeProvisions = False,
        as_of: AsOf = None,
    ) -> StanceMatrix:
        read = stance_matrix_read(actor_ids, subject_ids, include_provisions, as_of)
        return await stance_matrix(info, read, as_of)
