"""Two instances behind PgBouncer in transaction mode: queries and writes, nothing lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import urlparse

import asyncpg
import httpx
import pytest

from tests import pgbouncer
from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.tokens import create_token
from tests.api.ws import connect, following
from tests.server import RunningService, run_service
from tests.tools import requires_tool

pytestmark = [
    pytest.mark.db,
    pytest.mark.slow,
    requires_tool("pgbouncer", pgbouncer.available()),
]

WRITES_PER_INSTANCE = 25


@pytest.fixture(scope="module")
def pooled_url(module_db_url: str) -> Iterator[str]:
    with pgbouncer.pgbouncer(module_db_url) as template:
        yield template.format(database=urlparse(module_db_url).path.lstrip("/"))


@pytest.fixture(scope="module")
def instances(
    pooled_url: str, module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[RunningService]]:
    env = {
        "DB_STATEMENT_CACHE_SIZE": "0",  # no prepared-statement cache behind PgBouncer
        "LISTEN_DATABASE_URL": module_db_url,  # LISTEN needs a direct session
        "RATE_LIMIT": "0",
    }
    with (
        run_service(pooled_url, tmp_path_factory.mktemp("a"), env) as first,
        run_service(pooled_url, tmp_path_factory.mktemp("b"), env) as second,
    ):
        yield [first, second]


async def test_concurrent_writes_and_reads_through_pgbouncer_lose_nothing(
    instances: list[RunningService], module_db_url: str
) -> None:
    token = create_token(module_db_url, "bouncer-editor", "editor")
    clients = [Client(service.url, token=token) for service in instances]

    def write(client: Client, index: int, n: int) -> list[str]:
        ids = []
        for i in range(n):
            slug = f"pooled-{index}-{i}"
            created = ok(
                client.mutate("createActor", {"slug": slug, "kind": "STATE", "name": slug})
            )
            updated = ok(
                client.mutate(
                    "updateActor",
                    {"id": created["id"], "expectedVersion": 1, "summary": "through PgBouncer"},
                )
            )
            assert updated["version"] == 2
            ids.append(created["id"])
            # A read between writes, on the same pooled connections.
            data = client.data("query($s: String!) { actor(slug: $s) { summary } }", {"s": slug})
            assert data["actor"]["summary"] == "through PgBouncer"
        return ids

    async with connect(instances[1].url) as socket:
        op = await socket.subscribe("subscription { recordChanged(kinds: [ACTOR]) { id } }")
        await following(instances[1].url, 1)
        batches = await asyncio.gather(
            *(
                asyncio.to_thread(write, client, index, WRITES_PER_INSTANCE)
                for index, client in enumerate(clients)
            )
        )
        events = await socket.collect(op, 4 * WRITES_PER_INSTANCE, timeout=30)
    created = {i for batch in batches for i in batch}
    assert len(created) == 2 * WRITES_PER_INSTANCE
    # Every create and every update reached the subscriber on the other instance.
    assert {e["recordChanged"]["id"] for e in events} == created

    conn = await asyncpg.connect(module_db_url)
    try:
        stored = await conn.fetchval(
            "select count(*) from actor where slug like 'pooled-%' and version = 2"
        )
        changes = await conn.fetchval(
            "select count(*) from change c join actor a on a.id = c.record_id "
            "where a.slug like 'pooled-%'"
        )
    finally:
        await conn.close()
    assert stored == 2 * WRITES_PER_INSTANCE
    assert changes == 4 * WRITES_PER_INSTANCE
    totals = [
        client.data("{ actors(filter: {kinds: [STATE]}) { totalCount } }") for client in clients
    ]
    assert totals[0] == totals[1]


def test_an_export_streams_through_pgbouncer(instances: list[RunningService]) -> None:
    """A snapshot and its cursor hold one server connection for their transaction."""
    for service in instances:
        response = httpx.get(f"{service.url}/exports/actors.ndjson", timeout=30)
        assert response.status_code == 200, response.text
        lines = response.content.splitlines()
        assert len(lines) == 2 * WRITES_PER_INSTANCE
        assert int(response.headers["x-change-id"]) == 4 * WRITES_PER_INSTANCE
