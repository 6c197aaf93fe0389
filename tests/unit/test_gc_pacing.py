"""Large request bodies and websocket messages bring the next collection forward."""

from __future__ import annotations

import gc
from typing import Any, cast

import pytest
from litestar.types import Receive, Scope

from service.gc_pacing import GcPacedByBytes


class Messages:
    def __init__(self, *messages: dict[str, Any]) -> None:
        self.messages = list(messages)

    async def __call__(self) -> dict[str, Any]:
        return self.messages.pop(0)


async def _app(scope: Any, receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message.get("more_body") is False or message["type"].endswith("disconnect"):
            return


async def _noop_send(message: Any) -> None:
    return None


async def _call(paced: GcPacedByBytes, scope_type: str, receive: Messages) -> None:
    """Call the middleware with a bare scope: it reads only the scope's type."""
    await paced(cast(Scope, {"type": scope_type}), cast(Receive, receive), _noop_send)


async def test_a_collection_after_every_so_many_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation: collections.append(generation))
    paced = GcPacedByBytes(_app, every_bytes=1_000)
    body = {"type": "http.request", "body": b"x" * 400, "more_body": True}
    last = {"type": "http.request", "body": b"x" * 400, "more_body": False}
    await _call(paced, "http", Messages(body, last))
    assert collections == []  # 800 bytes so far
    await _call(paced, "http", Messages(last))
    assert collections == [1]  # 1,200: collected, and the count starts again
    assert paced.received == 0
    socket: list[dict[str, Any]] = [
        {"type": "websocket.receive", "text": "y" * 999},
        {"type": "websocket.disconnect"},
    ]
    await _call(paced, "websocket", Messages(*socket))
    assert collections == [1]
    one_more: list[dict[str, Any]] = [
        {"type": "websocket.receive", "bytes": b"z"},
        {"type": "websocket.disconnect"},
    ]
    await _call(paced, "websocket", Messages(*one_more))
    assert collections == [1, 1]


async def test_other_scopes_pass_untouched() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(receive)

    receive = Messages()
    await _call(GcPacedByBytes(app), "lifespan", receive)
    assert seen == [receive]
