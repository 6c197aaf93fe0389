"""Strawberry's Litestar controller: msgspec JSON, no thread hop, GraphQL over HTTP media types."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import msgspec
from cross_web import HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, ValidationException
from litestar.status_codes import HTTP_200_OK
from strawberry.http import GraphQLHTTPResponse
from strawberry.litestar import make_graphql_controller
from strawberry.litestar.controller import GraphQLController
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from service import bounded_json
from service.access.rate_limit import Budget
from service.http.cached_view import CachedView
from service.http.guarded_view import GuardedView
from service.http.kept_statement_view import CompiledView
from service.http.refusals import (
    GRAPHQL_RESPONSE_JSON,
    answer_exception,
    refusal_of,
    refusal_response,
)
from service.http.response_cache import ResponseCache
from service.http.trusted_documents import (
    DocumentRegistry,
    TrustedDocumentsView,
    TrustedSubscribeMessages,
)
from service.http.websocket.keepalive import KeepAliveTransportWSHandler
from service.http.websocket.rate_limit import RateLimitedSubscribeMessages
from service.http.websocket.subscribe import (
    OutageClosesSocket,
    QuietWhenClientLeaves,
    WellFormedMessages,
)

_encoder = msgspec.json.Encoder()


# Where a request keeps its own sub-response (in its scope's state): Strawberry keeps it
# on the controller, which Litestar makes once per app, so a request that awaited in
# between answered with another one's status (a read got a refused write's 403).
_SUB_RESPONSE = "graphql_sub_response"


class _WebSocketHandler(
    QuietWhenClientLeaves,
    WellFormedMessages,
    OutageClosesSocket,
    RateLimitedSubscribeMessages,
    TrustedSubscribeMessages,
    KeepAliveTransportWSHandler,
):
    """graphql-transport-ws with server pings, messages of the wrong shape refused, the
    rate limit and trusted documents as over HTTP, and clients leaving mid-answer quiet."""


SUBSCRIPTION_OVER_HTTP = "a subscription needs a websocket: graphql-transport-ws at this /graphql"


def _is_plain_http_subscription(request_data: Any, max_tokens: int) -> bool:
    """A subscription sent over HTTP, which this service streams nowhere but over a
    websocket: Strawberry ran it as a query, whose field then failed as a server error
    (with a multipart/mixed Accept header too)."""
    query = getattr(request_data, "query", None)
    # The substring test first: nearly every request names no subscription at all.
    if (
        getattr(request_data, "protocol", None) != "http"
        or not query
        or "subscription" not in query
    ):
        return False
    try:
        # At most MAX_QUERY_TOKENS: a megabyte of tokens held the event loop for seconds.
        document = parse(query, max_tokens=max_tokens)
        operation = get_operation_ast(document, request_data.operation_name)
    except GraphQLError:
        return False  # left to Strawberry, which reports the syntax error
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


def _wants_graphql_response_json(request: Request[Any, Any, Any]) -> bool:
    return GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "")


def _is_request_error(payload: GraphQLHTTPResponse) -> bool:
    """A document that failed to parse or validate: no execution, so no data at all.

    graphql-core reports these with data=None and errors that carry no path.
    """
    errors: list[dict[str, Any]] = payload.get("errors") or []  # type: ignore[assignment]
    return payload.get("data") is None and bool(errors) and all(not e.get("path") for e in errors)


def build_controller(
    schema: BaseSchema,
    *,
    path: str,
    context_getter: Callable[[State, Request[Any, Any, Any]], Awaitable[Any]],
    graphql_ide: bool,
    allowed_origins: Sequence[str] = (),
    max_subscriptions_per_connection: int = 20,
    middleware: Sequence[Any] = (),
    rate_budget: Budget | None = None,
    request_max_body_size: int | None = None,
    request_timeout_s: float = 10.0,
    max_query_tokens: int = 2000,
    max_query_chars: int = 100_000,
    ws_ping_interval_s: float = 15.0,
    response_cache: ResponseCache | None = None,
    trusted_documents: DocumentRegistry | None = None,
    trusted_only: bool = False,
    report_round_trips: bool = False,
) -> type[GraphQLController]:
    """The `/graphql` controller: queries, mutations, subscriptions and the playground.

    Args:
        context_getter: builds a request's context (Litestar's state, the request); HTTP
            requests call it directly, websockets as a dependency.
        middleware: Litestar middleware of the GraphQL routes (authentication, rate limit).
        rate_budget: the budget that middleware's limiter spends, which operations sent
            over websockets spend too (None: no limit).
        request_max_body_size: largest body accepted (413 beyond); None: Litestar's default.
        request_timeout_s: an HTTP request is cancelled (504) after this long.
        max_query_tokens: most tokens any parse of a document reads (MAX_QUERY_TOKENS).
        max_query_chars: longest document text accepted, before any parse (MAX_QUERY_CHARS).
        ws_ping_interval_s: seconds between server pings on subscription websockets.
        response_cache: serve repeated queries from this cache (None: no cache).
        trusted_documents: documents clients may name by id instead of sending them.
        trusted_only: refuse any document that is not registered.
        report_round_trips: answers carry `extensions.sqlRoundTrips` (not in production).
    """
    base = make_graphql_controller(
        schema,
        path=path,
        graphql_ide="graphiql" if graphql_ide else None,
        context_getter=context_getter,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        allowed_origins=allowed_origins,
        max_subscriptions_per_connection=max_subscriptions_per_connection,
        keep_alive=True,
        keep_alive_interval=ws_ping_interval_s,
    )

    # Order matters: GuardedView checks the media type and the time first; trusted
    # documents resolve ids before the cache keys the request; a kept compiled statement
    # answers a cache miss before Strawberry is asked.
    class Controller(GuardedView, TrustedDocumentsView, CachedView, CompiledView, base):  # type: ignore[valid-type,misc]
        graphql_transport_ws_handler_class = _WebSocketHandler

        # HTTP handlers without dependency injection: Strawberry's take four dependencies
        # (custom context, sub-response, root value, context) that Litestar resolves and
        # validates per request, for values that need no waiting (about 15 % of the CPU
        # of a compiled read). Websockets keep Strawberry's handler and dependencies.
        @get(raises=[ValidationException, NotFoundException])
        async def handle_http_get(self, request: Request[Any, Any, Any]) -> Response[Any]:
            return await self.execute_request(request, await self._context_of(request), None)

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[Any]:
            return await self.execute_request(request, await self._context_of(request), None)

        async def _context_of(self, request: Request[Any, Any, Any]) -> Any:
            sub_response: Response[Any] = Response({})
            request.scope.setdefault("state", {})[_SUB_RESPONSE] = sub_response
            context = await context_getter(request.app.state, request)
            context.request = request
            context.response = sub_response
            return context

        async def get_sub_response(self, request: Request[Any, Any, Any]) -> Response[Any]:
            sub_response: Response[Any] = request.scope["state"][_SUB_RESPONSE]
            return sub_response

        def decode_json(self, data: str | bytes) -> object:
            try:
                return bounded_json.decode(data)
            except bounded_json.JsonRefused as exc:
                # Strawberry turns JSONDecodeError (and only that) into a 400 over HTTP,
                # and into a 4400 close over a websocket. RecursionError: nested deeper
                # than the decoder goes (a thousand brackets are enough).
                raise json.JSONDecodeError(str(exc), str(data)[:100], 0) from None

        def parse_json(self, data: str | bytes) -> Any:
            try:
                return super().parse_json(data)
            except HTTPException as exc:
                # Strawberry's 400 says "Unable to parse request body as JSON" alone; say why
                # (not JSON at which byte, or nested too deep).
                cause = exc.__cause__
                if isinstance(cause, json.JSONDecodeError):
                    raise HTTPException(400, f"{exc.reason}: {cause.msg}") from cause
                raise

        def encode_json(self, data: object) -> bytes:
            return _encoder.encode(data)

        async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
            request_data = kwargs.get("request_data", args[-1] if args else None)
            if _is_plain_http_subscription(request_data, self.max_query_tokens):
                raise HTTPException(400, SUBSCRIPTION_OVER_HTTP)
            try:
                return await super().execute_single(*args, **kwargs)
            except HTTPException as exc:
                cause = exc.__cause__
                if isinstance(cause, InvalidOperationTypeError):
                    raise HTTPException(405, exc.reason) from cause
                raise

        async def execute_request(
            self, request: Request[Any, Any, Any], context: Any, root_value: Any
        ) -> Response[Any]:
            try:
                response: Response[Any] = await self.run(
                    request, context=context, root_value=root_value
                )
                return response
            except HTTPException as exc:  # a Refusal, or one of Strawberry's
                return refusal_response(request, refusal_of(exc))

        async def process_result(self, request: Any, result: Any) -> GraphQLHTTPResponse:
            payload: GraphQLHTTPResponse = await super().process_result(request, result)
            if _wants_graphql_response_json(request) and _is_request_error(payload):
                # Per the spec, a request error has no `data` entry at all (see `run`).
                payload.pop("data", None)
            return payload

        async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
            response = await super().run(request, context=context, root_value=root_value)
            if isinstance(request, Request) and _wants_graphql_response_json(request):
                body = getattr(response, "content", None)
                if isinstance(body, bytes):
                    response.media_type = GRAPHQL_RESPONSE_JSON
                    # A request error (nothing ran) is a 400, unless a 401/403/504 says more.
                    if body.startswith(b'{"errors"') and response.status_code == 200:
                        response.status_code = 400
            return response

    Controller.middleware = list(middleware)
    # Whatever the route's middleware or the view raise (the body limit, the rate
    # limit, a lost database, a bug) is answered as a GraphQL error too.
    Controller.exception_handlers = {Exception: answer_exception}
    Controller.rate_budget = rate_budget
    if request_max_body_size is not None:
        Controller.request_max_body_size = request_max_body_size
    Controller.request_timeout_s = request_timeout_s
    Controller.max_query_tokens = max_query_tokens
    Controller.response_cache = response_cache
    Controller.trusted_documents = trusted_documents or DocumentRegistry({})
    Controller.trusted_only = trusted_only
    Controller.max_tokens = max_query_tokens
    Controller.max_query_chars = max_query_chars
    Controller.query_compiler = getattr(schema, "query_compiler", None)
    Controller.report_round_trips = report_round_trips
    return Controller
