"""Loading seeds: validate everything, then write every kind in one transaction."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg

from service.database.named_queries import query
from service.kinds.registry import BY_KIND, LATER_LINKS
from service.seeds.entries import KIND_ORDER, Entry, Seeds
from service.seeds.parse import collect_seeds
from service.seeds.report import LoadReport, Progress
from service.seeds.rows import Ids, desired_row, later_links
from service.seeds.sync import sync_kind, sync_later_links
from service.vocab import RecordKind

# Held by a load from its start to its commit: a second load waits for the first (they
# would race on the same slugs). API writers do not take it: they write alongside.
SEED_LOAD_LOCK_KEY = 5064011


async def load_seeds(
    conn_or_pool: asyncpg.Connection | asyncpg.Pool,
    paths: Iterable[Path | str],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate the seed files at `paths` and upsert them in one transaction.

    The connection (or the pool's connections) must have the JSON codecs of
    `service.database.pool.init_connection`: the change log is jsonb.

    Args:
        conn_or_pool: where to write; a pool lends one connection for the load.
        paths: seed files, or folders of *.yaml / *.yml / *.json files.
        dry_run: do everything, report it, then roll back.
        progress: called as progress(done, total) after each record.

    Returns:
        Counts per kind and the records created or updated.

    Raises:
        SeedError: the seeds are invalid (every problem is listed); nothing was written.
    """
    seeds = collect_seeds(paths)
    return await apply_seeds(conn_or_pool, seeds, dry_run=dry_run, progress=progress)


async def apply_seeds(
    conn_or_pool: asyncpg.Connection | asyncpg.Pool,
    seeds: Seeds,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Write already validated seeds (see `collect_seeds`) in one transaction."""
    if isinstance(conn_or_pool, asyncpg.Pool):
        async with conn_or_pool.acquire() as conn:
            return await _apply(conn, seeds, dry_run, progress)
    return await _apply(conn_or_pool, seeds, dry_run, progress)


async def is_empty(conn: asyncpg.Connection | asyncpg.Pool) -> bool:
    """True when the database holds no record at all (the first start of a server)."""
    empty: bool = await conn.fetchval(query("seed", "is_empty"))
    return empty


async def _apply(
    conn: asyncpg.Connection, seeds: Seeds, dry_run: bool, progress: Progress | None
) -> LoadReport:
    report = LoadReport(files=list(seeds.files), dry_run=dry_run)
    started = time.perf_counter()
    transaction = conn.transaction()
    await transaction.start()
    try:
        await conn.execute("select pg_advisory_xact_lock($1)", SEED_LOAD_LOCK_KEY)
        await _write(conn, seeds, report, progress)
    except BaseException:
        await transaction.rollback()
        raise
    if dry_run:
        await transaction.rollback()
    else:
        await transaction.commit()
    report.seconds = time.perf_counter() - started
    return report


async def _write(
    conn: asyncpg.Connection, seeds: Seeds, report: LoadReport, progress: Progress | None
) -> None:
    total = seeds.total
    done = 0

    def tick(records: int) -> None:
        nonlocal done
        if records:
            done += records
            if progress is not None:
                progress(done, total)

    ids = Ids()
    for kind in KIND_ORDER:
        if kind == RecordKind.CITATION:
            # Link sets to kinds written later (an event's `concerns`), now that every
            # record they point at exists, and before the citations that back them.
            await _write_later_links(conn, seeds, ids, report)
        entries = seeds.entries[kind]
        # A warning may repeat another: write those it depends on first, wave by wave.
        for wave in _warning_waves(entries) if kind == "warning" else [entries]:
            desired = [desired_row(entry, ids) for entry in wave]
            for entry, record_id in (
                await sync_kind(conn, BY_KIND[RecordKind(kind)], desired, report, tick)
            ).items():
                ids.remember(entry, record_id)


async def _write_later_links(
    conn: asyncpg.Connection, seeds: Seeds, ids: Ids, report: LoadReport
) -> None:
    for record_kind in LATER_LINKS:
        entries = seeds.entries[record_kind.value]
        wanted = {entry: later_links(entry, ids) for entry in entries}
        record_ids = {entry: ids.by_entry[entry] for entry in entries}
        await sync_later_links(conn, BY_KIND[record_kind], wanted, record_ids, report)


def _warning_waves(entries: list[Entry]) -> list[list[Entry]]:
    """Group warnings so each one comes after the warning it repeats (no cycles: checked)."""
    by_slug = {e.slug: e for e in entries}
    depth: dict[str | None, int] = {}

    def depth_of(entry: Entry) -> int:
        if entry.slug not in depth:
            repeated: Any = by_slug.get(entry.value.repeats)
            depth[entry.slug] = 0 if repeated is None else depth_of(repeated) + 1
        return depth[entry.slug]

    waves: list[list[Entry]] = []
    for entry in entries:
        level = depth_of(entry)
        waves.extend([] for _ in range(level + 1 - len(waves)))
        waves[level].append(entry)
    return waves
