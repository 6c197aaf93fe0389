"""The websocket caps on a real server: handshakes past them get a 503, open sockets go on."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.api.ws import PROTOCOL, Socket
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

CAPS = {"MAX_WEBSOCKETS": "3", "MAX_WEBSOCKETS_PER_ADDRESS": "2", "RATE_LIMIT": "0"}


@pytest.fixture(scope="module")
def capped(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """A service holding 3 websockets at most, 2 from one address."""
    with run_service(module_db_url, tmp_path_factory.mktemp("capped"), CAPS) as running:
        yield running


@asynccontextmanager
async def opened(
    service: RunningService, address: str, forwarded_for: str | None = None
) -> AsyncIterator[Socket]:
    """An acknowledged socket from `address` (any 127.x.y.z reaches the loopback server),
    saying it forwards `forwarded_for` (X-Forwarded-For) if given."""
    url = service.url.replace("http://", "ws://") + "/graphql"
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
    async with websockets.connect(
        url,
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        local_addr=(address, 0),
        additional_headers=headers,
    ) as connection:
        socket = Socket(connection)
        await socket.send({"type": "connection_init", "payload": {}})
        assert (await socket.receive())["type"] == "connection_ack"
        yield socket


async def refusal(service: RunningService, address: str, forwarded_for: str | None = None) -> Any:
    """The HTTP answer to a handshake that must be refused."""
    with pytest.raises(InvalidStatus) as refused:
        async with opened(service, address, forwarded_for):
            pass
    return refused.value.response


async def still_answers(socket: Socket) -> None:
    """A query over the socket gets its data."""
    await socket.send(
        {
            "id": "q",
            "type": "subscribe",
            "payload": {"query": "{ actors(first: 1) { totalCount } }"},
        }
    )
    message = await socket.receive()
    assert message["type"] == "next", message
    assert "totalCount" in message["payload"]["data"]["actors"]


def refusals_logged(service: RunningService) -> int:
    return service.log().count("websocket refused")


def metric(service: RunningService, name: str) -> float:
    for line in httpx.get(f"{service.url}/metrics").text.splitlines():
        if line.startswith(f"position_record_{name} "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


async def test_past_the_caps_a_handshake_gets_503_and_open_sockets_go_on(
    capped: RunningService,
) -> None:
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(opened(capped, "127.0.0.1"))
        await stack.enter_async_context(opened(capped, "127.0.0.1"))

        per_address = await refusal(capped, "127.0.0.1")
        assert per_address.status_code == 503
        assert per_address.headers["Retry-After"] == "5"
        error = json.loads(per_address.body)["errors"][0]
        assert error["extensions"] == {"code": "TOO_MANY_WEBSOCKETS", "retryAfter": 5}
        assert "this address holds its most open websockets (2)" in error["message"]

        # Another address still gets in, up to the process's cap of 3.
        await stack.enter_async_context(opened(capped, "127.0.0.2"))
        logged = refusals_logged(capped)
        for _ in range(3):
            whole = await refusal(capped, "127.0.0.3")
            assert (
                "this server holds its most open websockets (3)"
                in json.loads(whole.body)["errors"][0]["message"]
            )
        # One line when refusals start again, not one per handshake.
        assert refusals_logged(capped) == logged + 1
        assert metric(capped, "websockets_open") == 3
        assert metric(capped, "websockets_refused_total") == 4

        await still_answers(first)

    # All three closed: their places are free again, up to two from one address.
    async with AsyncExitStack() as stack:
        await admitted_soon(stack, capped, "127.0.0.3")
        again = await admitted_soon(stack, capped, "127.0.0.3")
        await still_answers(again)


async def admitted_soon(
    stack: AsyncExitStack, service: RunningService, address: str, forwarded_for: str | None = None
) -> Socket:
    """A socket opened in `stack` once the server has counted the ones just closed."""
    deadline = time.monotonic() + 30  # generous: the release follows the close at once
    while True:
        try:
            return await stack.enter_async_context(opened(service, address, forwarded_for))
        except InvalidStatus:
            if time.monotonic() > deadline:
                raise AssertionError("the closed sockets were never released") from None
            await asyncio.sleep(0.05)  # poll: the server releases a place after the close


async def test_the_address_is_the_forwarded_one_only_behind_a_trusted_proxy(
    capped: RunningService,
) -> None:
    # 127.0.0.2 is not a trusted proxy (uvicorn trusts 127.0.0.1 unless
    # FORWARDED_ALLOW_IPS says otherwise): naming other clients does not get it more.
    async with AsyncExitStack() as stack:
        await admitted_soon(stack, capped, "127.0.0.2", "203.0.113.1")
        await admitted_soon(stack, capped, "127.0.0.2", "203.0.113.2")
        forged = await refusal(capped, "127.0.0.2", "203.0.113.3")
        assert "this address holds" in json.loads(forged.body)["errors"][0]["message"]
    # 127.0.0.1 is trusted: its clients count each as themselves, three from one proxy.
    async with AsyncExitStack() as stack:
        await admitted_soon(stack, capped, "127.0.0.1", "203.0.113.1")
        await admitted_soon(stack, capped, "127.0.0.1", "203.0.113.1")
        third = await admitted_soon(stack, capped, "127.0.0.1", "203.0.113.2")
        crowded = await refusal(capped, "127.0.0.1", "203.0.113.3")
        assert "this server holds" in json.loads(crowded.body)["errors"][0]["message"]
        await still_answers(third)


@pytest.mark.parametrize("offered", [["graphql-ws"], [], ["chat", "graphql-ws"]])
async def test_a_handshake_without_graphql_transport_ws_is_refused_saying_what_to_offer(
    capped: RunningService, offered: list[str]
) -> None:
    url = capped.url.replace("http://", "ws://") + "/graphql"
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(url, subprotocols=offered or None):  # type: ignore[arg-type]
            pass
    response = refused.value.response
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    [error] = json.loads(response.body)["errors"]
    assert error["extensions"]["code"] == "UNSUPPORTED_SUBPROTOCOL"
    assert "graphql-transport-ws" in error["message"]
    # The refusal took no place: the caps are whole for the next clients.
    async with opened(capped, "127.0.0.1"), opened(capped, "127.0.0.1"):
        pass
