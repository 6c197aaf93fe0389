"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from service.live.feed import SharedFeed
from service.live.listener import ChangeListener
from tests.api.conftest import load_seed_record


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to a migrated database of this test's own, holding the seed record
    (test_explain.py holds a generated record under the same name)."""
    await load_seed_record(db_url)
    connection = await asyncpg.connect(db_url)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def feed(db_url: str, pool: asyncpg.Pool) -> AsyncIterator[SharedFeed]:
    """The change feed's reader of a process, on `pool`, woken by its own listener."""
    listener = ChangeListener(db_url)
    listener.start()
    shared = SharedFeed(pool, listener)
    try:
        yield shared
    finally:
        await shared.stop()
        await listener.stop()
