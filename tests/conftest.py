"""Fixtures: one PostgreSQL per session, a migrated template, a fresh clone per test."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from service.database.migrate import migrate
from service.database.pool import init_connection
from tests.pg import postgres_server, with_database
from tests.tools import check_required_tools, in_ci, tool_named_in

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


def pytest_configure(config: pytest.Config) -> None:
    """The suite's own marker of tests needing a tool (see tests/tools.py)."""
    config.addinivalue_line(
        "markers", "requires_tool(tool, available): needs a tool .ci/run installs"
    )


@pytest.hookimpl(tryfirst=True)  # before `-m db` deselects anything
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test on the session's database is marked `db`.

    CI runs `-m db` again on PostgreSQL 15: a test using the database without the marker
    would silently not run there. Refused at collection, so it cannot be forgotten.
    """
    unmarked = [
        item.nodeid
        for item in items
        if "pg_dsn" in getattr(item, "fixturenames", ()) and item.get_closest_marker("db") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests using the database (the pg_dsn fixture) without the `db` marker:\n  "
            + "\n  ".join(unmarked)
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tools a test needs: a skip without them, a failure under CI."""
    check_required_tools(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI, a skip naming a tool .ci/run installs is a failure, however it was made."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not (report.skipped and in_ci()) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    tool = tool_named_in(reason)
    if tool is not None:
        report.outcome = "failed"
        report.longrepr = f"{reason}: CI installs {tool}, so this skip is a failure"
