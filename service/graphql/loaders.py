"""Per-request DataLoaders: one SQL round-trip per batch, never shared across requests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

import asyncpg
from strawberry.dataloader import DataLoader

BatchFn = Callable[[asyncpg.Pool, Sequence[Any]], Awaitable[Sequence[Any]]]


class SharedLoader(DataLoader[Any, Any]):
    """A DataLoader whose waiters cannot cancel each other's answer.

    Every caller of one key awaits the same future; a task's cancel cancels the future
    it awaits, so a cancelled caller would cancel the key for all its other callers (an
    `asyncio.CancelledError` no error handler catches). Each caller awaits a shield.
    """

    def load(self, key: Any) -> Awaitable[Any]:
        """The value of `key`, batched with this tick's other keys."""
        return asyncio.shield(super().load(key))


class Loaders:
    """DataLoaders created on first use for one request (or one subscription event)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._loaders: dict[Hashable, SharedLoader] = {}

    def get(self, batch: BatchFn, key: Hashable | None = None) -> SharedLoader:
        """The loader running `batch(pool, keys) -> values in key order`.

        Args:
            batch: the batch function.
            key: identifies the loader when `batch` is a fresh closure (default: batch itself).
        """
        identity = batch if key is None else key
        loader = self._loaders.get(identity)
        if loader is None:
            pool = self._pool

            async def load(keys: Sequence[Any]) -> Sequence[Any]:
                return await batch(pool, keys)

            loader = self._loaders[identity] = SharedLoader(load_fn=load)
        return loader
