"""Write a generated record into a fresh, migrated database, fast.

Ids come from `record` in bulk (one `insert ... select ... returning id` per kind), rows go
in with COPY (asyncpg's binary `copy_records_to_table`), all in one transaction: a failure
leaves the database as it was. Foreign keys, checks and unique keys stay enforced (no
trigger is disabled), so a generator bug fails loudly instead of writing a broken record.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.gen.progress import Progress
from bench.gen.rows import Builder, Step
from bench.gen.scale import Scale

_CHUNK = 5_000  # rows per COPY: small enough for a lively progress bar, big enough to be fast

# The full-text indexes (all GIN), as names ready for SQL.
_GIN_INDEXES = """
select c.oid::regclass::text as name
from pg_class c join pg_am am on am.oid = c.relam
where am.amname = 'gin' and c.relnamespace = 'public'::regnamespace
order by 1
"""

_ALLOCATE = """
insert into record (kind)
select $1::record_kind from generate_series(1, $2::int)
returning id
"""


class NotFresh(Exception):
    """The database already holds records: the generator only fills an empty one."""


@dataclass
class Report:
    """What was written and how long it took."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    analyze_seconds: float = 0.0

    @property
    def total(self) -> int:
        """Rows written across all tables (link tables included, `record` excluded)."""
        return sum(self.rows.values())


def estimate_rows(scale: Scale) -> int:
    """About how many rows a scale writes (for the progress bar's 100%)."""
    provisions = scale.declarations * scale.provisions_per_declaration
    parties = scale.declarations * scale.parties_per_declaration
    updates = scale.tracks * scale.updates_per_track
    citations = (
        scale.statements * 1.5 + scale.warnings + parties + scale.declarations * 2
        + (provisions + scale.stances + updates + scale.actors) * 0.5
    )  # fmt: skip
    participations = scale.events * scale.participants_per_event
    links = scale.statements * 1.5 + scale.warnings * 2.1 + scale.events * 2
    kinds = (
        scale.sources + scale.actors + scale.memberships + scale.declarations + provisions
        + parties + scale.tracks + scale.statements + scale.warnings + updates + scale.stances
        + scale.events + participations
    )  # fmt: skip
    return int(kinds + links + citations)


async def generate(
    conn: asyncpg.Connection, scale: Scale, seed: int = 42, *, progress: bool = True
) -> Report:
    """Fill the (empty, migrated) database of `conn` with a record at `scale`.

    Raises:
        NotFresh: `record` already has rows.
    """
    if await conn.fetchval("select exists (select 1 from record)"):
        raise NotFresh("the database already holds records: give the generator a fresh one")
    builder = Builder(scale, seed)
    bar = Progress(estimate_rows(scale)) if progress else None
    report = Report()
    started = time.perf_counter()
    gin_indexes = [r["name"] for r in await conn.fetch(_GIN_INDEXES)]
    async with conn.transaction():
        # The load is one transaction: waiting for each WAL flush would only slow it down.
        await conn.execute("set local synchronous_commit = off")
        # Full-text (GIN) index entries queue up and are merged in bulk by the vacuum
        # below, not written through row by row (twice as fast at the default scale).
        # The service's indexes write through (migration 0008): restored after the merge.
        await _set_fastupdate(conn, gin_indexes, on=True)
        await conn.execute("set local gin_pending_list_limit = '64MB'")
        for build in builder.steps():
            step = build()
            if bar:
                bar.step(step.table)
            ids = await _allocate(conn, step)
            builder.assign(step.kind, ids)
            await _copy(conn, step.table, ["id", *step.columns], step.with_ids(ids), bar)
            report.rows[step.table] = len(step.rows)
            for links in step.links:
                pairs = [(ids[owner], target) for owner, target in links.pairs]
                columns = [links.owner_column, links.target_column]
                await _copy(conn, links.table, columns, pairs, bar)
                report.rows[links.table] = len(pairs)
    if bar:
        bar.close()
    report.seconds = time.perf_counter() - started
    # Fresh statistics and a visibility map, as a long-lived database would have.
    analyzed = time.perf_counter()
    await conn.execute("vacuum (analyze)")
    await _set_fastupdate(conn, gin_indexes, on=False)
    report.analyze_seconds = time.perf_counter() - analyzed
    return report


async def _set_fastupdate(conn: asyncpg.Connection, indexes: list[str], *, on: bool) -> None:
    for name in indexes:  # names from the catalog, quoted by it
        await conn.execute(f"alter index {name} set (fastupdate = {'on' if on else 'off'})")


async def _allocate(conn: asyncpg.Connection, step: Step) -> list[int]:
    """Global ids for the step's rows, in ascending order (row i gets the i-th id)."""
    rows = await conn.fetch(_ALLOCATE, step.kind.value, len(step.rows))
    return sorted(r["id"] for r in rows)


async def _copy(
    conn: asyncpg.Connection,
    table: str,
    columns: list[str],
    rows: Sequence[tuple[Any, ...]],
    bar: Progress | None,
) -> None:
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        await conn.copy_records_to_table(table, records=chunk, columns=columns)
        if bar:
            bar.advance(len(chunk))
