"""Use a served wheel as a client app would: a query, a mutation, a subscription.

Run by scripts/check-wheel with the clean venv's Python, outside the checkout: only the
standard library and what the wheel installs (websockets, a runtime dependency, for the
subscription). Exits non-zero, saying why, when any step fails.

Usage: python wheel-smoke.py http://127.0.0.1:PORT EDITOR_TOKEN
"""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.request
from typing import Any

import websockets

SUBSCRIPTION = "subscription { recordChanged(kinds: [ACTOR]) { changeId record { ... on Actor { slug name } } } }"  # noqa: E501
CREATE = """mutation($input: CreateActorInput!) { createActor(input: $input) {
    record { id slug } errors { field message code } } }"""


def post(url: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """One GraphQL request over HTTP; its JSON answer (errors fail)."""
    headers = {"content-type": "application/json", "accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 (the URL is the local server's)
        f"{url}/graphql", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read())
    if answer.get("errors"):
        raise SystemExit(f"GraphQL errors: {answer['errors']}")
    return answer


async def receive(socket: Any) -> dict[str, Any]:
    """The next message that is not a ping (answered) or a pong."""
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), 30))
        if message["type"] == "ping":
            await socket.send(json.dumps({"type": "pong"}))
        elif message["type"] != "pong":
            return message


async def subscribe_and_write(url: str, token: str) -> None:
    """A subscription over graphql-transport-ws sees the mutation made meanwhile."""
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = await receive(socket)
        if ack["type"] != "connection_ack":
            raise SystemExit(f"no connection_ack: {ack}")
        payload = {"query": SUBSCRIPTION}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(0.3)  # the subscription joins the feed before the write
        variables = {"input": {"slug": "wheel-smoke", "kind": "STATE", "name": "Wheel Smoke"}}
        created = await asyncio.to_thread(
            post, url, {"query": CREATE, "variables": variables}, token
        )
        if created["data"]["createActor"]["errors"]:
            raise SystemExit(f"the mutation was refused: {created}")
        event = await receive(socket)
        if event["type"] != "next" or event["payload"].get("errors"):
            raise SystemExit(f"the subscription got no event: {event}")
        record = event["payload"]["data"]["recordChanged"]["record"]
        if record != {"slug": "wheel-smoke", "name": "Wheel Smoke"}:
            raise SystemExit(f"the subscription got another record: {record}")


def main() -> None:
    """Query, then subscription + mutation; print one line per step."""
    url, token = sys.argv[1], sys.argv[2]
    typename = post(url, {"query": "{ __typename }"})["data"]
    if typename != {"__typename": "Query"}:
        raise SystemExit(f"unexpected answer to a query: {typename}")
    print("query OK")
    asyncio.run(subscribe_and_write(url, token))
    print("subscription OK: the mutation's change arrived over graphql-transport-ws")


if __name__ == "__main__":
    main()
