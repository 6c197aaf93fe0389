"""Admission: what is checked of a request before it is answered: who calls, how, how long.

The first step of the answer pipeline (pipeline.py), and the controller's hooks:
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
from collections.abc import Awaitable
from typing import Any, TypeVar

from graphql import GraphQLError
from litestar import Request
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult

from service.access.credentials import (
    authenticate_header,
    authenticate_token,
    token_of_init_payload,
)
from service.access.gate import context_refusal
from service.access.permissions import UNAUTHENTICATED, set_http_status
from service.access.roles import Authentication
from service.errors import Unauthenticated
from service.graphql.failures import TIMEOUT
from service.http.refusals import JSON, TOO_MANY_OPERATIONS, UNSUPPORTED_MEDIA_TYPE, Refusal

log = logging.getLogger("service.api")
T = TypeVar("T")


def refuse_unless_json(request: Request[Any, Any, Any]) -> None:
    """A POST whose body is not JSON is refused (415) before anything reads it.

    Raises:
        Refusal: 415, with `Accept-Post: application/json`.
    """
    if request.method == "POST" and request.content_type[0] != JSON:
        raise Refusal(
            415,
            "send the operation as application/json",
            UNSUPPORTED_MEDIA_TYPE,
            headers={"Accept-Post": JSON},
        )


async def within_deadline(timeout_s: float, answer: Awaitable[T]) -> T:
    """`answer`, cancelled after `timeout_s` (REQUEST_TIMEOUT_MS).

    Raises:
        Refusal: 504 once the time is up.
    """
    timeout = asyncio.timeout(timeout_s)
    try:
        async with timeout:
            return await answer
    except TimeoutError:
        if not timeout.expired():
            raise
        limit_ms = round(timeout_s * 1000)
        log.warning("request cancelled after %d ms (REQUEST_TIMEOUT_MS)", limit_ms)
        message = f"the request took longer than {limit_ms} ms and was cancelled"
        raise Refusal(504, message, TIMEOUT) from None


def refuse_large_batch(batching_config: Any, size: int) -> None:
    """Strawberry's batch size check, with a message that says what the limit is.

    Raises:
        Refusal: 400 for a batch of more than `max_operations`.
    """
    if batching_config is not None and size > batching_config["max_operations"]:
        raise Refusal(
            400,
            f"a batch may hold at most {batching_config['max_operations']} operations "
            f"(this one holds {size})",
            TOO_MANY_OPERATIONS,
        )


def refused_caller_results(context: Any, request_data: Any) -> Any:
    """The results of a caller who may run nothing (a 401 and a GraphQL error for each
    operation, before any parse); None for a caller who may run operations."""
    problem = context_refusal(context)
    if problem is None:
        return None
    set_http_status(context, UNAUTHENTICATED)

    def refused() -> ExecutionResult:
        error = GraphQLError(problem, extensions={"code": UNAUTHENTICATED})
        return ExecutionResult(data=None, errors=[error])

    return [refused() for _ in request_data] if isinstance(request_data, list) else refused()


async def admit_websocket(context: Any) -> None:
    """Authenticate a websocket from its `connection_init` payload (or its handshake).

    Raises:
        ConnectionRejectionError: a refused caller, whose socket is closed with 4403
            (graphql-transport-ws: Forbidden).
    """
    context.authenticate_as(await _ws_authentication(context))
    problem = context_refusal(context)
    if problem is not None:
        raise ConnectionRejectionError({"message": problem, "code": UNAUTHENTICATED})


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
