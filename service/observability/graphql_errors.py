"""Log levels for GraphQL errors: client mistakes are INFO lines, resolver crashes ERRORs.

Strawberry logs every error of a response at ERROR on the `strawberry.execution` logger,
syntax and validation errors included, and the errors resolvers raise on purpose (a
DomainError: INVALID input, NOT_FOUND, FORBIDDEN...) with their tracebacks. Those are
the client's mistakes, answered with a message and a code: an ERROR each would drown the
real failures. A filter on that logger rewrites them; it also counts errors on the
current request for the access line and the metrics, and logs no more than
REQUEST_ERRORS_LOGGED of a request's client mistakes of each kind.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError

from service.errors import DomainError
from service.observability.request_info import current_request

STRAWBERRY_LOGGER = "strawberry.execution"
REQUEST = "request"  # the document failed to parse or validate: nothing ran
# A document of unknown fields gets up to 100 validation errors (graphql-core's limit):
# the first few tell what went wrong; the access line counts them all.
REQUEST_ERRORS_LOGGED = 10
INPUT = "input"  # a resolver refused the input or the caller, with a code (DomainError)
RESOLVER = "resolver"  # an exception escaped a resolver: a bug or an outage


class GraphQLErrorLevels(logging.Filter):
    """Rewrites Strawberry's error records (one per GraphQL error)."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__()
        self._logger = logger

    def filter(self, record: logging.LogRecord) -> bool:
        """Downgrade request errors to INFO without traceback; keep resolver errors."""
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        kind = _kind(error.original_error)
        request = current_request.get()
        if request is not None:
            request.count_graphql_error(kind)
            if kind != RESOLVER and request.graphql_errors[kind] > REQUEST_ERRORS_LOGGED:
                return False
        # str(error) appends the document excerpt over several lines: keep one line.
        record.msg, record.args = "GraphQL %s error: %s", (kind, error.message)
        record.graphql_error = kind
        if error.path:
            record.graphql_path = ".".join(str(key) for key in error.path)
        if kind == RESOLVER:
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info = record.exc_text = record.stack_info = None
        # The logger let the record through as an ERROR: check again for its new level.
        return self._logger.isEnabledFor(logging.INFO)


def _kind(cause: BaseException | None) -> str:
    if cause is None or isinstance(cause, GraphQLError):
        return REQUEST
    return INPUT if isinstance(cause, DomainError) else RESOLVER


def install_graphql_error_levels() -> None:
    """Attach the filter to Strawberry's logger, once per process."""
    logger = logging.getLogger(STRAWBERRY_LOGGER)
    if not any(isinstance(f, GraphQLErrorLevels) for f in logger.filters):
        logger.addFilter(GraphQLErrorLevels(logger))
