"""Reading a caller's credentials: the Authorization header, or a websocket's init payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.access.roles import NOBODY, Authentication
from service.access.token_cache import TokenCache
from service.access.tokens import authenticate
from service.errors import Unauthenticated

Executor = Any  # asyncpg.Pool or asyncpg.Connection


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value (None when there is none).

    Raises:
        Unauthenticated: the header is present but not a bearer token.
    """
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send the token as `Authorization: Bearer <token>`")
    return token.strip()


def token_of_init_payload(payload: Mapping[str, object] | None) -> str | None:
    """The token a websocket client put in `connection_init`.

    Accepts `{"Authorization": "Bearer <token>"}` (any case of the key, as HTTP headers
    are) or `{"token": "<token>"}`.

    Raises:
        Unauthenticated: a credential is there but malformed.
    """
    for key, value in (payload or {}).items():
        if key.lower() == "authorization":
            if not isinstance(value, str):
                raise Unauthenticated("`Authorization` must be a string: `Bearer <token>`")
            return bearer_token(value)
    token = (payload or {}).get("token")
    if token is None:
        return None
    if not isinstance(token, str) or not token:
        raise Unauthenticated("`token` must be a non-empty string")
    return token


async def authenticate_token(
    executor: Executor, token: str | None, cache: TokenCache | None = None
) -> Authentication:
    """Who a (possibly absent) token stands for; a bad token becomes a `problem`."""
    if token is None:
        return NOBODY
    try:
        return Authentication(caller=await authenticate(executor, token, cache))
    except Unauthenticated as exc:
        return Authentication(problem=exc.message)


async def authenticate_header(
    executor: Executor, authorization: str | None, cache: TokenCache | None = None
) -> Authentication:
    """Who an Authorization header stands for."""
    try:
        token = bearer_token(authorization)
    except Unauthenticated as exc:
        return Authentication(problem=exc.message)
    return await authenticate_token(executor, token, cache)
