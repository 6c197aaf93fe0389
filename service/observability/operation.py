"""The GraphQL operation name of a request, found cheaply (no parsing of the document)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import msgspec

ANONYMOUS = "anonymous"
INVALID = "invalid"

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
_COMMENT = re.compile(r"#[^\n\r]*")
# The first named operation definition at the start of a line: enough for labels and logs.
# A line's indent may hold no line break: with `^\s*`, every line start of a run of blank
# lines scanned the whole rest of the run, and 30,000 newlines in a valid document held
# the event loop for 8 s (quadratic; the token limit counts no whitespace).
_INDENT = r"^[ \t,\ufeff]*"
_DEFINITION = re.compile(
    _INDENT + r"(?:query|mutation|subscription)[\s,]+([_A-Za-z][_0-9A-Za-z]*)", re.M
)
_ANONYMOUS_DEFINITION = re.compile(_INDENT + r"(?:\{|query\b|mutation\b|subscription\b)", re.M)


class _Envelope(msgspec.Struct):
    query: str | None = None
    operationName: str | None = None


_decode_envelope = msgspec.json.Decoder(_Envelope).decode


def from_json_body(body: bytes) -> str:
    """The operation name of a JSON POST body; "" when it is not a GraphQL request."""
    try:
        envelope = _decode_envelope(body)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        # Not JSON (or not UTF-8), a batch, fields of the wrong type, or nested too deeply
        # to skip. Raised here, it would break the reading of the body it looks at.
        return ""
    return from_document(envelope.query, envelope.operationName)


def from_query_string(query_string: bytes) -> str:
    """The operation name of a GET request's `query` and `operationName` parameters."""
    params = parse_qs(query_string.decode("latin-1"))
    query = params.get("query", [None])[0]
    return from_document(query, params.get("operationName", [None])[0])


def from_document(query: str | None, operation_name: str | None) -> str:
    """`operationName` when given, else the first operation's name in the document.

    Returns:
        The name; `anonymous` for an unnamed operation; `invalid` for an operationName
        that is no GraphQL name (it would otherwise reach logs and metric labels as is);
        "" when there is no document at all.
    """
    if operation_name:
        return operation_name if _NAME.fullmatch(operation_name) else INVALID
    if not query:
        return ""
    text = _COMMENT.sub("", query)
    if match := _DEFINITION.search(text):
        return match.group(1)[:100]
    return ANONYMOUS if _ANONYMOUS_DEFINITION.search(text) else INVALID
