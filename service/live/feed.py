"""Follow the change feed: first what was missed, then live changes, no gap, no duplicate."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from service.db import query
from service.live.listener import ChangeListener

BATCH = 200


async def latest_change_id(pool: asyncpg.Pool) -> int:
    """The id of the newest committed change (0 on an empty record)."""
    latest: int = await pool.fetchval(query("live", "latest_change_id"))
    return latest


async def follow_changes(
    pool: asyncpg.Pool,
    listener: ChangeListener,
    *,
    after: int | None,
    kinds: Sequence[str] | None = None,
    record_ids: Sequence[int] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Yield change rows after change `after` (None: from now on), forever.

    Args:
        pool: where to read the feed.
        listener: wakes us when changes may have been committed.
        after: the last change id the client saw; every later change is yielded once.
        kinds: only changes of these record kinds.
        record_ids: only changes of these records.
    """
    last = await latest_change_id(pool) if after is None else after
    kind_list = list(kinds) if kinds else None
    id_list = list(record_ids) if record_ids else None
    with listener.subscribe() as wake:
        while True:
            # Clear before reading: a change committed while we read sets it again.
            wake.clear()
            rows = await pool.fetch(query("live", "changes_after"), last, kind_list, id_list, BATCH)
            for row in rows:
                last = row["id"]
                yield dict(row)
            if len(rows) < BATCH:
                await wake.wait()
