"""A database restart under a running service: 503 while it is down, then recovery, and a
subscriber that misses nothing."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import websockets

from service.database.embedded import EmbeddedPostgres
from service.database.migrate import migrate
from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.refusals import GRJ
from tests.api.tokens import create_token
from tests.api.ws import connect, following
from tests.pg import free_port
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

COMPILED_READ = "{ actors(first: 1) { totalCount nodes { name } } }"
# The text Client.mutate sends for createActor (its plan is kept after the first one).
KEPT_CREATE = (
    "mutation($input: CreateActorInput!) { createActor(input: $input) { record { id version } "
    "errors { field message code } } }"
)
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


def assert_outage(response: httpx.Response) -> None:
    """The documented answer while the database cannot be reached (docs/API.md, Limits)."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"].split(";")[0] == "application/json"
    body = response.json()
    items = body if isinstance(body, list) else [body]  # a batch: one answer an operation
    for item in items:
        assert item["errors"], item
        for error in item["errors"]:
            assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE", error
            assert len(error["extensions"]["errorId"]) == 32, error
            assert error["extensions"]["retryAfter"] == 5, error
            assert error["message"] == "the database cannot be reached: retry in 5 s"
    # Never the driver's words, nor a traceback.
    for leak in ("Errno", "refused", "asyncpg", "Traceback", "connection"):
        assert leak not in response.text, response.text


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
        # the outage as the documented 503, not a crash.
        down = await asyncio.to_thread(
            httpx.post, f"{restartable.url}/graphql", json={"query": COMPILED_READ}
        )
        assert_outage(down)
        # A mutation whose plan is kept (the creates above sent this very text): the
        # outage is a 503 at once, never a second attempt through the executor (the
        # statement may have committed before a connection went), and nothing is written.
        during = await asyncio.to_thread(
            httpx.post,
            f"{restartable.url}/graphql",
            json={"query": KEPT_CREATE, "variables": {"input": {
                "slug": "during-outage", "kind": "STATE", "name": "D"}}},
            headers=writer.headers(),
        )  # fmt: skip
        assert_outage(during)
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
    missing = await asyncio.to_thread(writer.data, '{ actor(slug: "during-outage") { id } }')
    assert missing == {"actor": None}
    assert "answer=mutation" in restartable.log()  # the creates after the first were kept
    assert second["record"] == {"name": "after-restart"}
    assert int(second["changeId"]) == int(first["changeId"]) + 1


ACTOR_BY_SLUG = "query($slug: String!) { actor(slug: $slug) { name } }"
CREATE_ACTOR = """mutation($slug: String!) { createActor(input: {slug: $slug, kind: STATE,
    name: $slug}) { record { id } errors { code } } }"""


async def test_an_outage_is_a_503_to_every_request_then_everything_resumes(
    database: EmbeddedPostgres, restartable: RunningService
) -> None:
    url = f"{restartable.url}/graphql"
    editor = create_token(database.dsn, "outage-editor", "editor")
    unused = create_token(database.dsn, "outage-unused", "reader")  # never looked up yet
    async with connect(restartable.url) as socket:
        op = await socket.subscribe(SUBSCRIPTION)
        await asyncio.sleep(0.2)
        before = await asyncio.to_thread(
            httpx.post, url, json={"query": CREATE_ACTOR, "variables": {"slug": "pre-outage"}},
            headers={"authorization": f"Bearer {editor}"},
        )  # fmt: skip
        assert before.json()["data"]["createActor"]["errors"] == []
        seen = (await socket.next_data(op))["recordChanged"]["changeId"]

    database.stop()
    try:
        await asyncio.to_thread(wait_ready, restartable.url, 503)
        bearer = {"authorization": f"Bearer {editor}"}
        write = {"query": CREATE_ACTOR, "variables": {"slug": "during-outage"}}
        read = {"query": ACTOR_BY_SLUG, "variables": {"slug": "pre-outage"}}
        cases: list[tuple[str, dict[str, Any]]] = [
            ("anonymous query", {"json": read}),
            ("query, token never looked up", {"json": read, "headers": _bearer(unused)}),
            ("query with a token", {"json": read, "headers": bearer}),
            ("mutation with a token", {"json": write, "headers": bearer}),
            ("batch", {"json": [read, {"query": COMPILED_READ}]}),
            ("batch with a token", {"json": [read, write], "headers": bearer}),
            ("GET", {"method": "GET", "params": {"query": COMPILED_READ}}),
        ]
        for name, args in cases:
            method = str(args.pop("method", "POST"))
            response = await asyncio.to_thread(httpx.request, method, url, **args)
            try:
                assert_outage(response)
            except AssertionError as failure:
                raise AssertionError(f"{name}: {failure}") from failure
        spec = await asyncio.to_thread(httpx.post, url, json=read, headers={"accept": GRJ})
        assert spec.status_code == 503
        assert spec.headers["content-type"].startswith(GRJ)

        # A websocket whose token must be looked up is closed with 1013 and the code.
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with connect(restartable.url, {"token": unused}) as refused:
                await refused.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1013
        assert closed.value.rcvd.reason.startswith("DATABASE_UNAVAILABLE")
        # A subscription started meanwhile is told with the same code.
        async with connect(restartable.url) as socket:
            await socket.send({"id": "resume", "type": "subscribe", "payload": {
                "query": RESUME, "variables": {"after": seen}}})  # fmt: skip
            told = await socket.receive(timeout=15)
            assert told["id"] == "resume", told
            errors = told["payload"] if told["type"] == "error" else told["payload"]["errors"]
            assert [e["extensions"]["code"] for e in errors] == ["DATABASE_UNAVAILABLE"], told
    finally:
        database.start()
    await asyncio.to_thread(wait_ready, restartable.url, 200)

    # Nothing half-written: the refused mutation wrote nothing.
    during = await asyncio.to_thread(
        httpx.post, url, json={"query": ACTOR_BY_SLUG, "variables": {"slug": "during-outage"}}
    )
    assert during.status_code == 200
    assert during.json()["data"] == {"actor": None}
    # The token refused meanwhile works now; a subscription resumes where it stopped.
    after = await asyncio.to_thread(
        httpx.post, url, json={"query": CREATE_ACTOR, "variables": {"slug": "post-outage"}},
        headers={"authorization": f"Bearer {editor}"},
    )  # fmt: skip
    assert after.json()["data"]["createActor"]["errors"] == []
    async with connect(restartable.url, {"token": unused}) as socket:
        await socket.send({"id": "resume", "type": "subscribe", "payload": {
            "query": RESUME, "variables": {"after": seen}}})  # fmt: skip
        resumed = (await socket.next_data("resume", timeout=15))["recordChanged"]
    assert resumed["record"] == {"name": "post-outage"}
    assert int(resumed["changeId"]) == int(seen) + 1


RESUME = """subscription($after: String) { recordChanged(kinds: [ACTOR], afterChangeId: $after) {
    changeId record { ... on Actor { name } } } }"""


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_a_service_started_while_its_database_is_down_serves_503_then_recovers(
    database: EmbeddedPostgres, tmp_path: Path
) -> None:
    # A worker that uvicorn restarts during an outage starts like this: before, its pool
    # failed to open, its start-up failed, and `serve` went down with it.
    database.stop()
    try:
        with run_service(database.dsn, tmp_path, {"RATE_LIMIT": "0"}) as service:
            assert httpx.get(f"{service.url}/health/live").status_code == 200
            assert httpx.get(f"{service.url}/health/ready").status_code == 503
            assert_outage(httpx.post(f"{service.url}/graphql", json={"query": COMPILED_READ}))
            database.start()
            wait_ready(service.url, 200)
            answer = httpx.post(f"{service.url}/graphql", json={"query": COMPILED_READ})
            assert answer.status_code == 200, answer.text
            assert "errors" not in answer.json()
            assert service.process.poll() is None
            assert "database unreachable at start" in service.log()
    finally:
        if database.pid is None:
            database.start()
