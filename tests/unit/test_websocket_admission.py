"""OpenWebSockets: the counts behind the websocket caps (the handshake: tests/api)."""

from __future__ import annotations

from typing import Any, cast

from service.access.websocket_admission import OpenWebSockets, WebSocketAdmission
from service.observability.metrics import Metrics


def test_the_process_cap_refuses_once_full_and_admits_again_when_one_closes() -> None:
    sockets = OpenWebSockets(limit=2)
    assert sockets.admit("10.0.0.1") is None
    assert sockets.admit("10.0.0.2") is None
    reason = sockets.admit("10.0.0.3")
    assert reason == "this server holds its most open websockets (2)"
    assert sockets.total == 2  # a refusal counts nothing
    sockets.release("10.0.0.1")
    assert sockets.admit("10.0.0.3") is None


def test_the_address_cap_refuses_one_address_and_not_the_others() -> None:
    sockets = OpenWebSockets(limit=10, per_address=2)
    assert sockets.admit("10.0.0.1") is None
    assert sockets.admit("10.0.0.1") is None
    assert sockets.admit("10.0.0.1") == "this address holds its most open websockets (2)"
    assert sockets.admit("10.0.0.2") is None
    assert sockets.total == 3
    sockets.release("10.0.0.1")
    assert sockets.admit("10.0.0.1") is None


def test_released_addresses_leave_no_key_behind() -> None:
    sockets = OpenWebSockets(limit=10, per_address=5)
    for n in range(3):
        assert sockets.admit(f"10.0.0.{n}") is None
    for n in range(3):
        sockets.release(f"10.0.0.{n}")
    assert sockets.total == 0
    assert not sockets.by_address


def test_no_address_cap_when_it_is_zero_or_the_address_is_unknown() -> None:
    shared_proxy = OpenWebSockets(limit=3, per_address=0)
    assert [shared_proxy.admit("10.0.0.1") for _ in range(3)] == [None, None, None]
    assert not shared_proxy.by_address
    unix_socket = OpenWebSockets(limit=3, per_address=1)
    assert [unix_socket.admit(None) for _ in range(3)] == [None, None, None]
    assert unix_socket.admit(None) == "this server holds its most open websockets (3)"


async def test_without_the_denial_response_a_refused_handshake_is_closed_with_1013() -> None:
    sockets = OpenWebSockets(limit=1)
    assert sockets.admit(None) is None  # the one place is taken
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    admission = WebSocketAdmission(app, sockets, Metrics())
    # A server without the ASGI websocket denial response: no "extensions" in the scope.
    scope = {
        "type": "websocket",
        "path": "/graphql",
        "client": ("10.0.0.1", 5000),
        "subprotocols": ["graphql-transport-ws"],
    }
    await admission(cast("Any", scope), cast("Any", receive), cast("Any", send))
    assert sent == [
        {
            "type": "websocket.close",
            "code": 1013,
            "reason": "this server holds its most open websockets (1)",
        }
    ]
    assert reached == []
    await admission(cast("Any", {"type": "http"}), cast("Any", receive), cast("Any", send))
    assert reached == ["http"]  # plain requests are not counted


async def test_without_the_denial_response_a_legacy_subprotocol_is_closed_with_1008() -> None:
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    admission = WebSocketAdmission(app, OpenWebSockets(limit=1), Metrics())
    scope = {"type": "websocket", "path": "/graphql", "subprotocols": ["graphql-ws"]}
    await admission(cast("Any", scope), cast("Any", receive), cast("Any", send))
    assert sent == [
        {
            "type": "websocket.close",
            "code": 1008,
            "reason": "UNSUPPORTED_SUBPROTOCOL: offer graphql-transport-ws",
        }
    ]
    assert reached == []
    assert admission.sockets.total == 0
