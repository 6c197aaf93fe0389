"""A minimal graphql-transport-ws client (the protocol Strawberry speaks), for the tests."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"
# How long to wait for a message that must come: generous for a busy machine (a passing
# test never waits it out); `silent` is the short wait for one that must not.
EXPECTED_WITHIN_S = 20.0
_ids = itertools.count(1)


class Socket:
    """One websocket connection, acknowledged, able to run several subscriptions."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        """Send one protocol message."""
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = EXPECTED_WITHIN_S) -> dict[str, Any]:
        """The next message that is not a ping or pong (pings are answered).

        The timeout covers the whole wait: server pings do not extend it.
        """
        async with asyncio.timeout(timeout):
            while True:
                message: dict[str, Any] = json.loads(await self.connection.recv())
                if message["type"] == "ping":
                    await self.send({"type": "pong"})
                elif message["type"] != "pong":
                    return message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """Start a subscription; returns its id."""
        op_id = str(next(_ids))
        await self.send(
            {
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
        return op_id

    async def next_data(self, op_id: str, timeout: float = EXPECTED_WITHIN_S) -> dict[str, Any]:
        """The next `next` payload's data of subscription `op_id` (errors fail the test)."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.receive(timeout)
                if message.get("id") != op_id:
                    continue
                assert message["type"] == "next", message
                payload: dict[str, Any] = message["payload"]
                assert not payload.get("errors"), payload
                data: dict[str, Any] = payload["data"]
                return data

    async def collect(
        self, op_id: str, count: int, timeout: float = EXPECTED_WITHIN_S
    ) -> list[dict[str, Any]]:
        """The next `count` events of a subscription."""
        return [await self.next_data(op_id, timeout) for _ in range(count)]

    async def silent(self, op_id: str, wait: float = 0.5) -> bool:
        """True when no event of `op_id` arrives within `wait` seconds."""
        try:
            await self.next_data(op_id, wait)
        except TimeoutError:
            return True
        return False


@asynccontextmanager
async def connect(base_url: str, payload: dict[str, Any] | None = None) -> AsyncIterator[Socket]:
    """Open /graphql over a real websocket and complete connection_init."""
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
        socket = Socket(connection)
        await socket.send({"type": "connection_init", "payload": payload or {}})
        ack = await socket.receive()
        assert ack["type"] == "connection_ack", ack
        yield socket


async def following(base_url: str, count: int, timeout: float = 30.0) -> None:
    """Wait until exactly `count` subscriptions follow the service's change feed.

    From then on each of them gets every change committed: the signal to write, where a
    sleep would only guess. Exactly, not at least: a socket a previous test closed may
    still be counted for a moment. The bound is generous (a busy machine); it fails loudly.
    """
    value = None
    try:
        async with httpx.AsyncClient(timeout=5) as http, asyncio.timeout(timeout):
            while True:
                text = (await http.get(f"{base_url}/metrics")).text
                for line in text.splitlines():
                    if line.startswith("position_record_live_subscriptions "):
                        value = float(line.split()[1])
                if value == count:
                    return
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(
            f"{value} subscriptions follow the feed after {timeout} s, not {count}"
        ) from None
