"""Trusted documents: run a registered operation by its sha256; production can refuse the rest."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import websockets
from graphql import parse

from service.http.client_print import print_like_graphql_js
from service.http.trusted_documents import document_hash
from tests.api.refusals import GRJ, JSON, assert_refusal
from tests.api.ws import connect
from tests.server import ROOT, RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

REGISTERED = (ROOT / "graphql" / "operations" / "tracks-by-status.graphql").read_text()
HASH = document_hash(REGISTERED)


@pytest.fixture(scope="module")
def strict(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"TRUSTED_DOCUMENTS_ONLY": "true", "RATE_LIMIT": "0"}
    with run_service(module_db_url, tmp_path_factory.mktemp("strict"), env) as running:
        yield running


def post(service: RunningService, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{service.url}/graphql", json=body, timeout=10)


def test_a_registered_document_runs_by_id(service: RunningService) -> None:
    by_text = post(service, {"query": REGISTERED})
    by_id = post(service, {"documentId": HASH})
    apollo = post(
        service,
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH.split(":")[1]}}},
    )
    assert by_text.status_code == by_id.status_code == apollo.status_code == 200
    assert by_id.json()["data"] == by_text.json()["data"] == apollo.json()["data"]
    over_get = httpx.get(
        f"{service.url}/graphql",
        params={"documentId": HASH},
        headers={"accept": "application/json"},
    )
    assert over_get.json()["data"] == by_text.json()["data"]


@pytest.mark.parametrize("accept", ["*/*", "text/html,*/*"])
def test_a_get_naming_a_document_runs_it_whatever_its_accept(
    service: RunningService, accept: str
) -> None:
    # Apollo Client sends hashed queries over GET (useGETForHashedQueries) with
    # `Accept: */*`: the answer is the operation's, not the playground page.
    by_text = post(service, {"query": REGISTERED}).json()
    hashed = {"persistedQuery": {"version": 1, "sha256Hash": HASH.split(":")[1]}}
    for params in ({"documentId": HASH}, {"extensions": json.dumps(hashed)}):
        answer = httpx.get(f"{service.url}/graphql", params=params, headers={"accept": accept})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/json"), params
        assert answer.json()["data"] == by_text["data"]
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}}
    answer = httpx.get(
        f"{service.url}/graphql",
        params={"extensions": json.dumps(unknown)},
        headers={"accept": accept},
    )
    assert answer.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # A browser's GET naming nothing still gets the playground.
    page = httpx.get(f"{service.url}/graphql", headers={"accept": accept})
    assert page.headers["content-type"].startswith("text/html")


def apq(sha256_hex: str, query: str | None = None, **variables: object) -> dict[str, object]:
    """A request as Apollo's persisted-query link sends it (the text only on a retry)."""
    body: dict[str, object] = {
        "variables": variables,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex}},
    }
    if query is not None:
        body["query"] = query
    return body


def sha256_hex(text: str) -> str:
    return document_hash(text).removeprefix("sha256:")


@pytest.mark.parametrize("accept", [JSON, GRJ])
def test_an_unknown_hash_is_persisted_query_not_found(
    service: RunningService, strict: RunningService, accept: str
) -> None:
    # Apollo Server's answer, on which every APQ client resends with the text.
    for server in (service, strict):
        for body in ({"documentId": "sha256:" + "0" * 64}, apq("0" * 64), apq("not-a-hash")):
            response = httpx.post(
                f"{server.url}/graphql", json=body, headers={"accept": accept}, timeout=10
            )
            error = assert_refusal(response, 200, "PERSISTED_QUERY_NOT_FOUND", accept)
            assert error["message"] == "PersistedQueryNotFound"
            assert "no-cache" in response.headers["cache-control"]


def test_a_hash_sent_with_its_text_is_verified_then_kept(service: RunningService) -> None:
    text = 'query Kept($slug: String = "nobody") { actor(slug: $slug) { name } }'
    digest = sha256_hex(text)
    assert_refusal(post(service, apq(digest)), 200, "PERSISTED_QUERY_NOT_FOUND")
    # Another text under that hash is refused, and not kept.
    other = "{ __typename }"
    mismatched = post(service, apq(digest, other))
    mismatch = assert_refusal(mismatched, 400, "PERSISTED_QUERY_HASH_MISMATCH")
    assert "does not match" in mismatch["message"]
    assert_refusal(post(service, apq(digest)), 200, "PERSISTED_QUERY_NOT_FOUND")
    # The text with its hash runs, and the hash alone runs it from now on, by GET too.
    with_text = post(service, apq(digest, text))
    assert with_text.status_code == 200
    assert with_text.json()["data"] == {"actor": None}
    assert post(service, apq(digest, slug="russia")).json()["data"] == {"actor": None}
    over_get = httpx.get(
        f"{service.url}/graphql",
        params={"extensions": json.dumps(apq(digest)["extensions"]), "variables": "{}"},
        headers={"accept": JSON},
    )
    assert over_get.json()["data"] == {"actor": None}


def test_registered_documents_answer_to_the_hashes_clients_compute(
    service: RunningService, strict: RunningService
) -> None:
    document = parse(REGISTERED)
    printed = print_like_graphql_js(document)
    assert printed != REGISTERED  # the file has comments or another layout
    for server in (service, strict):
        by_file = post(server, apq(HASH.removeprefix("sha256:")))
        by_print = post(server, apq(sha256_hex(printed)))
        assert by_file.status_code == by_print.status_code == 200
        assert by_file.json() == by_print.json()
        assert "tracks" in by_print.json()["data"]


def test_trusted_only_refuses_any_other_document(strict: RunningService) -> None:
    refused = post(strict, {"query": "{ actors { totalCount } }"})
    error = assert_refusal(refused, 400, "DOCUMENT_NOT_TRUSTED")
    assert "registered documents only" in error["message"]
    # APQ's fallback: the text with its hash is refused the same way, and never kept.
    text = "{ actors { totalCount } }"
    assert_refusal(post(strict, apq(sha256_hex(text))), 200, "PERSISTED_QUERY_NOT_FOUND")
    assert_refusal(post(strict, apq(sha256_hex(text), text)), 400, "DOCUMENT_NOT_TRUSTED")
    assert_refusal(post(strict, apq(sha256_hex(text))), 200, "PERSISTED_QUERY_NOT_FOUND")
    spec = httpx.post(f"{strict.url}/graphql", json={"query": text}, headers={"accept": GRJ})
    assert_refusal(spec, 400, "DOCUMENT_NOT_TRUSTED", GRJ)
    assert post(strict, {"documentId": HASH}).status_code == 200
    # The registered document is trusted however laid out, but not one field more.
    relaid = " ".join(line for line in REGISTERED.splitlines() if not line.startswith("#"))
    assert post(strict, {"query": relaid}).status_code == 200
    more = REGISTERED.replace("totalCount", "totalCount __typename", 1)
    assert_refusal(post(strict, {"query": more}), 400, "DOCUMENT_NOT_TRUSTED")
    # The registered text itself is trusted too.
    assert post(strict, {"query": REGISTERED}).status_code == 200


async def test_trusted_only_refuses_other_documents_over_websockets_too(
    strict: RunningService,
) -> None:
    unregistered = "query Unregistered { actors(first: 1) { totalCount } }"
    async with connect(strict.url) as socket:
        refused = await socket.subscribe(unregistered)
        message = await socket.receive()
        assert message["id"] == refused
        assert message["type"] == "error"
        assert "registered documents only" in message["payload"][0]["message"]
        assert message["payload"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
        # A registered document runs, sent as text or by its id.
        by_text = await socket.subscribe(REGISTERED)
        assert "tracks" in await socket.next_data(by_text)
        op_id = "by-id"
        await socket.send({"id": op_id, "type": "subscribe", "payload": {"documentId": HASH}})
        assert "tracks" in await socket.next_data(op_id)
    # What ran nowhere was never compiled: over HTTP it is still refused, not answered.
    assert_refusal(post(strict, {"query": unregistered}), 400, "DOCUMENT_NOT_TRUSTED")


async def test_an_id_already_running_closes_the_socket_before_any_check(
    strict: RunningService,
) -> None:
    # graphql-transport-ws: a second `subscribe` with a running id closes the socket
    # (4409). An `error` for that id would tell the client its running subscription ended.
    changes = (ROOT / "graphql" / "operations" / "record-changes.graphql").read_text()
    async with connect(strict.url) as socket:
        await socket.send({"id": "live", "type": "subscribe", "payload": {"query": changes}})
        assert await socket.silent("live", 0.3)  # running, waiting for a change
        unregistered = "query Unregistered { actors(first: 1) { totalCount } }"
        await socket.send({"id": "live", "type": "subscribe", "payload": {"query": unregistered}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4409
