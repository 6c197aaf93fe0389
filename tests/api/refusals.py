"""What every refusal of /graphql must look like: a GraphQL error body, never text/plain."""

from __future__ import annotations

from typing import Any

import httpx

JSON = "application/json"
GRJ = "application/graphql-response+json"


def assert_refusal(
    response: httpx.Response, status: int, code: str, media_type: str = JSON
) -> dict[str, Any]:
    """`response` is a refusal with this status and `extensions.code`, its body
    `{"errors": [{"message", "extensions": {"code"}}]}` in `media_type`; returns the error."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].split(";")[0] == media_type, response.headers
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert isinstance(error["message"], str), error
    assert error["message"], error
    assert error["extensions"]["code"] == code, error
    return dict(error)
