"""Production hardening: no introspection, no suggestions, no playground, masked errors."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from service.database.pool import init_connection
from service.kinds.actors.description import ACTOR
from service.record import writer
from service.record.history import write_transaction
from tests.api.tokens import auth, create_token
from tests.api.ws import connect
from tests.conftest import clone_database, drop_database
from tests.pg import with_database
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture(scope="module")
async def prod_db_url(pg_dsn: str, template_db: str) -> AsyncIterator[str]:
    name = await clone_database(pg_dsn, template_db)
    yield with_database(pg_dsn, name)
    await drop_database(pg_dsn, name)


@pytest.fixture(scope="module")
def production(
    prod_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"ENVIRONMENT": "production"}
    with run_service(prod_db_url, tmp_path_factory.mktemp("production"), env) as running:
        yield running


@pytest.fixture(scope="module")
def reader(prod_db_url: str) -> dict[str, str]:
    return auth(create_token(prod_db_url, "prod-reader", "reader"))


def query(service: RunningService, text: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{service.url}/graphql", json={"query": text}, headers=headers, timeout=10)


def first_error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["errors"][0]
    return error


def test_anonymous_reads_are_off_by_default(production: RunningService) -> None:
    response = query(production, "{ actors { totalCount } }", {})
    assert response.status_code == 401
    assert first_error(response)["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "document", ["{ __schema { types { name } } }", '{ __type(name: "Actor") { name } }']
)
def test_introspection_is_off(
    production: RunningService, reader: dict[str, str], document: str
) -> None:
    response = query(production, document, reader)
    assert first_error(response)["extensions"]["code"] == "INTROSPECTION_DISABLED"
    assert response.json()["data"] is None
    typename = query(production, "{ __typename }", reader).json()
    assert typename == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "document",
    [
        "{ actrs { totalCount } }",
        "{ actors(frist: 1) { totalCount } }",
        "{ actors(filter: {kinds: [STAT]}) { totalCount } }",
        "{ actors { totlCount } }",
    ],
)
def test_no_field_suggestions(
    production: RunningService, reader: dict[str, str], document: str
) -> None:
    response = query(production, document, reader)
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages
    assert not any("Did you mean" in m for m in messages), messages


def test_no_playground(production: RunningService) -> None:
    page = httpx.get(f"{production.url}/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()


async def test_unexpected_errors_are_masked_and_logged_with_their_id(
    production: RunningService, prod_db_url: str, reader: dict[str, str]
) -> None:
    # A genuine failure: the table a query reads is gone (a botched deployment).
    conn = await asyncpg.connect(prod_db_url)
    try:
        await conn.execute("alter table track rename to track_moved_away")
        try:
            response = query(production, "{ tracks { totalCount } }", reader)
        finally:
            await conn.execute("alter table track_moved_away rename to track")
    finally:
        await conn.close()
    assert response.status_code == 200
    body = response.json()
    error = body["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert re.fullmatch(r"[0-9a-f]{32}", error_id)
    assert "does not exist" not in json.dumps(body)  # nothing of the cause reaches the client
    assert "extensions" not in body or "sqlRoundTrips" not in body["extensions"]

    lines = [json.loads(line) for line in production.log().splitlines() if error_id in line]
    assert len(lines) == 1
    logged = lines[0]
    assert logged["level"] == "error"
    assert 'relation "track" does not exist' in logged["event"]
    assert "Traceback" in logged["exception"]
    assert "UndefinedTableError" in logged["exception"]


@pytest.fixture(scope="module")
def introspective(
    prod_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"ENVIRONMENT": "production", "INTROSPECTION": "true", "ALLOW_ANONYMOUS_READS": "true"}
    with run_service(prod_db_url, tmp_path_factory.mktemp("introspective"), env) as running:
        yield running


def test_introspection_and_suggestions_can_be_turned_on(introspective: RunningService) -> None:
    schema = query(introspective, "{ __schema { queryType { name } } }", {}).json()
    assert schema["data"]["__schema"]["queryType"]["name"] == "Query"
    typo = query(introspective, "{ actrs { totalCount } }", {})
    assert "Did you mean" in first_error(typo)["message"]


RECORD_CHANGED = """subscription {
  recordChanged(afterChangeId: "0") { changeId record { ... on Actor { name } } } }"""


async def _first_message(service: RunningService, token: str, document: str) -> dict[str, Any]:
    """Over a real websocket: init with `token`, run `document`, its first message."""
    async with connect(service.url, {"token": token}) as socket:
        op = await socket.subscribe(document)
        message = await socket.receive(timeout=30)
        assert message.get("id") == op, message
        return message


@pytest.mark.parametrize(
    ("moved", "document"),
    [("actor", RECORD_CHANGED), ("track", "{ tracks { totalCount } }")],
    ids=["subscription", "query"],
)
async def test_unexpected_errors_over_websockets_are_masked(
    production: RunningService, prod_db_url: str, moved: str, document: str
) -> None:
    token = create_token(prod_db_url, f"prod-ws-{moved}", "reader")
    conn = await asyncpg.connect(prod_db_url)
    try:
        await init_connection(conn)
        # A change to resume from, whose record the subscription then fails to read.
        async with write_transaction(conn):
            await writer.insert(
                conn, ACTOR, {"slug": f"ws-{moved}", "kind": "state", "name": "W"},
                actor_name="test",
            )  # fmt: skip
        await conn.execute(f"alter table {moved} rename to {moved}_moved_away")
        try:
            message = await _first_message(production, token, document)
        finally:
            await conn.execute(f"alter table {moved}_moved_away rename to {moved}")
    finally:
        await conn.close()

    assert message["type"] == "next", message
    (error,) = message["payload"]["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert re.fullmatch(r"[0-9a-f]{32}", error_id)
    text = json.dumps(message)
    for internal in ("does not exist", "relation", "Traceback", "asyncpg", "Undefined"):
        assert internal not in text, text
    lines = [json.loads(line) for line in production.log().splitlines() if error_id in line]
    assert len(lines) == 1
    assert f'relation "{moved}" does not exist' in lines[0]["event"]
