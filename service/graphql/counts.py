"""Grouped counts of a list: how many of the rows a filter selects fall in each group.

A count field reads the same `ListRead` as its list (the same function of the same
filter), so a count and its list always agree: the count of a group is the `totalCount`
its list would give with that group's filter added. Each grouping is one SQL statement
over the list's query, whatever the number of groups:

    select <keys>, count(*) from (<the list's query>) as t [cross join lateral ...]
    group by <keys> order by count desc, <keys>
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from service.graphql.connection import ListRead
from service.graphql.context import Info
from service.graphql.lazy import LazyActor
from service.graphql.nodes import load_node
from service.record.paging import count_rows
from service.vocab import RecordKind

Row = dict[str, Any]


@dataclass(frozen=True)
class Grouping:
    """How the rows of a list fall into groups.

    Attributes:
        keys: the SQL expressions naming a row's group, over the list's row `t` (or over
            `g`, the rows of `spread`); a row's group is the tuple of their values.
        spread: a lateral from-item named `g`, with its alias (`unnest(t.channels) as g
            (channel)`), giving a row several groups (one per value of an array, or a
            row's speaker and the actor it spoke for): a row then counts once in each of
            its groups. None: each row is in one group.
    """

    keys: tuple[str, ...]
    spread: str | None = None

    def sql(self, list_sql: str) -> str:
        """The statement counting the rows of `list_sql` per group: columns key0, key1...
        and count, the largest group first (ties by key)."""
        named = ", ".join(f"{key} as key{i}" for i, key in enumerate(self.keys))
        positions = ", ".join(str(i + 1) for i in range(len(self.keys)))
        spread = f" cross join lateral {self.spread}" if self.spread else ""
        return (
            f"select {named}, count(*)::integer as count from ({list_sql}) as t{spread} "
            f"group by {positions} order by count desc, {positions}"
        )


async def count_total(info: Info, read: ListRead) -> int:
    """How many rows the read's list holds (its connection's `totalCount`)."""
    return await count_rows(info.context.pool, read.query.sql, read.bound)


async def count_groups(info: Info, read: ListRead, grouping: Grouping) -> list[Row]:
    """The groups of the read's list and how many rows each holds, in one statement."""
    rows = await info.context.pool.fetch(grouping.sql(read.query.sql), *read.bound)
    return [dict(r) for r in rows]


@strawberry.type(description="How many of the counted records an actor accounts for.")
class ActorCount:
    actor_db_id: strawberry.Private[int]
    count: int = strawberry.field(description="How many.")

    @strawberry.field(description="The actor.")
    async def actor(self, info: Info) -> LazyActor:
        return await load_node(info, RecordKind.ACTOR, self.actor_db_id)


def actor_counts(rows: list[Row]) -> list[ActorCount]:
    """ActorCounts of the rows of a grouping whose one key is an actor's id."""
    return [ActorCount(actor_db_id=r["key0"], count=r["count"]) for r in rows]
