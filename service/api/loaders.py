"""Per-request DataLoaders: one SQL round-trip per batch, never shared across requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchFn = Callable[[asyncpg.Pool, Sequence[Any]], Awaitable[Sequence[Any]]]


class Loaders:
    """A bag of DataLoaders created on first use, one per batch function, for one request."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._loaders: dict[BatchFn, DataLoader[Any, Any]] = {}

    def get(self, batch: BatchFn) -> DataLoader[Any, Any]:
        """The loader of `batch` (a `async def f(pool, keys) -> values` in key order)."""
        loader = self._loaders.get(batch)
        if loader is None:
            pool = self._pool

            async def load(keys: Sequence[Any]) -> Sequence[Any]:
                return await batch(pool, keys)

            loader = self._loaders[batch] = DataLoader(load_fn=load)
        return loader
