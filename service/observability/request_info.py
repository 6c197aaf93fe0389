"""The request being served, for code that runs inside it (log filters, metrics)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RequestInfo:
    """Facts about one HTTP request, filled in while it is served.

    Attributes:
        request_id: the client's X-Request-ID when usable, else a new one.
        method: HTTP method.
        path: URL path.
        operation: GraphQL operation name ("" when not a GraphQL request).
        graphql_errors: GraphQL errors reported, by kind (`request`, `input` or `resolver`).
        answer: what answered a GraphQL operation without the executor: CACHE,
            STATEMENT, COMPILED or MUTATION (see below); "" otherwise.
    """

    request_id: str
    method: str
    path: str
    operation: str = ""
    graphql_errors: dict[str, int] = field(default_factory=dict)
    answer: str = ""

    def count_graphql_error(self, kind: str) -> None:
        """Record one GraphQL error of `kind`."""
        self.graphql_errors[kind] = self.graphql_errors.get(kind, 0) + 1


# What answered a query, when the executor did not:
CACHE = "cache"  # the response cache (service/http/cached_answers.py)
# a kept compiled statement, before any GraphQL work (service/http/kept_statements.py)
STATEMENT = "statement"
COMPILED = "compiled"  # a statement compiled for this request (compiled/extension.py)
# a kept mutation's one statement, before any GraphQL work (compiled/mutations.py)
MUTATION = "mutation"

current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


def note_answer(answer: str) -> None:
    """Record what answered the current HTTP request's query (nothing outside a request)."""
    info = current_request.get()
    if info is not None:
        info.answer = answer
