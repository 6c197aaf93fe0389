"""The rows of records that just changed, loaded once for all the subscriptions of a process.

Every subscription told of a change may ask for the changed record (`recordChanged {
record { ... } }`): a thousand subscriptions made a thousand reads of the same row. The
first one loads it; the others, at the same moment or later, share that load. The
change feed forgets a record's row when the next change of that record reaches the
process, so a row handed out is the record as it was after the latest change heard of.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from service.lru import Lru

ROWS_KEPT = 1000


class SharedRows:
    """Loads shared by subscriptions: records' current rows, keyed by kind and id, and any
    other answer that depends only on a change (keyed by the caller, change id included)."""

    def __init__(self, max_entries: int = ROWS_KEPT) -> None:
        self._loads: Lru[Hashable, asyncio.Future[Any]] = Lru(max_entries)
        self.loads = 0
        """Loads actually made (the rest were shared)."""

    async def get(self, kind: str, record_id: int, load: Callable[[], Awaitable[Any]]) -> Any:
        """The record's row (None once deleted): `load()`'s, or a load already made."""
        return await self.share((kind, record_id), load)

    async def share(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        """`load()`'s answer, or that of a load already made under `key`."""
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

    def clear(self) -> None:
        """Forget everything: changes were not heard (nobody followed the feed)."""
        self._loads.clear()
