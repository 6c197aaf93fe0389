"""Fixtures: one PostgreSQL per session, a migrated template, a fresh clone per test."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from service.db import init_connection
from service.migrate import migrate
from tests.pg import postgres_server, with_database

_RUN = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A superuser DSN of the session's server."""
    # Not under pytest's tmp_path: that folder is private to root, and Postgres, when we
    # are root, runs as another user that must reach its data folder.
    tmp = Path(tempfile.mkdtemp(prefix="position-record-pg-"))
    tmp.chmod(0o755)
    try:
        with postgres_server(tmp) as dsn:
            yield dsn
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _admin(pg_dsn: str) -> asyncpg.Connection:
    return await asyncpg.connect(with_database(pg_dsn, "postgres"))


@pytest.fixture(scope="session")
async def template_db(pg_dsn: str) -> AsyncIterator[str]:
    """Name of a database with every migration applied, cloned by each test."""
    name = f"pr_template_{_RUN}"
    admin = await _admin(pg_dsn)
    try:
        await admin.execute(f'create database "{name}"')
        conn = await asyncpg.connect(with_database(pg_dsn, name))
        try:
            await migrate(conn)
        finally:
            await conn.close()
        yield name
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


async def clone_database(pg_dsn: str, template: str) -> str:
    """Create a fresh database from `template`; return its name."""
    name = f"pr_test_{_RUN}_{uuid.uuid4().hex[:8]}"
    admin = await _admin(pg_dsn)
    try:
        await admin.execute(f'create database "{name}" template "{template}"')
    finally:
        await admin.close()
    return name


async def drop_database(pg_dsn: str, name: str) -> None:
    """Drop a test database, closing whatever still uses it."""
    admin = await _admin(pg_dsn)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.fixture
async def db_url(pg_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A migrated database of this test's own, dropped afterwards."""
    name = await clone_database(pg_dsn, template_db)
    yield with_database(pg_dsn, name)
    await drop_database(pg_dsn, name)


@pytest.fixture
async def empty_db_url(pg_dsn: str) -> AsyncIterator[str]:
    """An empty database (no migrations) of this test's own."""
    name = f"pr_empty_{_RUN}_{uuid.uuid4().hex[:8]}"
    admin = await _admin(pg_dsn)
    try:
        await admin.execute(f'create database "{name}"')
    finally:
        await admin.close()
    yield with_database(pg_dsn, name)
    await drop_database(pg_dsn, name)


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on this test's database, with the service's connection setup."""
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=5, init=init_connection)
    assert pool is not None
    yield pool
    await pool.close()
