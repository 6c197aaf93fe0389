"""A real service process per test module, on a database of the module's own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from service.database.pool import init_connection
from service.resources import data_dir
from service.seeds import load_seeds
from tests.api.client import Client
from tests.api.tokens import auth, create_token
from tests.conftest import clone_database, drop_database
from tests.pg import with_database
from tests.server import RunningService, run_service

# Re-exported for tests: `from tests.api.conftest import auth` (or from tests.api.tokens).
__all__ = ["auth"]


async def load_seed_record(database_url: str) -> None:
    """Load the bundled seed record into a database (before its service starts)."""
    conn = await asyncpg.connect(database_url)
    try:
        await init_connection(conn)
        await load_seeds(conn, [data_dir("seeds")])
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def module_db_url(pg_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A migrated database shared by one test module."""
    name = await clone_database(pg_dsn, template_db)
    yield with_database(pg_dsn, name)
    await drop_database(pg_dsn, name)


@pytest.fixture(scope="module")
def service(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service running against the module's database."""
    tmp: Path = tmp_path_factory.mktemp("service")
    with run_service(module_db_url, tmp) as running:
        yield running


@pytest.fixture(scope="module")
def client(service: RunningService, request: pytest.FixtureRequest) -> Client:
    """A client of the module's service that may write (an editor, once tokens exist)."""
    token = None
    if "editor_token" in request.fixturenames or _has_fixture(request, "editor_token"):
        token = request.getfixturevalue("editor_token")
    return Client(service.url, token=token)


def _has_fixture(request: pytest.FixtureRequest, name: str) -> bool:
    try:
        request._fixturemanager.getfixturedefs(name, request.node)
    except Exception:
        return False
    return bool(request._fixturemanager.getfixturedefs(name, request.node))


# Tokens on the module's database, made by the real CLI. Send them with `auth(token)`
# (httpx: `headers=auth(editor_token)`), or use the `client` fixture, which is an editor.
@pytest.fixture(scope="module")
def reader_token(module_db_url: str) -> str:
    """A reader token (`test-reader`): queries only."""
    return create_token(module_db_url, "test-reader", "reader")


@pytest.fixture(scope="module")
def editor_token(module_db_url: str) -> str:
    """An editor token (`test-editor`): queries and every record mutation."""
    return create_token(module_db_url, "test-editor", "editor")


@pytest.fixture(scope="module")
def admin_token(module_db_url: str) -> str:
    """An admin token (`test-admin`): everything, token management included."""
    return create_token(module_db_url, "test-admin", "admin")
