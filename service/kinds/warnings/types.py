"""GraphQL types, filters, orders and query fields of warnings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry

from service.database.named_queries import query
from service.graphql.connection import (
    ListQuery,
    ListRead,
)
from service.graphql.context import Info
from service.graphql.counts import ActorCount, Grouping, actor_counts, count_groups, count_total
from service.graphql.filters import ids_of
from service.graphql.lazy import LazyActor, LazyStatement
from service.graphql.links import Link, LinkSet, SourcedOnly, links_of
from service.graphql.list_field import root_list
from service.graphql.lookup import SlugArgument, by_slug
from service.graphql.nodes import by_id_batch, load_any, load_node, register
from service.graphql.record import Record, record_fields
from service.kinds.warnings.description import WARNING
from service.record.paging import dated_order
from service.vocab import RecordKind

Row = dict[str, Any]


@strawberry.type(
    name="Warning",
    description="A statement that threatens: who is warned, of what, on what condition.",
)
class WarningNode(Record):
    statement_db_id: strawberry.Private[int]
    repeats_warning_db_id: strawberry.Private[int | None]
    issuers: strawberry.Private[tuple[int, int | None] | None]
    """The statement's speaker and on-behalf-of actor, when the row carried them (the
    warning queries join the statement anyway): `issuer` then needs no statement."""
    slug: str = strawberry.field(description="Stable human-readable key.")
    condition: str = strawberry.field(description="What triggers the consequence.")
    consequence: str = strawberry.field(description="What is threatened.")
    repeats_earlier: bool = strawberry.field(
        description="The speaker says it repeats earlier warnings (recorded or not)."
    )

    @staticmethod
    def from_row(row: Row) -> WarningNode:
        """The GraphQL object of a warning row."""
        return WarningNode(
            **record_fields(RecordKind.WARNING, row),
            statement_db_id=row["statement_id"],
            repeats_warning_db_id=row["repeats_warning_id"],
            slug=row["slug"],
            condition=row["condition"],
            consequence=row["consequence"],
            repeats_earlier=row["repeats_earlier"],
            issuers=(row["speaker_id"], row["on_behalf_of_id"]) if "speaker_id" in row else None,
        )

    @strawberry.field(description="The statement the warning was made in (speaker, date, quote).")
    async def statement(self, info: Info) -> LazyStatement:
        found: LazyStatement = await load_node(info, RecordKind.STATEMENT, self.statement_db_id)
        return found

    @strawberry.field(
        description="Who spoke it: the statement's speaker. The `issuerIds` filter and "
        "`Actor.warningsIssued` also count the actor it was spoken for (see onBehalfOf)."
    )
    async def issuer(self, info: Info) -> LazyActor:
        speaker, _ = await self._issuers(info)
        return await load_node(info, RecordKind.ACTOR, speaker)

    @strawberry.field(description="On whose behalf it was issued (a state, for its ministry).")
    async def on_behalf_of(self, info: Info) -> LazyActor | None:
        _, on_behalf_of = await self._issuers(info)
        return await load_node(info, RecordKind.ACTOR, on_behalf_of)

    async def _issuers(self, info: Info) -> tuple[int, int | None]:
        if self.issuers is not None:
            return self.issuers
        statement = await self.statement(info)
        return statement.speaker_db_id, statement.on_behalf_of_db_id

    @strawberry.field(description="Who is warned.")
    async def targets(self, info: Info) -> list[LazyActor]:
        ids = await info.context.loaders.get(_targets_batch).load(self.db_id)
        return [n for n in await load_any(info, ids) if n is not None]

    @strawberry.field(description="The documents or clauses the warning answers.")
    async def answers(self, info: Info) -> list[Record]:
        ids = await info.context.loaders.get(_answers_batch).load(self.db_id)
        return [n for n in await load_any(info, ids) if n is not None]

    @strawberry.field(
        description="Its links (`targets`, `answers`), each with what backs it: which of them "
        "a source says, and which the editors inferred."
    )
    async def links(
        self, info: Info, field: LinkSet = None, sourced_only: SourcedOnly = False
    ) -> list[Link]:
        return await links_of(info, WARNING, self.db_id, field, sourced_only)

    @strawberry.field(description="The recorded earlier warning this one repeats, if any.")
    async def repeats(self, info: Info) -> WarningNode | None:
        return await load_node(info, RecordKind.WARNING, self.repeats_warning_db_id)


def _pairs_batch(name: str) -> Any:
    async def batch(pool: Any, warning_ids: Sequence[int]) -> list[list[int]]:
        found: dict[int, list[int]] = {i: [] for i in warning_ids}
        for warning_id, other in await pool.fetch(query("warnings", name), list(warning_ids)):
            found[warning_id].append(other)
        return [found[i] for i in warning_ids]

    return batch


_targets_batch = _pairs_batch("warning_targets")
_answers_batch = _pairs_batch("warning_answers")

WARNINGS = ListQuery("warnings", "list_warnings", WarningNode.from_row)
BY_ISSUER = ListQuery("warnings", "list_warnings_by_issuer", WarningNode.from_row, "issuer_id")
BY_TARGET = ListQuery("warnings", "list_warnings_by_target", WarningNode.from_row, "actor_id")
# answered_id is computed (a clause's document counts too): ranked per parent instead.
BY_ANSWERED = ListQuery(
    "warnings", "list_warnings_by_answered", WarningNode.from_row, "answered_id", lateral=False
)
IN_STATEMENT = ListQuery(
    "warnings", "list_warnings_in_statement", WarningNode.from_row, "statement_id"
)
NEWEST_FIRST = dated_order("said_latest", "said_at", descending=True)
register(RecordKind.WARNING, by_id_batch("warnings", "warnings_by_id"), WarningNode.from_row)


@strawberry.input(description="Which warnings to list (all given conditions must hold).")
class WarningFilter:
    issuer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Issued by (speaker, or on behalf of) any of these actors."
    )
    target_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Aimed at any of these actors."
    )
    answers_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Answering any of these documents (or their clauses) or clauses.",
    )
    said_from: datetime | None = strawberry.field(
        default=None, description="Made at or after (or may have been: a date that overlaps)."
    )
    said_to: datetime | None = strawberry.field(
        default=None, description="Made before (or may have been: a date that overlaps)."
    )
    text: str | None = strawberry.field(
        default=None, description="Words of condition or consequence."
    )


def warnings_read(filter: WarningFilter | None = None) -> ListRead:
    """Query.warnings."""
    f = filter or WarningFilter()
    answer_kinds = (RecordKind.DECLARATION, RecordKind.PROVISION)
    params = {
        "issuer_ids": ids_of(f.issuer_ids, (RecordKind.ACTOR,), "issuerIds"),
        "target_ids": ids_of(f.target_ids, (RecordKind.ACTOR,), "targetIds"),
        "answers_ids": ids_of(f.answers_ids, answer_kinds, "answersIds"),
        "said_from": f.said_from,
        "said_to": f.said_to,
        "text": f.text,
    }
    return ListRead(WARNINGS, NEWEST_FIRST, params)


# A warning's issuers: its statement's speaker, and the actor it spoke for when another
# (as the `issuerIds` filter and Actor.warningsIssued count them).
PER_ISSUER = Grouping(
    ("g.issuer_id",),
    spread="(select t.speaker_id union select t.on_behalf_of_id "
    "where t.on_behalf_of_id is not null) as g (issuer_id)",
)


@strawberry.type(
    description="Counts of the warnings a filter selects (the same filter as `warnings`); each "
    "grouping is one query."
)
class WarningCounts:
    read: strawberry.Private[ListRead]

    @strawberry.field(description="How many warnings the filter selects.")
    async def total(self, info: Info) -> int:
        return await count_total(info, self.read)

    @strawberry.field(
        description="Warnings per issuer, most first: the statement's speaker, and the actor it "
        "was issued on behalf of when that is another one (as the `issuerIds` filter counts "
        "them). A warning spoken for a state counts for both, so the counts may add up to "
        "more than `total`."
    )
    async def by_issuer(self, info: Info) -> list[ActorCount]:
        return actor_counts(await count_groups(info, self.read, PER_ISSUER))


@strawberry.type
class WarningQuery:
    @strawberry.field(description="A warning by its slug.")
    async def warning(self, info: Info, slug: SlugArgument) -> WarningNode | None:
        return await by_slug(info, "warnings", "warning_by_slug", RecordKind.WARNING, slug)

    warnings = root_list(WarningNode, description="Warnings, newest first.")(warnings_read)

    @strawberry.field(description="Counts of warnings per issuer.")
    def warning_counts(self, filter: WarningFilter | None = None) -> WarningCounts:
        return WarningCounts(read=warnings_read(filter))
