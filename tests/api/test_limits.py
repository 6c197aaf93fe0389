"""Every limit a request meets, each broken on purpose, through a real server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.api.refusals import GRJ, assert_refusal
from tests.api.tokens import auth, create_token
from tests.api.ws import connect
from tests.conftest import clone_database, drop_database
from tests.pg import with_database
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]


def post(service: RunningService, body: Any, **headers: str) -> httpx.Response:
    return httpx.post(f"{service.url}/graphql", json=body, headers=headers, timeout=30)


def query(
    service: RunningService, text: str, variables: Any = None, **headers: str
) -> httpx.Response:
    return post(service, {"query": text, "variables": variables or {}}, **headers)


def error_codes(response: httpx.Response) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]


def nested(hops: int) -> str:
    """Actors' statements' speakers' statements...: three levels of depth per hop."""
    hop = "statements(first: 1) { nodes { speaker { "
    return "{ actors(first: 1) { nodes { " + hop * hops + "id" + " } } }" * hops + " } } }"


@pytest.fixture(scope="module")
def one_actor(service: RunningService, editor_token: str) -> str:
    """An actor, so that lists under actors are resolved (and their arguments checked)."""
    created = query(
        service,
        'mutation { createActor(input: {slug: "one", kind: STATE, name: "One"}) '
        "{ record { id } errors { code } } }",
        **auth(editor_token),
    ).json()["data"]["createActor"]
    assert created["errors"] == []
    return str(created["record"]["id"])


# Shape of the document -------------------------------------------------------------


def test_depth(service: RunningService) -> None:
    assert "errors" not in query(service, nested(3)).json()  # 11 levels
    too_deep = query(service, nested(4))  # 14 levels
    assert error_codes(too_deep) == ["QUERY_TOO_DEEP"]
    assert "exceeds maximum operation depth of 12" in too_deep.json()["errors"][0]["message"]


def test_aliases(service: RunningService) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(30))
    assert "errors" not in query(service, f"{{ {aliases} }}").json()
    response = query(service, f"{{ {aliases} one_more: __typename }}")
    assert error_codes(response) == ["TOO_MANY_ALIASES"]
    assert response.json()["errors"][0]["message"] == "31 aliases found. Allowed: 30"


def test_tokens(service: RunningService) -> None:
    response = query(service, "{ " + "__typename " * 2000 + "}")
    assert error_codes(response) == ["TOO_MANY_TOKENS"]
    assert "more than 2000 tokens" in response.json()["errors"][0]["message"]


def test_operations_per_request(service: RunningService) -> None:
    five = post(service, [{"query": "{ __typename }"}] * 5)
    assert five.status_code == 200
    assert [r["data"] for r in five.json()] == [{"__typename": "Query"}] * 5
    six = post(service, [{"query": "{ __typename }"}] * 6)
    error = assert_refusal(six, 400, "TOO_MANY_OPERATIONS")
    assert error["message"] == "a batch may hold at most 5 operations (this one holds 6)"
    spec = post(service, [{"query": "{ __typename }"}] * 6, accept=GRJ)
    assert_refusal(spec, 400, "TOO_MANY_OPERATIONS", GRJ)


@pytest.mark.parametrize(
    "document",
    [
        "{ actors(first: 101) { totalCount } }",
        "{ actors(last: 101) { totalCount } }",
        "{ actors(first: 1) { nodes { statements(first: 101) { totalCount } } } }",
        "{ changes(first: 101) { totalCount } }",
    ],
)
def test_page_size(service: RunningService, one_actor: str, document: str) -> None:
    response = query(service, document)
    assert error_codes(response) == ["INVALID"]
    assert "between 0 and 100" in response.json()["errors"][0]["message"]


def test_request_body_size(service: RunningService) -> None:
    padding = "#" * (1024 * 1024)
    response = query(service, f"{{ __typename }}\n{padding}")
    assert "MAX_REQUEST_BODY_BYTES" in assert_refusal(response, 413, "REQUEST_TOO_LARGE")["message"]
    spec = query(service, f"{{ __typename }}\n{padding}", accept=GRJ)
    assert_refusal(spec, 413, "REQUEST_TOO_LARGE", GRJ)


# Cost -------------------------------------------------------------------------------

THREE_LEVELS = """query($n: Int) {
    actors(first: $n) { nodes {
        statements(first: $n) { nodes {
            citations(first: $n) { nodes { id } }
        } }
    } }
}"""


def test_cost_counts_page_sizes_through_the_nesting(service: RunningService) -> None:
    response = query(service, THREE_LEVELS, {"n": 100})
    body = response.json()
    assert error_codes(response) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["nodes"] == 100 + 100**2 + 100**3
    assert body["data"] is None
    assert body["extensions"]["sqlRoundTrips"] == 0  # refused before any SQL
    allowed = query(service, THREE_LEVELS, {"n": 10}).json()
    assert "errors" not in allowed
    assert allowed["extensions"]["sqlRoundTrips"] > 0


def test_cost_uses_the_default_page_size_and_adds_aliases_and_fragments(
    service: RunningService,
) -> None:
    # 20 + 20*20 + 20*20*20 = 8420 nodes with default pages: allowed.
    defaults = "{ actors { nodes { statements { nodes { citations { nodes { id } } } } } } }"
    assert "errors" not in query(service, defaults).json()
    fragment = " fragment s on ActorConnection { nodes { statements(first: 100) { totalCount } } }"

    def aliases(count: int) -> str:
        return "{ " + " ".join(f"a{i}: actors(first: 100) {{ ...s }}" for i in range(count)) + " }"

    assert "errors" not in query(service, aliases(9) + fragment).json()  # 9 * 10100 = 90900
    response = query(service, aliases(10) + fragment)
    assert error_codes(response) == ["QUERY_TOO_COSTLY"]
    assert response.json()["errors"][0]["extensions"]["nodes"] == 101000


async def test_a_costly_mutation_writes_nothing(
    service: RunningService, module_db_url: str, editor_token: str
) -> None:
    mutation = """mutation { createActor(input: {slug: "costly", kind: STATE, name: "C"}) {
        record { citations(first: 100) { nodes { source {
            quotedIn(first: 100) { nodes { subject { citations(first: 100) { totalCount } } } }
        } } } }
    } }"""
    response = query(service, mutation, **auth(editor_token))
    assert error_codes(response) == ["QUERY_TOO_COSTLY"]
    conn = await asyncpg.connect(module_db_url)
    try:
        assert await conn.fetchval("select count(*) from actor where slug = 'costly'") == 0
    finally:
        await conn.close()


# Time, and requests per minute: services of their own, on a record big enough to be slow.

# Every bulk actor matches all five words, many times: ranking them (ts_rank of an AND of
# five terms, over every hit) takes about a second. Excerpts are made for the page only,
# so one word would be ranked too fast for these timeouts.
# What the timeouts' answers may take on a busy machine: the code and status prove the
# timeout fired; this bound only catches a request that waited for the whole query.
ANSWERED_WITHIN_S = 10.0
SLOW_SEARCH = (
    '{ search(text: "security guarantee ceasefire monitoring force", first: 5) '
    "{ nodes { excerpt } } }"
)
BULK_ACTORS = 8000


@pytest.fixture(scope="module")
async def bulk_db_url(pg_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A record with thousands of long actor summaries: a full-text search takes seconds."""
    name = await clone_database(pg_dsn, template_db)
    url = with_database(pg_dsn, name)
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            """with r as (
                insert into record (kind) select 'actor' from generate_series(1, $1) returning id
            )
            insert into actor (id, slug, kind, name, summary)
            select id, 'bulk-' || id, 'person', 'Person ' || id,
                   repeat('security guarantee ceasefire monitoring force ', 40)
            from r""",
            BULK_ACTORS,
        )
    finally:
        await conn.close()
    yield url
    await drop_database(pg_dsn, name)


@pytest.fixture(scope="module")
def short_statements(
    bulk_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"STATEMENT_TIMEOUT_MS": "200"}
    with run_service(bulk_db_url, tmp_path_factory.mktemp("statements"), env) as running:
        yield running


@pytest.fixture(scope="module")
def short_requests(
    bulk_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"REQUEST_TIMEOUT_MS": "300", "STATEMENT_TIMEOUT_MS": "60000"}
    with run_service(bulk_db_url, tmp_path_factory.mktemp("requests"), env) as running:
        yield running


@pytest.fixture(scope="module")
def few_requests(
    bulk_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    with run_service(bulk_db_url, tmp_path_factory.mktemp("rate"), {"RATE_LIMIT": "5"}) as running:
        yield running


def test_statement_timeout_gives_a_clean_error(short_statements: RunningService) -> None:
    # The second time, the statement kept the first time times out before GraphQL runs.
    for _ in ("compiled for this request", "kept statement"):
        started = time.monotonic()
        response = query(short_statements, SLOW_SEARCH)
        assert time.monotonic() - started < ANSWERED_WITHIN_S
        assert response.status_code == 200
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "TIMEOUT"
        assert error["path"] == ["search"]
        assert "after 200 ms" in error["message"]
        # One statement: the compiled search timed out, and nothing tried it again.
        assert response.json()["extensions"]["sqlRoundTrips"] == 1
    # The pool's connection came back healthy.
    assert query(short_statements, "{ actors(first: 1) { totalCount } }").status_code == 200


async def test_request_timeout_answers_504_and_stops_the_query(
    short_requests: RunningService, bulk_db_url: str
) -> None:
    started = time.monotonic()
    response = query(short_requests, SLOW_SEARCH)
    assert time.monotonic() - started < ANSWERED_WITHIN_S
    assert response.status_code == 504
    assert response.json() == {
        "errors": [
            {
                "message": "the request took longer than 300 ms and was cancelled",
                "extensions": {"code": "TIMEOUT"},
            }
        ]
    }
    # The cancelled search does not keep running in PostgreSQL.
    conn = await asyncpg.connect(bulk_db_url)
    try:
        deadline = time.monotonic() + 30  # generous: the cancel is sent at once
        while True:
            running = await conn.fetchval(
                "select count(*) from pg_stat_activity where application_name = "
                "'position-record' and state = 'active' and query like '%ts_headline%'"
            )
            if running == 0 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)  # poll
        assert running == 0, "the cancelled search still runs in PostgreSQL"
    finally:
        await conn.close()
    total = query(short_requests, "{ actors(first: 1) { totalCount } }").json()
    assert total["data"]["actors"]["totalCount"] == BULK_ACTORS


def test_rate_limit_per_address_and_per_token(
    few_requests: RunningService, bulk_db_url: str
) -> None:
    token = create_token(bulk_db_url, "rate-limited", "reader")
    remaining = []
    for _ in range(5):
        response = query(few_requests, "{ __typename }")
        assert response.status_code == 200
        remaining.append(int(response.headers["ratelimit-remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    refused = query(few_requests, "{ __typename }")
    error = assert_refusal(refused, 429, "RATE_LIMITED")
    assert error["extensions"]["retryAfter"] == int(refused.headers["retry-after"])
    assert "5 operations a minute" in error["message"]
    assert_refusal(query(few_requests, "{ __typename }", accept=GRJ), 429, "RATE_LIMITED", GRJ)
    assert refused.headers["ratelimit-limit"] == "5"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-policy"] == "5; w=60"
    assert 0 < int(refused.headers["ratelimit-reset"]) <= 60
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    # A token has its own budget; a made-up token spends the address's (already spent).
    with_token = query(few_requests, "{ __typename }", **auth(token))
    assert with_token.status_code == 200
    assert with_token.headers["ratelimit-remaining"] == "4"
    assert query(few_requests, "{ __typename }", **auth("pr_1_made-up")).status_code == 429


async def test_operations_over_websockets_spend_the_same_budget(
    few_requests: RunningService, bulk_db_url: str
) -> None:
    token = create_token(bulk_db_url, "rate-limited-socket", "reader")
    for remaining in ("4", "3"):
        answer = query(few_requests, "{ __typename }", **auth(token))
        assert answer.headers["ratelimit-remaining"] == remaining
    async with connect(few_requests.url, {"token": token}) as socket:
        for _ in range(3):  # what the two HTTP requests left
            op_id = await socket.subscribe("{ __typename }")
            assert await socket.next_data(op_id) == {"__typename": "Query"}
        for _ in range(2):  # refused, and the socket stays open for the next one
            op_id = await socket.subscribe("{ __typename }")
            message = await socket.receive()
            while message["type"] == "complete":  # the last query's end
                message = await socket.receive()
            assert message["id"] == op_id
            assert message["type"] == "error"
            error = message["payload"][0]
            assert error["extensions"]["code"] == "RATE_LIMITED"
            assert 0 < error["extensions"]["retryAfter"] <= 60
            assert "5 operations a minute" in error["message"]
    # The websocket spent the token's budget: HTTP is refused as well.
    refused = query(few_requests, "{ __typename }", **auth(token))
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
