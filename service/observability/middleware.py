"""Per request: a request id, one access line, the metrics.

An ASGI wrapper around Litestar's whole handler (outside its router), so unmatched paths
(404) and errors are seen too.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

import structlog
from litestar import types as asgi
from litestar.datastructures import State

from service.access.middleware import authentication_of
from service.access.rate_limit import address_of
from service.observability import operation as operations
from service.observability.access_log import access_log
from service.observability.metrics import Metrics
from service.observability.request_info import RequestInfo, current_request

# Litestar's ASGI types are TypedDict unions; inside, plain mappings are simpler to handle.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

REQUEST_ID_HEADER = "x-request-id"
# A client's id is reused only when it cannot forge log content or blow up its size.
_USABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
# Bodies bigger than this are not read twice for their operation name.
_MAX_TEED_BODY = 256 * 1024
# Probes and scrapes come every few seconds: their access lines are DEBUG.
_QUIET_PREFIXES = ("/health/", "/metrics", "/static/")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER.encode():
            candidate: str = value.decode("latin-1")
            if _USABLE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class ObservabilityMiddleware:
    """Request ids, access lines and metrics for every HTTP request."""

    def __init__(self, app: asgi.ASGIApp, *, metrics: Metrics, state: State, graphql_path: str):
        """Wrap `app`.

        Args:
            app: the ASGI app (Litestar's handler).
            metrics: where requests are counted.
            state: the app's state (its `pool`, for the pool gauges in multiprocess mode).
            graphql_path: the GraphQL endpoint, whose operation names are read.
        """
        self.app = cast("Callable[[Scope, Receive, Send], Awaitable[None]]", app)
        self.metrics = metrics
        self.state = state
        self.graphql_path = graphql_path

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        """Serve one ASGI connection."""
        await self._serve(cast("Scope", scope), cast("Receive", receive), cast("Send", send))

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            with structlog.contextvars.bound_contextvars(request_id=_request_id(scope)):
                await self.app(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        info = RequestInfo(_request_id(scope), scope["method"], scope["path"])
        if info.path == self.graphql_path:
            if info.method == "GET":
                info.operation = operations.from_query_string(scope.get("query_string", b""))
            elif info.method == "POST":
                receive = _teeing(receive, info)
        status = 0  # until a response starts
        header = (REQUEST_ID_HEADER.encode(), info.request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = current_request.set(info)
        start = time.perf_counter()
        self.metrics.in_progress.inc()
        try:
            with structlog.contextvars.bound_contextvars(request_id=info.request_id):
                try:
                    await self.app(scope, receive, send_with_id)
                except BaseException:
                    status = status or 500
                    raise
                finally:
                    # No response at all and no error: the client went away first (499,
                    # as nginx says), which must not count as a server error.
                    self._done(scope, info, status or 499, time.perf_counter() - start)
        finally:
            self.metrics.in_progress.dec()
            current_request.reset(token)
            structlog.contextvars.unbind_contextvars("operation")

    def _done(self, scope: Scope, info: RequestInfo, status: int, seconds: float) -> None:
        # The router leaves the matched route's template in the scope: a bounded label.
        route = scope.get("path_template") or "unmatched"
        self.metrics.observe_request(
            route=route,
            method=info.method,
            operation=info.operation,
            status=status,
            seconds=seconds,
            graphql_errors=info.graphql_errors,
            answer=info.answer,
        )
        if self.metrics.multiprocess_dir:  # each worker reports its own pool as it goes
            self.metrics.observe_pool(self.state.get("pool"))
            self.metrics.observe_feed(self.state.get("feed"))
        if status >= 500:
            level = logging.WARNING
        elif info.path.startswith(_QUIET_PREFIXES):
            level = logging.DEBUG
        else:
            level = logging.INFO
        # The caller by its token's name (never the secret): with the address, an operator
        # can tell who sent a request that went wrong without asking the client.
        caller = authentication_of(scope).caller
        fields = {
            "client": address_of(scope),
            "caller": None if caller.is_anonymous else caller.name,
            "method": info.method,
            "path": info.path,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "operation": info.operation or None,
            "graphql_errors": sum(info.graphql_errors.values()) or None,
            "answer": info.answer or None,
        }
        access_log().log(level, "request", **{k: v for k, v in fields.items() if v is not None})


def _teeing(receive: Receive, info: RequestInfo) -> Receive:
    """Wrap `receive` to read the operation name as the body goes by to the app."""
    chunks: list[bytes] = []
    size = 0

    async def receive_and_look() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request" and size <= _MAX_TEED_BODY:
            chunk: bytes = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            if not message.get("more_body", False) and size <= _MAX_TEED_BODY:
                info.operation = operations.from_json_body(b"".join(chunks))
                chunks.clear()
                # Bound here, in the handler's own context: its later lines carry it.
                structlog.contextvars.bind_contextvars(operation=info.operation or None)
        return message

    return receive_and_look
