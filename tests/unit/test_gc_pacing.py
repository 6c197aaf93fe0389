"""Large request bodies and websocket messages bring the next collection forward."""

from __future__ import annotations

from typing import Any

import pytest

from service import gc_pacing
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


async def test_a_collection_after_every_so_many_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    collections: list[int] = []
    monkeypatch.setattr(gc_pacing.gc, "collect", lambda generation: collections.append(generation))
    paced = GcPacedByBytes(_app, every_bytes=1_000)
    body = {"type": "http.request", "body": b"x" * 400, "more_body": True}
    last = {"type": "http.request", "body": b"x" * 400, "more_body": False}
    await paced({"type": "http"}, Messages(body, last), _noop_send)
    assert collections == []  # 800 bytes so far
    await paced({"type": "http"}, Messages(last), _noop_send)
    assert collections == [1]  # 1,200: collected, and the count starts again
    assert paced.received == 0
    socket = [{"type": "websocket.receive", "text": "y" * 999}, {"type": "websocket.disconnect"}]
    await paced({"type": "websocket"}, Messages(*socket), _noop_send)
    assert collections == [1]
    one_more = [{"type": "websocket.receive", "bytes": b"z"}, {"type": "websocket.disconnect"}]
    await paced({"type": "websocket"}, Messages(*one_more), _noop_send)
    assert collections == [1, 1]


async def test_other_scopes_pass_untouched() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(receive)

    receive = Messages()
    await GcPacedByBytes(app)({"type": "lifespan"}, receive, _noop_send)
    assert seen == [receive]
