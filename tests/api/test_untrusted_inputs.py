"""Inputs no client of ours sends, sent anyway: each gets a clear INVALID error, never an
internal server error, and nothing is written.

Cursors and global ids are opaque but not signed, so a client may forge any; JSON and
GraphQL let a string hold `\\u0000`, which PostgreSQL's text cannot.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest
import websockets

from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.ws import connect
from tests.server import RunningService

pytestmark = [pytest.mark.db]


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor(values: list[Any]) -> str:
    return _b64(json.dumps(values))


def _errors(client: Client, query: str, variables: dict[str, Any] | None = None) -> list[Any]:
    body = client.post(query, variables)
    errors: list[Any] = body.get("errors", [])
    assert errors, body
    return errors


WARNINGS_AFTER = "query($c: String) { warnings(first: 2, after: $c) { nodes { slug } } }"
TIME = "2026-01-01T00:00:00+00:00"
SEARCH_AFTER = (
    'query($c: String) { search(text: "tribunal", first: 2, after: $c) { nodes { kind } } }'
)


@pytest.mark.parametrize(
    ("query", "values"),
    [
        # A warnings cursor: its date's latest instant, its earliest, its id.
        (WARNINGS_AFTER, ["not a time", TIME, 1]),
        (WARNINGS_AFTER, [TIME, TIME, "not an id"]),
        (WARNINGS_AFTER, [TIME, "2026-01-01T00:00:00", 1]),  # naive: never what we write
        (WARNINGS_AFTER, [TIME, TIME, 2**70]),
        (WARNINGS_AFTER, [TIME, TIME, True]),
        (WARNINGS_AFTER, ["2026\u0000-01-01", TIME, 1]),
        (WARNINGS_AFTER, [{"a": 1}, TIME, 1]),
        (SEARCH_AFTER, ["high", "statement", 1]),
        (SEARCH_AFTER, [0.5, "state\u0000ment", 1]),
    ],
)
def test_a_forged_cursor_is_invalid(client: Client, query: str, values: list[Any]) -> None:
    for argument in ("after",):
        errors = _errors(client, query, {"c": _cursor(values)})
        assert [e["extensions"]["code"] for e in errors] == ["INVALID"], errors
        assert errors[0]["extensions"]["field"] == argument
        assert errors[0]["message"] == "this cursor is not valid"


def test_real_cursors_still_page(client: Client, editor_token: str) -> None:
    writer = Client(client.url, token=editor_token)
    for name in ("Paging One", "Paging Two"):
        slug = name.lower().replace(" ", "-")
        ok(writer.mutate("createActor", {"slug": slug, "kind": "PERSON", "name": name}))
    ok(writer.mutate("createStatement", {"slug": "paging-said", "speakerId": _actor(client),
                                          "said": "2026-01-09", "channel": "X",
                                          "quote": "tribunal words"}))  # fmt: skip
    # Sort values of every type a cursor carries: text, bigint, timestamptz, float8.
    for field, arguments in (
        ("actors", "first: 1"),
        ("timeline", "first: 1"),
        ("search", 'text: "tribunal", first: 1'),
    ):
        page = (
            f"query($c: String) {{ {field}({arguments}, after: $c) "
            "{ nodes { __typename } pageInfo { endCursor } } }"
        )
        first = client.data(page, {"c": None})[field]
        assert first["nodes"], field
        after = client.data(page, {"c": first["pageInfo"]["endCursor"]})[field]
        assert after is not None, field


def _actor(client: Client) -> str:
    nodes = client.data("{ actors(first: 1) { nodes { id } } }")["actors"]["nodes"]
    return str(nodes[0]["id"])


@pytest.mark.parametrize(
    "raw", ["actor:99999999999999999999", "actor:-5", "actor: 7", "actor:1_0", "actor:\u0663"]
)
def test_a_forged_global_id_is_invalid(client: Client, raw: str) -> None:
    errors = _errors(client, "query($id: ID!) { node(id: $id) { id } }", {"id": _b64(raw)})
    assert [e["extensions"]["code"] for e in errors] == ["INVALID"], errors


@pytest.mark.parametrize("since", ["99999999999999999999999", "\u00b2", "\u0663"])
def test_a_change_number_beyond_digits_or_range_is_invalid(client: Client, since: str) -> None:
    errors = _errors(client, "query($s: ID) { changes(since: $s, first: 1) { nodes { id } } }",
                     {"s": since})  # fmt: skip
    assert [e["extensions"]["code"] for e in errors] == ["INVALID"], errors


def test_nul_in_a_variable_or_a_literal_is_invalid(client: Client) -> None:
    search = "query($t: String!) { search(text: $t, first: 2) { nodes { kind } } }"
    errors = _errors(client, search, {"t": "tribunal\u0000"})
    assert errors[0]["extensions"] == {"code": "INVALID", "field": "t"}
    assert "NUL" in errors[0]["message"]
    literal = '{ actor(slug: "a\\u0000b") { id } }'
    assert [e["extensions"]["code"] for e in _errors(client, literal)] == ["INVALID"]
    # A backslash followed by "u0000" is six ordinary characters.
    assert client.data('{ actor(slug: "a\\\\u0000b") { id } }') == {"actor": None}


def test_a_mutation_with_nul_writes_nothing(client: Client, editor_token: str) -> None:
    writer = Client(client.url, token=editor_token)
    count = "{ actors(first: 1) { totalCount } }"
    before = writer.data(count)["actors"]["totalCount"]
    body = writer.post(
        "mutation($i: CreateActorInput!) { createActor(input: $i) { record { id } } }",
        {"i": {"slug": "nul-actor", "kind": "PERSON", "name": "Nul\u0000Person"}},
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID"], body
    assert body["errors"][0]["extensions"]["field"] == "i"
    assert writer.data(count)["actors"]["totalCount"] == before
    # The same input without the NUL is written.
    created = ok(writer.mutate("createActor", {"slug": "nul-actor", "kind": "PERSON",
                                               "name": "Person"}))  # fmt: skip
    assert created["id"]


async def test_nul_over_a_websocket_is_invalid_and_the_socket_goes_on(
    service: RunningService,
) -> None:
    search = "query($t: String!) { search(text: $t, first: 2) { nodes { kind } } }"
    subscription = "subscription($a: String) { recordChanged(afterChangeId: $a) { changeId } }"
    async with connect(service.url) as socket:
        for query, variables in ((search, {"t": "x\u0000"}), (subscription, {"a": "1\u0000"})):
            op = await socket.subscribe(query, variables)
            message = await socket.receive()
            assert message["id"] == op, message
            payload = message["payload"]
            errors = payload if message["type"] == "error" else payload["errors"]
            assert errors[0]["extensions"]["code"] == "INVALID", message
            if message["type"] == "next":
                assert await socket.receive() == {"id": op, "type": "complete"}
        fine = await socket.subscribe("{ actors(first: 1) { totalCount } }")
        answer = await asyncio.wait_for(socket.receive(), 5)
        assert answer["id"] == fine, answer
        assert answer["type"] == "next", answer


@pytest.mark.parametrize("said", ["0001-01-01", "0001-01-01T00:30:00+01:00", "9999-12-31"])
def test_a_date_at_the_calendar_s_edge_is_invalid_and_not_written(
    client: Client, editor_token: str, said: str
) -> None:
    # 0001-01-01T00:00Z is asyncpg's -infinity: it was written as "undated", and reading
    # it back failed as a server error.
    writer = Client(client.url, token=editor_token)
    count = "{ statements(first: 1) { totalCount } }"
    before = writer.data(count)["statements"]["totalCount"]
    statement = {"slug": "edge-said", "speakerId": _actor(client), "said": said,
                 "channel": "X", "quote": "q"}  # fmt: skip
    payload = writer.mutate("createStatement", statement)
    assert payload["errors"][0]["code"] == "INVALID", payload
    assert payload["errors"][0]["field"] == "said"
    assert writer.data(count)["statements"]["totalCount"] == before


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00"])
def test_a_time_filter_past_the_calendar_s_edge_is_invalid(client: Client, moment: str) -> None:
    query = "query($f: DateTime) { timeline(first: 1, filter: {from: $f}) { nodes { at } } }"
    errors = _errors(client, query, {"f": moment})
    assert "outside the times the record keeps" in errors[0]["message"], errors
    assert "errorId" not in errors[0].get("extensions", {})


@pytest.mark.parametrize(
    "body",
    [b"42", b'"text"', b"null", b"true", b"[1]", b"[]", b'[{"query": "{ __typename }"}, 7]',
     b'{"query": "{ actor(slug: \\"\xff\xfe\\") { id } }"}', b'\xff{"query": "{ __typename }"}'],
)  # fmt: skip
def test_a_body_of_the_wrong_shape_or_not_utf8_is_a_400(
    service: RunningService, body: bytes
) -> None:
    answer = httpx.post(f"{service.url}/graphql", content=body,
                        headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert "unhandled exception" not in service.log()


def test_a_batch_of_objects_is_still_answered(service: RunningService) -> None:
    batch = [{"query": "{ __typename }"}, {"query": "{ viewer { name } }"}]
    answer = httpx.post(f"{service.url}/graphql", json=batch)
    assert answer.status_code == 200, answer.text
    assert [item["data"] for item in answer.json()] == [
        {"__typename": "Query"},
        {"viewer": {"name": "anonymous"}},
    ]


INIT = {"type": "connection_init", "payload": {}}


@pytest.mark.parametrize(
    ("messages", "reason"),
    [
        (["42"], "a message must be a JSON object"),
        (["[1, 2]"], "a message must be a JSON object"),
        (['{"type": 5}'], "a message needs a `type` string"),
        ([INIT, {"type": "subscribe", "id": 5, "payload": {"query": "{ __typename }"}}],
         "a subscribe message needs a non-empty string `id`"),
        ([INIT, {"type": "subscribe", "id": "a", "payload": "{ __typename }"}],
         "a subscribe message's `payload` must be an object"),
        ([INIT, {"type": "subscribe", "id": "a", "payload": {"query": 5}}],
         "a subscribe message's `payload.query` must be a string"),
        ([INIT, {"type": "subscribe", "id": "a",
                 "payload": {"query": "{ __typename }", "variables": [1]}}],
         "a subscribe message's `payload.variables` must be a JSON object"),
    ],
)  # fmt: skip
async def test_a_websocket_message_of_the_wrong_shape_closes_with_4400(
    service: RunningService, messages: list[Any], reason: str
) -> None:
    url = service.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        for message in messages:
            await socket.send(message if isinstance(message, str) else json.dumps(message))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await _until_closed(socket)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4400, reason)
    assert "unhandled exception" not in service.log()


async def _until_closed(socket: Any) -> None:
    """Read (an ack, say) until the server closes the socket: ConnectionClosed."""
    async with asyncio.timeout(5):
        while True:
            await socket.recv()


@pytest.mark.parametrize(
    "body",
    [{"query": "subscription { recordChanged { changeId } }"},
     {"query": "subscription S { recordChanged { changeId } } query Q { __typename }",
      "operationName": "S"},
     [{"query": "{ __typename }"}, {"query": "subscription { recordChanged { changeId } }"}]],
)  # fmt: skip
def test_a_subscription_over_http_is_a_400_naming_the_websocket(
    service: RunningService, body: Any
) -> None:
    answer = httpx.post(f"{service.url}/graphql", json=body)
    assert answer.status_code == 400, answer.text
    assert "graphql-transport-ws" in answer.text
    # The query of the same document is still answered.
    if isinstance(body, dict) and "operationName" in body:
        query = httpx.post(f"{service.url}/graphql", json={**body, "operationName": "Q"})
        assert query.json()["data"] == {"__typename": "Query"}
