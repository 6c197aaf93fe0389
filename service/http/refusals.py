"""Every refusal of the GraphQL endpoint, in one shape: a GraphQL-over-HTTP error body.

GraphQL clients parse JSON: whatever refuses a request to /graphql (the view's checks,
Strawberry's, Litestar's body limit, the rate limit's middleware, a lost database) answers
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}` with a status that says
what happened, in the media type the client asked for (application/graphql-response+json
when its Accept names it, else application/json), never text/plain.

One way in: raise a `Refusal` anywhere on the way of an HTTP request to the endpoint
(a view, a mixin, a route middleware); the controller's exception handler
(`answer_exception`) turns it, and anything else raised there, into that answer.
Outside Litestar (the websocket admission), `refusal_body` writes the same body.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec
from cross_web import HTTPException
from litestar import Request, Response
from litestar.exceptions import HTTPException as LitestarHTTPException
from litestar.exceptions.responses import create_exception_response

from service.database.pool import database_unavailable

log = logging.getLogger("service.api")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

BAD_REQUEST = "BAD_REQUEST"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
RATE_LIMITED = "RATE_LIMITED"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
INTERNAL = "INTERNAL_SERVER_ERROR"
INTERNAL_MESSAGE = "Internal server error"
TIMEOUT = "TIMEOUT"

DATABASE_RETRY_AFTER_S = 5
DATABASE_UNAVAILABLE_MESSAGE = (
    f"the database cannot be reached: retry in {DATABASE_RETRY_AFTER_S} s"
)

# The code of a refusal that names none (Strawberry's and Litestar's own, by status).
_CODES_BY_STATUS = {
    400: BAD_REQUEST,
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: METHOD_NOT_ALLOWED,
    406: "NOT_ACCEPTABLE",
    413: REQUEST_TOO_LARGE,
    415: UNSUPPORTED_MEDIA_TYPE,
    429: RATE_LIMITED,
    503: DATABASE_UNAVAILABLE,
    504: TIMEOUT,
}

_encode = msgspec.json.Encoder().encode


class Refusal(HTTPException):
    """A request the endpoint will not run, with the status, code and headers to say so.

    A cross_web HTTPException, so Strawberry's code on the way lets it through as it does
    its own refusals.
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        code: str,
        *,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})

    def error(self) -> dict[str, Any]:
        """The GraphQL error of this refusal (as it also goes in a websocket message)."""
        return {"message": self.reason, "extensions": {"code": self.code, **self.extensions}}


def refusal_body(message: str, code: str, **extensions: Any) -> bytes:
    """The JSON body of a refusal: one GraphQL error with `extensions.code`."""
    return _encode({"errors": [{"message": message, "extensions": {"code": code, **extensions}}]})


def media_type_for(accept: str) -> str:
    """The GraphQL-over-HTTP media type a client asked for (legacy JSON by default)."""
    return GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else JSON


def refusal_response(request: Request[Any, Any, Any], refusal: Refusal) -> Response[bytes]:
    """The answer to `request` that `refusal` gives."""
    error = refusal.error()
    return Response(
        _encode({"errors": [error]}),
        status_code=refusal.status_code,
        media_type=media_type_for(request.headers.get("accept", "")),
        headers=refusal.headers,
    )


def database_unavailable_refusal(exc: BaseException) -> Refusal:
    """503 with Retry-After and an errorId; the log has the driver's words under that id."""
    error_id = uuid.uuid4().hex
    log.warning(
        "database unavailable: %s: %s", type(exc).__name__, exc, extra={"error_id": error_id}
    )
    return Refusal(
        503,
        DATABASE_UNAVAILABLE_MESSAGE,
        DATABASE_UNAVAILABLE,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        extensions={"errorId": error_id, "retryAfter": DATABASE_RETRY_AFTER_S},
    )


def refusal_of(exc: Exception) -> Refusal:
    """The refusal that answers `exc`, raised on the way of a request to the endpoint."""
    if isinstance(exc, Refusal):
        return exc
    if isinstance(exc, HTTPException):  # Strawberry's own: status and reason
        headers = {"Allow": "POST"} if exc.status_code == 405 else {}
        return Refusal(exc.status_code, exc.reason, _code_of(exc.status_code), headers=headers)
    if isinstance(exc, LitestarHTTPException):  # Litestar's own: the body limit...
        message = (
            "the request body is larger than this server accepts (MAX_REQUEST_BODY_BYTES)"
            if exc.status_code == 413
            else str(exc.detail)
        )
        return Refusal(
            exc.status_code, message, _code_of(exc.status_code), headers=dict(exc.headers or {})
        )
    if database_unavailable(exc):
        return database_unavailable_refusal(exc)
    error_id = uuid.uuid4().hex
    log.error("unexpected error answering a request", exc_info=exc, extra={"error_id": error_id})
    return Refusal(500, INTERNAL_MESSAGE, INTERNAL, extensions={"errorId": error_id})


def answer_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Litestar exception handler of the GraphQL routes: every exception, one shape."""
    return refusal_response(request, refusal_of(exc))


def endpoint_router_handler(path: str) -> Any:
    """Litestar's app-level handler of what its router refuses before any route's handlers
    (a PUT or DELETE: 405; a path under the endpoint, such as `/graphql/v1`: 404): on the
    GraphQL endpoint and below it, the GraphQL refusal, since the client there is a
    GraphQL client; elsewhere Litestar's own answer."""

    def answer(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        asked = request.url.path
        if asked == path or asked.startswith(f"{path}/"):
            return answer_exception(request, exc)
        return create_exception_response(request, exc)

    return answer


def _code_of(status: int) -> str:
    return _CODES_BY_STATUS.get(status, BAD_REQUEST if status < 500 else INTERNAL)
