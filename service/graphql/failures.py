"""What clients and the log see of each GraphQL error.

Every error passes through `Schema.process_errors` once, before the response is built:
- unexpected ones (a bug, an outage) get an `errorId`; the log gets the traceback under
  the same id, and, when masking is on (production), the client only "Internal server
  error" with the id;
- a statement cancelled by STATEMENT_TIMEOUT_MS is expected: a clear TIMEOUT error;
- the limits' validation errors get a stable `extensions.code`, and so does every other
  error of a document that failed before anything ran: GRAPHQL_PARSE_FAILED (syntax),
  BAD_USER_INPUT (variable values that do not fit their types), GRAPHQL_VALIDATION_FAILED
  (the rest: unknown fields, fragment cycles, repeated directives...), the codes Apollo
  Server gives them, which GraphQL clients know;
- "Did you mean ...?" suggestions are cut when introspection is off (they would reveal
  the schema's names one guess at a time);
- a message quoting a huge name or value is cut at MESSAGE_CHARS.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.utils.logging import StrawberryLogger

from service.database.pool import database_unavailable
from service.errors import DomainError
from service.http.refusals import (
    DATABASE_RETRY_AFTER_S,
    DATABASE_UNAVAILABLE,
    DATABASE_UNAVAILABLE_MESSAGE,
    INTERNAL,
    INTERNAL_MESSAGE,
    TIMEOUT,
)

__all__ = ["INTERNAL", "INTERNAL_MESSAGE", "TIMEOUT", "ErrorPolicy", "ProtectedSchema"]
MESSAGE_CHARS = 1000
"""Longest error message sent (what is sent back is bounded, whatever was sent)."""

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# Messages of the limits graphql-core and Strawberry enforce, and the codes we give them.
_LIMIT_CODES = (
    (re.compile(r"exceeds maximum operation depth"), "QUERY_TOO_DEEP"),
    (re.compile(r"aliases found\. Allowed"), "TOO_MANY_ALIASES"),
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
    (re.compile(r"introspection has been disabled"), "INTROSPECTION_DISABLED"),
)
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
# graphql-core's errors coercing variable values (execute.values), as opposed to those of
# validation rules, some of which also begin "Variable '$x' ...".
_VARIABLE_VALUE = re.compile(
    r"Variable '\$[_A-Za-z][_0-9A-Za-z]*' has invalid (?:default )?value"
    r"|Variable values are nested too deeply|Too many errors processing variables"
)


@dataclass(frozen=True)
class ErrorPolicy:
    """How errors are shown.

    Attributes:
        mask_unexpected: replace unexpected errors' messages (production).
        hide_suggestions: cut "Did you mean ...?" from messages.
        statement_timeout_ms: named in the message of a cancelled statement.
    """

    mask_unexpected: bool
    hide_suggestions: bool
    statement_timeout_ms: int


def _add_extensions(error: GraphQLError, **values: Any) -> None:
    error.extensions = {**(error.extensions or {}), **values}


class ProtectedSchema(strawberry.Schema):
    """A Strawberry schema applying an ErrorPolicy to every error it reports."""

    error_policy = ErrorPolicy(
        mask_unexpected=False, hide_suggestions=False, statement_timeout_ms=0
    )
    query_compiler: Any = None
    """The schema's QueryCompiler when COMPILED_QUERIES is on (see api/compiled)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log each error once (unexpected ones with an id), then shape what clients see."""
        for error in errors:
            original = error.original_error
            if len(error.message) > MESSAGE_CHARS:
                # graphql-core quotes names as sent: a 500 KB field name came back whole.
                error.message = error.message[:MESSAGE_CHARS] + "..."
            if self.error_policy.hide_suggestions:
                error.message = _SUGGESTION.sub("", error.message)
            if original is None or isinstance(original, GraphQLError):
                _code_limit_error(error)
                StrawberryLogger.error(error, execution_context)
            elif isinstance(original, DomainError):
                StrawberryLogger.error(error, execution_context)
            elif isinstance(original, asyncpg.QueryCanceledError):
                self._statement_timeout(error, execution_context)
            elif database_unavailable(original):
                self._database_unavailable(error, execution_context)
            else:
                self._unexpected(error, execution_context)

    def _statement_timeout(self, error: GraphQLError, execution_context: Any) -> None:
        error_id = uuid.uuid4().hex
        StrawberryLogger.error(error, execution_context, extra={"error_id": error_id})
        limit = self.error_policy.statement_timeout_ms
        error.message = (
            f"the database gave up on this query after {limit} ms: ask for less "
            "(smaller pages, narrower filters)"
        )
        error.original_error = None
        _add_extensions(error, code=TIMEOUT, errorId=error_id)

    def _database_unavailable(self, error: GraphQLError, execution_context: Any) -> None:
        """The database could not be reached: the same answer as a refusal (503, its
        code, Retry-After), never the driver's words; the log has them under the id."""
        error_id = uuid.uuid4().hex
        StrawberryLogger.error(error, execution_context, extra={"error_id": error_id})
        error.message = DATABASE_UNAVAILABLE_MESSAGE
        error.original_error = None
        _add_extensions(
            error, code=DATABASE_UNAVAILABLE, errorId=error_id, retryAfter=DATABASE_RETRY_AFTER_S
        )
        response = getattr(getattr(execution_context, "context", None), "response", None)
        if response is not None:  # over HTTP (a websocket gets the error alone)
            response.status_code = 503
            response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_S)

    def _unexpected(self, error: GraphQLError, execution_context: Any) -> None:
        error_id = uuid.uuid4().hex
        StrawberryLogger.error(error, execution_context, extra={"error_id": error_id})
        if self.error_policy.mask_unexpected:
            error.message = INTERNAL_MESSAGE
            error.original_error = None
        _add_extensions(error, code=INTERNAL, errorId=error_id)


def _code_limit_error(error: GraphQLError) -> None:
    """Give a code to an error raised by graphql-core or Strawberry without one."""
    if error.extensions and "code" in error.extensions:
        return
    for pattern, code in _LIMIT_CODES:
        if pattern.search(error.message):
            _add_extensions(error, code=code)
            return
    if isinstance(error, GraphQLSyntaxError):
        _add_extensions(error, code=PARSE_FAILED)
    elif error.path is None:  # nothing ran: the document or its variables are at fault
        code = BAD_USER_INPUT if _VARIABLE_VALUE.match(error.message) else VALIDATION_FAILED
        _add_extensions(error, code=code)
