"""A small GraphQL client over real HTTP for the end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


class GraphQLErrors(AssertionError):
    """The response carried top-level errors where none were expected."""


@dataclass
class Client:
    """Posts operations to one service, optionally with a bearer token."""

    url: str
    token: str | None = None
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))

    def headers(self) -> dict[str, str]:
        """Authorization header for this client's token."""
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole JSON response (data, errors, extensions)."""
        response = self.http.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers(),
        )
        assert response.status_code in (200, 400, 401, 403), response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of a response that must have no errors."""
        body = self.post(query, variables)
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    def error_codes(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        """extensions.code of each top-level error."""
        body = self.post(query, variables)
        return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]

    def mutate(self, name: str, input: dict[str, Any], selection: str = "id version") -> Any:
        """Run mutation `name(input:)`; return `record` (or the payload when it has errors)."""
        input_type = name[0].upper() + name[1:] + "Input"
        if name.startswith(("delete", "remove")):
            input_type, selection = "DeleteInput", ""
        body = (
            f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ "
            + (f"record {{ {selection} }} " if selection else "deletedId ")
            + "errors { field message code } } }"
        )
        payload = self.data(body, {"input": input})[name]
        if payload["errors"]:
            return payload
        return payload.get("record", payload)
