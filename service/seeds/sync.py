"""Upserting the desired rows of one kind: create what is missing, update what differs.

Candidate rows are read in one query per kind; each record then takes a few statements
(allocate id, write row, write links, append change), all in the caller's transaction.
Records in the database that the seeds do not mention are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import asyncpg

from service.record.history import new_record_id, record_change
from service.seeds.report import LoadReport, Outcome
from service.seeds.rows import Desired, describe
from service.seeds.tables import KindSpec, LinkSpec

ACTOR_NAME = "seed"

Links = dict[str, frozenset[int]]


async def sync_kind(
    conn: asyncpg.Connection,
    spec: KindSpec,
    desired: list[Desired],
    report: LoadReport,
    tick: Callable[[], None],
) -> dict[Any, int]:
    """Make the database hold `desired`; return the record id of each entry.

    A record is matched by its key (slug or natural key). When the database holds
    several rows with one natural key (the API allows it), the oldest one is used.
    """
    selectors = sorted({d.values[spec.select_by] for d in desired})
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in await conn.fetch(spec.select, selectors) if selectors else []:
        row = dict(record)
        existing.setdefault(tuple(row[c] for c in spec.key), row)
    stored_links = await _read_links(conn, spec.links, [r["id"] for r in existing.values()])
    ids: dict[Any, int] = {}
    for item in desired:
        found = existing.get(tuple(item.values[c] for c in spec.key))
        if found is None:
            row = await _create(conn, spec, item)
            report.note(spec.kind, describe(item.entry), "created")
        else:
            row = found
            links = {
                name: owned.get(row["id"], frozenset()) for name, owned in stored_links.items()
            }
            changed = await _update(conn, spec, item, row, links)
            outcome: Outcome = "updated" if changed else "unchanged"
            report.note(spec.kind, describe(item.entry), outcome, changed)
        ids[item.entry] = row["id"]
        tick()
    return ids


async def _read_links(
    conn: asyncpg.Connection, links: Iterable[LinkSpec], owners: list[int]
) -> dict[str, dict[int, frozenset[int]]]:
    result: dict[str, dict[int, frozenset[int]]] = {}
    for link in links:
        grouped: dict[int, set[int]] = {}
        if owners:
            for record in await conn.fetch(link.select, owners):
                grouped.setdefault(record["owner_id"], set()).add(record["target_id"])
        result[link.name] = {owner: frozenset(targets) for owner, targets in grouped.items()}
    return result


async def _create(conn: asyncpg.Connection, spec: KindSpec, item: Desired) -> dict[str, Any]:
    record_id = await new_record_id(conn, spec.kind)
    row = dict(await conn.fetchrow(spec.insert, record_id, *_params(spec, item)))
    for link in spec.links:
        if targets := item.links[link.name]:
            await conn.execute(link.insert, record_id, sorted(targets))
    await record_change(
        conn, kind=spec.kind, operation="create", before=None,
        after=_with_links(row, item.links), actor_name=ACTOR_NAME,
    )  # fmt: skip
    return row


async def _update(
    conn: asyncpg.Connection, spec: KindSpec, item: Desired, row: dict[str, Any], links: Links
) -> tuple[str, ...]:
    """Write the differences; return the names of the changed fields (empty: unchanged)."""
    columns = [c for c in spec.columns if row[c] != item.values[c]]
    changed_links = [name for name, targets in item.links.items() if links[name] != targets]
    if not columns and not changed_links:
        return ()
    statement = spec.update if columns else spec.touch
    arguments = _params(spec, item) if columns else []
    after = dict(await conn.fetchrow(statement, row["id"], *arguments))
    for link in spec.links:
        if link.name in changed_links:
            old, new = links[link.name], item.links[link.name]
            if old - new:
                await conn.execute(link.delete, row["id"], sorted(old - new))
            if new - old:
                await conn.execute(link.insert, row["id"], sorted(new - old))
    await record_change(
        conn, kind=spec.kind, operation="update", before=_with_links(row, links),
        after=_with_links(after, item.links), actor_name=ACTOR_NAME,
    )  # fmt: skip
    return (*columns, *changed_links)


def _params(spec: KindSpec, item: Desired) -> list[Any]:
    return [item.values[c] for c in spec.columns]


def _with_links(row: dict[str, Any], links: Links) -> dict[str, Any]:
    """The row as history records it: link sets as sorted id lists next to the columns."""
    return {**row, **{name: sorted(targets) for name, targets in links.items()}}
