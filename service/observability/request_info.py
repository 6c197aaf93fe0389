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
        graphql_errors: GraphQL errors reported, by kind (`request` or `resolver`).
    """

    request_id: str
    method: str
    path: str
    operation: str = ""
    graphql_errors: dict[str, int] = field(default_factory=dict)

    def count_graphql_error(self, kind: str) -> None:
        """Record one GraphQL error of `kind`."""
        self.graphql_errors[kind] = self.graphql_errors.get(kind, 0) + 1


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)
