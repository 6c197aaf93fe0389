"""A cap on open websockets: per process, and per client address.

An open websocket holds a task and up to MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions,
each of which reads the change feed after every committed write. Uncapped, one client
could open sockets until the process runs out of memory or file descriptors, and make
every write cost thousands of reads. Past MAX_WEBSOCKETS open sockets in this process,
or MAX_WEBSOCKETS_PER_ADDRESS from one address, a new socket is refused at the
handshake, before any GraphQL work: HTTP 503 with Retry-After and a GraphQL-style error
body where the server offers the ASGI websocket denial response (uvicorn does), else a
close with 1013 (try again later). Sockets already open are never touched, and a freed
place is given to the next handshake.

Before counting, the handshake must offer `graphql-transport-ws`, the one subprotocol
served (the protocol of the `graphql-ws` library). A client offering only the legacy
`graphql-ws` subprotocol (subscriptions-transport-ws, unmaintained since 2018) or none
is refused at the handshake with 400 and UNSUPPORTED_SUBPROTOCOL naming what to use,
where it was accepted and then closed with 4406 without a word.

Plain HTTP requests do not count: they are short and already bounded by the rate limit,
the body size and the request timeout.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    WebSocketResponseBodyEvent,
    WebSocketResponseStartEvent,
)

from service.access.rate_limit import address_of
from service.http.refusals import refusal_body
from service.observability.metrics import Metrics

log = logging.getLogger(__name__)

TOO_MANY_WEBSOCKETS = "TOO_MANY_WEBSOCKETS"
UNSUPPORTED_SUBPROTOCOL = "UNSUPPORTED_SUBPROTOCOL"
SERVED_SUBPROTOCOL = "graphql-transport-ws"
SUBPROTOCOL_MESSAGE = (
    "this server speaks the graphql-transport-ws subprotocol (the graphql-ws library's); "
    "the legacy graphql-ws subprotocol (subscriptions-transport-ws) is not served"
)
# RFC 6455's "Policy Violation", for servers without the denial response.
POLICY_VIOLATION = 1008
RETRY_AFTER_S = 5
# RFC 6455's "Try Again Later", for servers without the denial response.
TRY_AGAIN_LATER = 1013


@dataclass
class OpenWebSockets:
    """How many websockets are open, in all and by address, against their caps."""

    limit: int
    per_address: int = 0
    """0: no cap per address (every client behind one proxy shares its address)."""
    total: int = 0
    by_address: Counter[str] = field(default_factory=Counter)

    def admit(self, address: str | None) -> str | None:
        """Count one more socket from `address`; else why not (what is full)."""
        if self.total >= self.limit:
            return f"this server holds its most open websockets ({self.limit})"
        if self.per_address and address is not None:
            if self.by_address[address] >= self.per_address:
                return f"this address holds its most open websockets ({self.per_address})"
            self.by_address[address] += 1
        self.total += 1
        return None

    def release(self, address: str | None) -> None:
        """Count one socket from `address` fewer (it was admitted)."""
        self.total -= 1
        if self.per_address and address is not None:
            self.by_address[address] -= 1
            if not self.by_address[address]:
                del self.by_address[address]  # no key left behind per past client


class WebSocketAdmission:
    """ASGI wrapper admitting websockets while `sockets` has room; counted in `metrics`."""

    def __init__(self, app: ASGIApp, sockets: OpenWebSockets, metrics: Metrics) -> None:
        self.app = app
        self.sockets = sockets
        self.metrics = metrics
        self._refusing = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand on the connection, or refuse a websocket's handshake."""
        if scope["type"] != ScopeType.WEBSOCKET:
            await self.app(scope, receive, send)
            return
        if SERVED_SUBPROTOCOL not in (scope.get("subprotocols") or ()):
            await _refuse(scope, receive, send, _wrong_subprotocol())
            return
        address = address_of(scope)
        reason = self.sockets.admit(address)
        if reason is not None:
            self._note_refusal(reason)
            await _refuse(scope, receive, send, _too_many(reason))
            return
        self._refusing = False
        self.metrics.websockets_open.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            self.sockets.release(address)
            self.metrics.websockets_open.dec()

    def _note_refusal(self, reason: str) -> None:
        # One line when refusals start, not one per handshake: a client retrying in a
        # loop would otherwise write the log full. The metric counts them all.
        self.metrics.websockets_refused.inc()
        if not self._refusing:
            self._refusing = True
            log.warning("websocket refused: %s", reason)


@dataclass(frozen=True)
class _Denial:
    """How a handshake is refused: an HTTP answer, else a close code."""

    status: int
    body: bytes
    close_code: int
    close_reason: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


def _wrong_subprotocol() -> _Denial:
    body = refusal_body(SUBPROTOCOL_MESSAGE, UNSUPPORTED_SUBPROTOCOL)
    reason = f"{UNSUPPORTED_SUBPROTOCOL}: offer {SERVED_SUBPROTOCOL}"
    return _Denial(400, body, POLICY_VIOLATION, reason)


def _too_many(reason: str) -> _Denial:
    body = refusal_body(
        f"{reason}: retry in {RETRY_AFTER_S} s", TOO_MANY_WEBSOCKETS, retryAfter=RETRY_AFTER_S
    )
    retry_after = ((b"retry-after", str(RETRY_AFTER_S).encode()),)
    return _Denial(503, body, TRY_AGAIN_LATER, reason, retry_after)


async def _refuse(scope: Scope, receive: Receive, send: Send, denial: _Denial) -> None:
    await receive()  # websocket.connect: ASGI wants it read before the answer
    if "websocket.http.response" not in (scope.get("extensions") or {}):
        await send(
            {"type": "websocket.close", "code": denial.close_code, "reason": denial.close_reason}
        )
        return
    start: WebSocketResponseStartEvent = {
        "type": "websocket.http.response.start",
        "status": denial.status,
        "headers": [
            (b"content-type", b"application/json"),
            *denial.headers,
            (b"content-length", str(len(denial.body)).encode()),
        ],
    }
    end: WebSocketResponseBodyEvent = {
        "type": "websocket.http.response.body",
        "body": denial.body,
        "more_body": False,
    }
    await send(start)
    await send(end)
