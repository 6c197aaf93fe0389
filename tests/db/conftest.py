"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

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
