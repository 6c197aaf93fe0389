"""What the GraphQL controller checks around Strawberry: who calls, how, and for how long.

Mixed into the controller (see graphql_view.py):
- a POST body must be JSON: the types an HTML form or a `no-cors` fetch can send without
  a CORS preflight (urlencoded, multipart, text/plain) are refused with 415, so no other
  site can make a browser post an operation;
- a refused caller (bad token, or anonymous when anonymous reads are off) gets a 401 and
  a GraphQL error before anything is parsed or run;
- a request runs at most REQUEST_TIMEOUT_MS, then answers 504;
- a websocket client authenticates in `connection_init`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar

from graphql import GraphQLError
from litestar import Request
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from service.access.credentials import (
    authenticate_header,
    authenticate_token,
    token_of_init_payload,
)
from service.access.gate import context_refusal
from service.access.permissions import UNAUTHENTICATED, set_http_status
from service.access.roles import Authentication
from service.api.failures import TIMEOUT
from service.errors import Unauthenticated
from service.http.refusals import JSON, TOO_MANY_OPERATIONS, UNSUPPORTED_MEDIA_TYPE, Refusal

log = logging.getLogger("service.api")


class GuardedView:
    """Mixin for Strawberry's Litestar controller (put it before the base class)."""

    request_timeout_s: ClassVar[float] = 10.0

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Check the media type and bound the time of an HTTP request; pass websockets on."""
        run = super().run  # type: ignore[misc]
        if not isinstance(request, Request):
            return await run(request, context=context, root_value=root_value)
        if request.method == "POST" and request.content_type[0] != JSON:
            raise Refusal(
                415,
                "send the operation as application/json",
                UNSUPPORTED_MEDIA_TYPE,
                headers={"Accept-Post": JSON},
            )
        timeout = asyncio.timeout(self.request_timeout_s)
        try:
            async with timeout:
                return await run(request, context=context, root_value=root_value)
        except TimeoutError:
            if not timeout.expired():
                raise
            limit_ms = round(self.request_timeout_s * 1000)
            log.warning("request cancelled after %d ms (REQUEST_TIMEOUT_MS)", limit_ms)
            message = f"the request took longer than {limit_ms} ms and was cancelled"
            raise Refusal(504, message, TIMEOUT) from None

    def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
        """Strawberry's batch checks, with a message that says what the limit is."""
        config = self.schema.config.batching_config  # type: ignore[attr-defined]
        if config is not None and len(request_data) > config["max_operations"]:
            raise Refusal(
                400,
                f"a batch may hold at most {config['max_operations']} operations "
                f"(this one holds {len(request_data)})",
                TOO_MANY_OPERATIONS,
            )
        super()._validate_batch_request(request_data, protocol)  # type: ignore[misc]

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Any,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Refuse a caller who may run nothing, before parsing; else let Strawberry run."""
        problem = context_refusal(context)
        if problem is None:
            return await super().execute_operation(  # type: ignore[misc]
                request, request_adapter, request_data, context, root_value, sub_response
            )
        set_http_status(context, UNAUTHENTICATED)

        def refused() -> ExecutionResult:
            error = GraphQLError(problem, extensions={"code": UNAUTHENTICATED})
            return ExecutionResult(data=None, errors=[error])

        return [refused() for _ in request_data] if isinstance(request_data, list) else refused()

    async def on_ws_connect(self, context: Any) -> Any:
        """Authenticate a websocket from its `connection_init` payload (or its handshake).

        A refused caller's socket is closed with 4403 (graphql-transport-ws: Forbidden).
        """
        context.authenticate_as(await _ws_authentication(context))
        problem = context_refusal(context)
        if problem is not None:
            raise ConnectionRejectionError({"message": problem, "code": UNAUTHENTICATED})
        return UNSET


async def _ws_authentication(context: Any) -> Authentication:
    try:
        token = token_of_init_payload(context.connection_params)
    except Unauthenticated as exc:
        return Authentication(problem=exc.message)
    if token is not None:
        return await authenticate_token(context.pool, token, context.token_cache)
    # Non-browser clients may authenticate the handshake like any HTTP request.
    websocket = context.websocket
    header = None if websocket is None else websocket.headers.get("authorization")
    return await authenticate_header(context.pool, header, context.token_cache)
