"""The rows of records that just changed, loaded once for all the subscriptions of a process.

Every subscription told of a change may ask for the changed record (`recordChanged {
record { ... } }`): a thousand subscriptions made a thousand reads of the same row. The
first one loads it; the others, at the same moment or later, share that load. The
change feed forgets a record's row when the next change of that record reaches the
process, so a row handed out is the record as it was after the latest change heard of.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from service.lru import Lru

ROWS_KEPT = 1000


class SharedRows:
    """Loads of records' current rows, shared by subscriptions, keyed by kind and id."""

    def __init__(self, max_entries: int = ROWS_KEPT) -> None:
        self._loads: Lru[tuple[str, int], asyncio.Future[Any]] = Lru(max_entries)
        self.loads = 0
        """Rows actually read (the rest were shared)."""

    async def get(self, kind: str, record_id: int, load: Callable[[], Awaitable[Any]]) -> Any:
        """The record's row (None once deleted): `load()`'s, or a load already made."""
        key = (kind, record_id)
        shared: asyncio.Future[Any] | None = self._loads.get(key, None)
        if shared is None or (shared.done() and (shared.cancelled() or shared.exception())):
            self.loads += 1
            shared = asyncio.ensure_future(load())
            self._loads.put(key, shared)
        # Shielded: one subscription going away mid-load must not cancel it for the rest.
        return await asyncio.shield(shared)

    def forget(self, kind: str, record_id: int) -> None:
        """The record changed: its next reader loads it anew."""
        self._loads.discard((kind, record_id))
