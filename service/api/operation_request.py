"""The operation an HTTP request asks for, read once for the views that answer it early.

The response cache and the compiled-statement view look at a request before Strawberry
does; both need its query, operation name, variables and document id. They are decoded
here once per request (kept in the ASGI scope), with msgspec, into a typed struct.
"""

from __future__ import annotations

from typing import Any

import msgspec
from cross_web import HTTPException
from litestar import Request

# Where the decoded request is kept in the scope (a key no ASGI server or Litestar uses).
_SCOPE_KEY = "position_record.operation_request"


class OperationRequest(msgspec.Struct):
    """One GraphQL request as sent (the wire names are camelCase)."""

    query: str | None = None
    operation_name: str | None = msgspec.field(default=None, name="operationName")
    variables: dict[str, Any] | None = None
    document_id: str | None = msgspec.field(default=None, name="documentId")
    extensions: dict[str, Any] | None = None


_decode = msgspec.json.Decoder(OperationRequest).decode

MAX_JSON_DEPTH = 100
"""The deepest nesting of arrays and objects a request's JSON may have. What the decoder
accepts (about a thousand levels) is deeper than the request's own code can then walk
by recursion (the response cache's key, the NUL check...), which failed as a server
error; deeper is refused as malformed JSON."""


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether decoded JSON nests arrays and objects more than `limit` levels deep;
    walked with a stack of its own (no recursion)."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


async def operation_request(request: Request[Any, Any, Any]) -> OperationRequest | None:
    """The request's operation; None for a batch (a JSON list) or a malformed request,
    which are left to Strawberry to answer or refuse."""
    scope: dict[str, Any] = request.scope  # type: ignore[assignment]
    if _SCOPE_KEY not in scope:
        scope[_SCOPE_KEY] = await _read(request)
    found: OperationRequest | None = scope[_SCOPE_KEY]
    return found


async def _read(request: Request[Any, Any, Any]) -> OperationRequest | None:
    if request.method == "GET":
        params = request.query_params
        try:
            variables, extensions = (_json_object(params.get(name)) for name in _GET_JSON)
        except ValueError:
            return None
        return OperationRequest(
            query=params.get("query"),
            operation_name=params.get("operationName"),
            variables=variables,
            document_id=params.get("documentId"),
            extensions=extensions,
        )
    try:
        found = _decode(await request.body())
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return None
    # Nested too deeply: left to Strawberry's parsing, which refuses it (decode_json).
    return None if too_deep([found.variables, found.extensions]) else found


_GET_JSON = ("variables", "extensions")


def _json_object(text: str | None) -> dict[str, Any] | None:
    """A query parameter holding a JSON object (None when absent).

    Raises:
        ValueError: the parameter is not a JSON object.
    """
    if not text:
        return None
    try:
        decoded = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):
        raise ValueError(text) from None
    if not isinstance(decoded, dict) or too_deep(decoded):
        raise ValueError(text)
    return decoded


def checked_body(parsed: Any) -> Any:
    """A decoded JSON body, if it is an object or a non-empty list of them (a batch).

    Raises:
        HTTPException: 400 for any other JSON (`42`, `[1]`, `[]`), which reached
            Strawberry's `.get` and failed as a server error.
    """
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items or not all(isinstance(item, dict) for item in items):
        raise HTTPException(
            400, "the body must be a JSON object, or a non-empty list of them (a batch)"
        )
    return parsed
