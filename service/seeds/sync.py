"""Upserting the desired rows of one kind through the writer: create what is missing,
update what differs, with the same checks and history as the API (actor `seed`), a batch
of records per statement.

Candidate rows are read in one query per kind, by the first column of the kind's key
(its slug, or its owner); records in the database that the seeds do not mention are
never touched. Table and column names come from the descriptions, never from a file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import asyncpg

from service.record import writer
from service.record.description import Description
from service.seeds.entries import Entry
from service.seeds.report import LoadReport
from service.seeds.rows import Desired, describe

ACTOR_NAME = "seed"

Links = dict[str, frozenset[int]]
T = TypeVar("T")


# Records per statement: a batch's JSON stays a few MiB, and a load of a hundred thousand
# records is a few hundred round trips instead of three or four per record.
BATCH_SIZE = 2000


async def sync_kind(
    conn: asyncpg.Connection,
    description: Description,
    desired: list[Desired],
    report: LoadReport,
    tick: Callable[[int], None],
) -> dict[Entry, int]:
    """Make the database hold `desired`; return the record id of each entry.

    A record is matched by its key (slug or natural key). When the database holds
    several rows with one natural key (the API allows it), the oldest one is used.
    New records are created BATCH_SIZE per statement, changed ones updated so too
    (one statement per set of fields that changed), through the writer.
    """
    kind = str(description.kind)
    existing = await _existing(conn, description, desired)
    stored_links = await _read_links(conn, description, [r["id"] for r in existing.values()])
    columns = description.columns  # a property: worked out once, not once per record
    ids: dict[Entry, int] = {}
    created: list[Desired] = []
    updates: list[writer.Item] = []
    for item in desired:
        found = existing.get(tuple(item.values[c] for c in description.key))
        if found is None:
            created.append(item)
            continue
        ids[item.entry] = found["id"]
        links = {name: owned.get(found["id"], frozenset()) for name, owned in stored_links.items()}
        changed = _changes(description, columns, item, found, links)
        if changed is None:
            report.note(kind, describe(item.entry), "unchanged")
        else:
            update, fields = changed
            updates.append(update)
            report.note(kind, describe(item.entry), "updated", fields)
    for changes in _batches(updates):
        await writer.update_many(conn, description, changes, actor_name=ACTOR_NAME)
        tick(len(changes))
    tick(len(desired) - len(created) - len(updates))
    for new in _batches(created):
        rows = await writer.insert_many(
            conn,
            description,
            [writer.Item(d.values, {n: sorted(t) for n, t in d.links.items()}) for d in new],
            actor_name=ACTOR_NAME,
        )
        for made, row in zip(new, rows, strict=True):
            ids[made.entry] = row["id"]
            report.note(kind, describe(made.entry), "created")
        tick(len(new))
    return ids


def _batches(items: list[T]) -> list[list[T]]:
    return [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]


async def sync_later_links(
    conn: asyncpg.Connection,
    description: Description,
    wanted: dict[Entry, dict[str, frozenset[int]]],
    record_ids: dict[Entry, int],
    report: LoadReport,
) -> None:
    """Make the stored link sets that point at kinds written later (LATER_LINKS) those of
    `wanted`, once every record of the load exists: the records whose sets differ are
    updated through the writer, BATCH_SIZE per statement (a record this load created
    gets its first links so)."""
    if not wanted:
        return
    names = tuple(next(iter(wanted.values())))
    stored = await _read_links(conn, description, list(record_ids.values()), names)
    updates: list[writer.Item] = []
    for entry, links in wanted.items():
        record_id = record_ids[entry]
        changed = [n for n in names if stored[n].get(record_id, frozenset()) != links[n]]
        if not changed:
            continue
        # No expected version: the record was read or written in this transaction, and
        # the load's lock keeps other loads away.
        updates.append(
            writer.Item(links={n: sorted(links[n]) for n in changed}, record_id=record_id)
        )
        seed_names = tuple(description.links[name].seed for name in changed)
        report.amend(str(description.kind), describe(entry), seed_names)
    for changes in _batches(updates):
        await writer.update_many(conn, description, changes, actor_name=ACTOR_NAME)


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


def _changes(
    description: Description,
    all_columns: tuple[str, ...],
    item: Desired,
    row: dict[str, Any],
    links: Links,
) -> tuple[writer.Item, tuple[str, ...]] | None:
    """The update making a stored record what the seeds say, and the names of the fields
    it changes (None: nothing differs)."""
    columns = [c for c in all_columns if row[c] != item.values[c]]
    changed_links = [name for name, targets in item.links.items() if links[name] != targets]
    if not columns and not changed_links:
        return None
    update = writer.Item(
        {c: item.values[c] for c in columns},
        {name: sorted(item.links[name]) for name in changed_links},
        row["id"],
        row["version"],
    )
    seed_names = {name: link.seed for name, link in description.links.items()}
    return update, (*columns, *(seed_names[name] for name in changed_links))
