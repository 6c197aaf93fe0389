"""Targets of the writes that need a record to write to (update-actor, delete-actor).

Each request of such a write gets an actor of its own, made for it at version 1: an update
at expectedVersion 1 or a delete at expectedVersion 1 then always succeeds, whatever order
the concurrent requests arrive in, and no request waits on another's row lock. (Updating
the same actors again would mean tracking each one's version from the answers, in Lua, and
contended rows would measure lock waits, not the write.)

They are made once the reads are measured, so every read sees the generated record as it
was made: one statement for all of them, a new global id in `record` and an actor row each,
for every targeted operation on every engine, then `vacuum analyze` (so autovacuum does
not wake for them in the middle of a measurement). Our API takes global ids, PostGraphile's
functions plain bigint ids: each engine's targets are its own, in the form it takes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bench.database import connect
from bench.operations import Engine
from service.graphql.ids import encode_id
from service.vocab import RecordKind

K = TypeVar("K", bound=Hashable)

# No text the benchmark's search looks for, so that no read could find one even if it ran
# after them; the slug says which run made it.
_MAKE = """
with made as (
    insert into record (kind) select 'actor' from generate_series(1, $1::int) returning id
)
insert into actor (id, slug, kind, name)
select id, $2::text || id, 'person', 'Benchmark target' from made
returning id
"""


@dataclass
class Targets:
    """One write operation's targets on one engine, as its API takes ids, each handed out
    once, in order."""

    ids: list[str]
    taken: int = 0

    def take(self, count: int) -> list[str]:
        """The next `count` targets.

        Raises:
            RuntimeError: fewer are left (the runner made too few: a bug).
        """
        chunk = self.ids[self.taken : self.taken + count]
        if len(chunk) < count:
            raise RuntimeError(f"{count} targets wanted, {len(chunk)} left")
        self.taken += count
        return chunk


def api_ids(engine: Engine, ids: list[int]) -> list[str]:
    """Actor ids as `engine` takes them: our global ids, PostGraphile's bigints (as JSON
    strings, which its BigInt scalar reads)."""
    if engine == "ours":
        return [encode_id(RecordKind.ACTOR, i) for i in ids]
    return [str(i) for i in ids]


def make(dsn: str, run_id: str, wanted: Mapping[K, int]) -> dict[K, list[int]]:
    """`wanted[key]` new actors for each key, made in one statement; their database ids."""

    async def go() -> list[int]:
        conn = await connect(dsn)
        try:
            rows = await conn.fetch(_MAKE, sum(wanted.values()), f"bench-{run_id}-target-")
            await conn.execute("vacuum analyze record, actor")
        finally:
            await conn.close()
        return sorted(row["id"] for row in rows)

    made = asyncio.run(go())
    out: dict[K, list[int]] = {}
    start = 0
    for key, count in wanted.items():
        out[key] = made[start : start + count]
        start += count
    return out
