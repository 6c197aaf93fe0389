"""The operation an HTTP request asks for, read once for the pipeline steps that answer it early.

The response cache and the kept statements look at a request before Strawberry
does; both need its query, operation name, variables and document id. They are decoded
here once per request (kept in the ASGI scope), with msgspec, into a typed struct.
"""

from __future__ import annotations

from typing import Any

import msgspec
from cross_web import HTTPException
from litestar import Request

from service import bounded_json

# Where the decoded request is kept in the scope (a key no ASGI server or Litestar uses).
_SCOPE_KEY = "position_record.operation_request"


class OperationRequest(msgspec.Struct):
    """One GraphQL request as sent (the wire names are camelCase)."""

    query: str | None = None
    operation_name: str | None = msgspec.field(default=None, name="operationName")
    variables: dict[str, Any] | None = None
    document_id: str | None = msgspec.field(default=None, name="documentId")
    extensions: dict[str, Any] | None = None


# Numbers read as bounded_json reads them (a 1 MiB body of `1e308` took msgspec 1.6 s).
_decode = msgspec.json.Decoder(OperationRequest, float_hook=bounded_json.finite_float).decode


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
        decoded = _decode(await request.body())
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return None
    # Too deep: left to Strawberry, whose decoder (bounded_json) refuses it with a 400.
    deepest = bounded_json.MAX_DEPTH - 1
    if bounded_json.too_deep([decoded.variables, decoded.extensions], deepest):
        return None
    return decoded


_GET_JSON = ("variables", "extensions")


def _json_object(text: str | None) -> dict[str, Any] | None:
    """A query parameter holding a JSON object (None when absent).

    Raises:
        ValueError: the parameter is not a JSON object.
    """
    if not text:
        return None
    try:
        decoded = bounded_json.decode(text)
    except bounded_json.JsonRefused:
        raise ValueError(text) from None
    if not isinstance(decoded, dict):
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
