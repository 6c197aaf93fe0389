"""Authenticate every HTTP request once, before rate limiting and GraphQL see it.

The outcome goes into the ASGI scope's state: the rate limiter keys on the verified
token (never on a header anyone can forge), and the GraphQL context reads the caller.
A bad token is not refused here: GraphQL answers it with a proper error (401).
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from service.access.credentials import authenticate_header
from service.access.roles import NOBODY, Authentication

_STATE_KEY = "authentication"


def authentication_of(scope: Any) -> Authentication:
    """The authentication the middleware stored for this request (anonymous if none)."""
    found = scope.get("state", {}).get(_STATE_KEY)
    return found if isinstance(found, Authentication) else NOBODY


class AuthenticationMiddleware(ASGIMiddleware):
    """Reads `Authorization: Bearer <token>` and looks the token up (one round-trip, none
    for a token verified recently: see token_cache.py)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Store the request's authentication, then hand over."""
        authorization = Headers.from_scope(scope).get("authorization")
        if authorization is not None:
            app_state = scope["litestar_app"].state
            cache = getattr(app_state, "token_cache", None)
            state: dict[str, Any] = scope.setdefault("state", {})
            state[_STATE_KEY] = await authenticate_header(app_state.pool, authorization, cache)
        await next_app(scope, receive, send)
