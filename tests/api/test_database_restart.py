"""A database restart under a running service: 503 while it is down, then recovery, and a
subscriber that misses nothing."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from service.embedded import EmbeddedPostgres
from service.migrate import migrate
from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.tokens import create_token
from tests.api.ws import connect, following
from tests.pg import free_port
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

COMPILED_READ = "{ actors(first: 1) { totalCount nodes { name } } }"
SUBSCRIPTION = """subscription { recordChanged(kinds: [ACTOR]) {
    changeId id record { ... on Actor { name } } } }"""


@pytest.fixture(scope="module")
def database() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL of this module's own, that the test may stop and start."""
    folder = Path(tempfile.mkdtemp(prefix="position-record-restart-"))
    folder.chmod(0o755)  # PostgreSQL runs as another user when we are root
    server = EmbeddedPostgres(data_dir=folder, port=free_port(), settings={"fsync": "off"})
    dsn = server.start()

    async def prepare() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await migrate(conn)
        finally:
            await conn.close()

    asyncio.run(prepare())
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def restartable(
    database: EmbeddedPostgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"RATE_LIMIT": "0", "WS_PING_INTERVAL_S": "0.5"}
    with run_service(database.dsn, tmp_path_factory.mktemp("restart"), env) as running:
        yield running


def wait_ready(url: str, status: int, timeout: float = 20.0) -> float:
    """Poll /health/ready until it answers `status`; return how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if httpx.get(f"{url}/health/ready", timeout=3).status_code == status:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"/health/ready never answered {status}")


async def test_restart_answers_503_then_recovers_and_loses_no_event(
    database: EmbeddedPostgres, restartable: RunningService
) -> None:
    writer = Client(restartable.url, token=create_token(database.dsn, "restart-editor", "editor"))

    def create(slug: str) -> str:
        created = ok(writer.mutate("createActor", {"slug": slug, "kind": "STATE", "name": slug}))
        return str(created["id"])

    async with connect(restartable.url) as socket:
        op = await socket.subscribe(SUBSCRIPTION)
        await following(restartable.url, 1)
        before = await asyncio.to_thread(create, "before-restart")
        first = (await socket.next_data(op))["recordChanged"]

        # Read once, so its compiled statement is kept: during the outage it fails before
        # GraphQL runs, and the request goes on the whole way.
        kept = await asyncio.to_thread(Client(restartable.url).post, COMPILED_READ)
        assert kept["extensions"]["sqlRoundTrips"] == 1

        # Started from this thread, not a worker: the server's parent-death signal follows
        # the thread that starts it. (Blocking the loop for the ~0.1 s this takes is fine.)
        database.stop()
        await asyncio.to_thread(wait_ready, restartable.url, 503)
        # A compiled read meanwhile: its statement fails, the executor tries and reports
        # the outage as an error, not a crash.
        down = await asyncio.to_thread(Client(restartable.url).post, COMPILED_READ)
        assert down.get("data") is None
        assert [e["extensions"]["code"] for e in down["errors"]] == ["INTERNAL_SERVER_ERROR"]
        database.start()
        await asyncio.to_thread(wait_ready, restartable.url, 200)
        up = await asyncio.to_thread(Client(restartable.url).post, COMPILED_READ)
        assert up["data"]["actors"]["totalCount"] >= 1
        assert up["extensions"]["sqlRoundTrips"] == 1  # the kept statement, on a new connection

        # The first write after the restart succeeds: broken pool connections are replaced.
        after = await asyncio.to_thread(create, "after-restart")
        second = (await socket.next_data(op, timeout=30))["recordChanged"]
    assert first["id"] == before
    assert second["id"] == after
    assert second["record"] == {"name": "after-restart"}
    assert int(second["changeId"]) == int(first["changeId"]) + 1
