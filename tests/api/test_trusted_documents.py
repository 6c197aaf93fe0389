"""Trusted documents: run a registered operation by its sha256; production can refuse the rest."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import websockets

from service.api.trusted_documents import document_hash
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


def test_an_unknown_document_id_is_a_clear_400(service: RunningService) -> None:
    response = post(service, {"documentId": "sha256:" + "0" * 64})
    assert response.status_code == 400
    assert "unknown document" in response.text


def test_trusted_only_refuses_any_other_document(strict: RunningService) -> None:
    refused = post(strict, {"query": "{ actors { totalCount } }"})
    assert refused.status_code == 400
    assert "registered documents only" in refused.text
    assert post(strict, {"documentId": HASH}).status_code == 200
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
        # A registered document runs, sent as text or by its id.
        by_text = await socket.subscribe(REGISTERED)
        assert "tracks" in await socket.next_data(by_text)
        op_id = "by-id"
        await socket.send({"id": op_id, "type": "subscribe", "payload": {"documentId": HASH}})
        assert "tracks" in await socket.next_data(op_id)
    # What ran nowhere was never compiled: over HTTP it is still refused, not answered.
    assert post(strict, {"query": unregistered}).status_code == 400


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
