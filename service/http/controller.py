"""The /graphql controller: Strawberry's Litestar controller, answering HTTP requests
through the pipeline (pipeline.py), with msgspec JSON and GraphQL over HTTP media types."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar

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
from strawberry.types.unset import UNSET

from service import bounded_json
from service.http import pipeline
from service.http.admission import admit_websocket, refuse_large_batch, refused_caller_results
from service.http.config import TransportConfig
from service.http.operation_request import checked_body
from service.http.refusals import (
    GRAPHQL_RESPONSE_JSON,
    answer_exception,
    refusal_of,
    refusal_response,
)
from service.http.trusted_documents import TrustedSubscribeMessages, names_a_document
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
    config: TransportConfig,
    *,
    path: str,
    context_getter: Callable[[State, Request[Any, Any, Any]], Awaitable[Any]],
    graphql_ide: bool,
    allowed_origins: Sequence[str] = (),
    max_subscriptions_per_connection: int = 20,
    middleware: Sequence[Any] = (),
    request_max_body_size: int | None = None,
) -> type[GraphQLController]:
    """The `/graphql` controller: queries, mutations, subscriptions and the playground.

    HTTP requests are answered by the pipeline (pipeline.py); Strawberry's controller
    stays underneath as its executor, and for websockets, GET parameters and the
    playground. The overrides below are the hooks of Strawberry's view that this service
    needs, each saying why.

    Args:
        config: how requests are admitted and answered (built from Settings).
        context_getter: builds a request's context (Litestar's state, the request); HTTP
            requests call it directly, websockets as a dependency.
        middleware: Litestar middleware of the GraphQL routes (authentication, rate limit).
        request_max_body_size: largest body accepted (413 beyond); None: Litestar's default.
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
        keep_alive_interval=config.ws_ping_interval_s,
    )
    documents = config.documents
    transport, route_middleware, max_body = config, list(middleware), request_max_body_size

    class Controller(base):  # type: ignore[valid-type,misc]
        graphql_transport_ws_handler_class = _WebSocketHandler
        # Read by the pipeline here, and by the websocket handler as `view.config`.
        config: ClassVar[TransportConfig] = transport
        middleware = route_middleware
        # Whatever the route's middleware or the view raise (the body limit, the rate
        # limit, a lost database, a bug) is answered as a GraphQL error too.
        exception_handlers = {Exception: answer_exception}
        if max_body is not None:
            request_max_body_size = max_body

        # HTTP handlers without dependency injection: Strawberry's take four dependencies
        # (custom context, sub-response, root value, context) that Litestar resolves and
        # validates per request, for values that need no waiting (about 15 % of the CPU
        # of a compiled read). Websockets keep Strawberry's handler and dependencies.
        @get(raises=[ValidationException, NotFoundException])
        async def handle_http_get(self, request: Request[Any, Any, Any]) -> Response[Any]:
            return await self._answer(request)

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[Any]:
            return await self._answer(request)

        async def _answer(self, request: Request[Any, Any, Any]) -> Response[Any]:
            context = await self._context_of(request)

            async def executor() -> Response[Any]:
                response: Response[Any] = await self.run(request, context=context, root_value=None)
                return response

            try:
                return await pipeline.answer(
                    request,
                    context,
                    self.config,
                    shows_playground=self.should_render_graphql_ide(request),
                    executor=executor,
                )
            except HTTPException as exc:  # a Refusal, or one of Strawberry's
                return refusal_response(request, refusal_of(exc))

        async def _context_of(self, request: Request[Any, Any, Any]) -> Any:
            sub_response: Response[Any] = Response({})
            request.scope.setdefault("state", {})[_SUB_RESPONSE] = sub_response
            context = await context_getter(request.app.state, request)
            context.request = request
            context.response = sub_response
            return context

        # Strawberry keeps the sub-response on the controller, which Litestar makes once
        # per app (see _SUB_RESPONSE): each request's is in its own scope.
        async def get_sub_response(self, request: Request[Any, Any, Any]) -> Response[Any]:
            sub_response: Response[Any] = request.scope["state"][_SUB_RESPONSE]
            return sub_response

        # Bounded JSON (depth, numbers) for HTTP bodies and websocket messages alike.
        def decode_json(self, data: str | bytes) -> object:
            try:
                return bounded_json.decode(data)
            except bounded_json.JsonRefused as exc:
                # Strawberry turns JSONDecodeError (and only that) into a 400 over HTTP,
                # and into a 4400 close over a websocket. RecursionError: nested deeper
                # than the decoder goes (a thousand brackets are enough).
                raise json.JSONDecodeError(str(exc), str(data)[:100], 0) from None

        # The body's shape is checked, and each operation's document resolved (ids,
        # persisted queries, trusted-only, MAX_QUERY_CHARS), before Strawberry reads it.
        def parse_json(self, data: str | bytes) -> Any:
            try:
                parsed = checked_body(super().parse_json(data))
            except HTTPException as exc:
                # Strawberry's 400 says "Unable to parse request body as JSON" alone; say
                # why (not JSON at which byte, or nested too deep).
                cause = exc.__cause__
                if isinstance(cause, json.JSONDecodeError):
                    raise HTTPException(400, f"{exc.reason}: {cause.msg}") from cause
                raise
            if isinstance(parsed, list):
                return [documents.with_document(item) for item in parsed]
            return documents.with_document(parsed)

        # The same for a GET's parameters.
        def parse_query_params(self, params: Any) -> dict[str, Any]:
            parsed: dict[str, Any] = super().parse_query_params(params)
            return documents.with_document(parsed)  # type: ignore[no-any-return]

        # A GET naming a document is an operation, never the playground page.
        def should_render_graphql_ide(self, request: Request[Any, Any, Any]) -> bool:
            if names_a_document(request):
                return False
            return bool(super().should_render_graphql_ide(request))

        # Strawberry's batch limit, with a message that says what the limit is.
        def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
            refuse_large_batch(self.schema.config.batching_config, len(request_data))
            super()._validate_batch_request(request_data, protocol)

        # A caller who may run nothing is refused before any parse.
        async def execute_operation(
            self,
            request: Any,
            request_adapter: Any,
            request_data: Any,
            context: Any,
            root_value: Any,
            sub_response: Any,
        ) -> Any:
            refused = refused_caller_results(context, request_data)
            if refused is not None:
                return refused
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )

        # A subscription over HTTP is a 400 that says where to go; a mutation over GET a
        # 405 (Strawberry: 400).
        async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
            request_data = kwargs.get("request_data", args[-1] if args else None)
            if _is_plain_http_subscription(request_data, self.config.max_query_tokens):
                raise HTTPException(400, SUBSCRIPTION_OVER_HTTP)
            try:
                return await super().execute_single(*args, **kwargs)
            except HTTPException as exc:
                cause = exc.__cause__
                if isinstance(cause, InvalidOperationTypeError):
                    raise HTTPException(405, exc.reason) from cause
                raise

        def encode_json(self, data: object) -> bytes:
            return _encoder.encode(data)

        # GraphQL over HTTP: a request error has no `data` entry at all.
        async def process_result(self, request: Any, result: Any) -> GraphQLHTTPResponse:
            payload: GraphQLHTTPResponse = await super().process_result(request, result)
            if _wants_graphql_response_json(request) and _is_request_error(payload):
                payload.pop("data", None)
            return payload

        # A websocket authenticates in `connection_init`.
        async def on_ws_connect(self, context: Any) -> Any:
            await admit_websocket(context)
            return UNSET

    return Controller
