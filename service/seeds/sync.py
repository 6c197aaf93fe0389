"""Upserting the desired rows of one kind through the writer: create what is missing,
update what differs, with the same checks and history as the API (actor `seed`).

Candidate rows are read in one query per kind, by the first column of the kind's key
(its slug, or its owner); records in the database that the seeds do not mention are
never touched. Table and column names come from the descriptions, never from a file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from service.record import writer
from service.record.description import Description
from service.seeds.entries import Entry
from service.seeds.report import LoadReport, Outcome
from service.seeds.rows import Desired, describe

ACTOR_NAME = "seed"

Links = dict[str, frozenset[int]]


async def sync_kind(
    conn: asyncpg.Connection,
    description: Description,
    desired: list[Desired],
    report: LoadReport,
    tick: Callable[[], None],
) -> dict[Entry, int]:
    """Make the database hold `desired`; return the record id of each entry.

    A record is matched by its key (slug or natural key). When the database holds
    several rows with one natural key (the API allows it), the oldest one is used.
    """
    kind = str(description.kind)
    existing = await _existing(conn, description, desired)
    stored_links = await _read_links(conn, description, [r["id"] for r in existing.values()])
    columns = description.columns  # a property: worked out once, not once per record
    ids: dict[Entry, int] = {}
    for item in desired:
        found = existing.get(tuple(item.values[c] for c in description.key))
        if found is None:
            new_links = {name: sorted(targets) for name, targets in item.links.items()}
            row = await writer.insert(
                conn, description, item.values, actor_name=ACTOR_NAME, links=new_links
            )
            report.note(kind, describe(item.entry), "created")
        else:
            row = found
            links = {
                name: owned.get(row["id"], frozenset()) for name, owned in stored_links.items()
            }
            changed = await _update(conn, description, columns, item, row, links)
            outcome: Outcome = "updated" if changed else "unchanged"
            report.note(kind, describe(item.entry), outcome, changed)
        ids[item.entry] = row["id"]
        tick()
    return ids


async def sync_later_links(
    conn: asyncpg.Connection,
    description: Description,
    wanted: dict[Entry, dict[str, frozenset[int]]],
    record_ids: dict[Entry, int],
    report: LoadReport,
) -> None:
    """Make the stored link sets that point at kinds written later (LATER_LINKS) those of
    `wanted`, once every record of the load exists: one update through the writer per
    record whose sets differ (a record this load created gets its first links so)."""
    if not wanted:
        return
    names = tuple(next(iter(wanted.values())))
    stored = await _read_links(conn, description, list(record_ids.values()), names)
    for entry, links in wanted.items():
        record_id = record_ids[entry]
        changed = [n for n in names if stored[n].get(record_id, frozenset()) != links[n]]
        if not changed:
            continue
        await writer.update(
            conn,
            description,
            record_id,
            None,  # read in this transaction, under the write lock
            {},
            actor_name=ACTOR_NAME,
            links={name: sorted(links[name]) for name in changed},
        )
        seed_names = tuple(description.links[name].seed for name in changed)
        report.amend(str(description.kind), describe(entry), seed_names)


async def _existing(
    conn: asyncpg.Connection, description: Description, desired: list[Desired]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored rows that may match `desired`, by key (the oldest of equal keys)."""
    select_by = description.key[0]
    selectors = sorted({d.values[select_by] for d in desired})
    if not selectors:
        return {}
    cast = "text" if select_by == "slug" else "bigint"
    # Only what is compared: `select *` would also decode every row's search vector.
    columns = ", ".join(("id", "version", *description.columns))
    rows = await conn.fetch(
        f"select {columns} from {description.name} "
        f"where {select_by} = any($1::{cast}[]) order by id",
        selectors,
    )
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in rows:
        row = dict(record)
        existing.setdefault(tuple(row[c] for c in description.key), row)
    return existing


async def _read_links(
    conn: asyncpg.Connection,
    description: Description,
    owners: list[int],
    names: tuple[str, ...] | None = None,
) -> dict[str, dict[int, frozenset[int]]]:
    """Each link set of the given owners (all, or those `names`), by link name and owner."""
    result: dict[str, dict[int, frozenset[int]]] = {}
    for name, link in description.links.items():
        if names is not None and name not in names:
            continue
        grouped: dict[int, set[int]] = {}
        if owners:
            rows = await conn.fetch(
                f"select {link.owner_column} as owner_id, {link.target_column} as target_id "
                f"from {link.table} where {link.owner_column} = any($1::bigint[])",
                owners,
            )
            for record in rows:
                grouped.setdefault(record["owner_id"], set()).add(record["target_id"])
        result[name] = {owner: frozenset(targets) for owner, targets in grouped.items()}
    return result


async def _update(
    conn: asyncpg.Connection,
    description: Description,
    all_columns: tuple[str, ...],
    item: Desired,
    row: dict[str, Any],
    links: Links,
) -> tuple[str, ...]:
    """Write the differences; return the names of the changed fields (empty: unchanged)."""
    columns = [c for c in all_columns if row[c] != item.values[c]]
    changed_links = [name for name, targets in item.links.items() if links[name] != targets]
    if not columns and not changed_links:
        return ()
    await writer.update(
        conn,
        description,
        row["id"],
        row["version"],
        {c: item.values[c] for c in columns},
        actor_name=ACTOR_NAME,
        links={name: sorted(item.links[name]) for name in changed_links},
    )
    seed_names = {name: link.seed for name, link in description.links.items()}
    return (*columns, *(seed_names[name] for name in changed_links))
