"""The per-request GraphQL context: pool, settings, fresh DataLoaders, the caller."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from strawberry.litestar import BaseContext
from strawberry.types import Info as StrawberryInfo

from service.access.middleware import authentication_of
from service.access.roles import ANONYMOUS, Authentication, Caller, Role
from service.access.token_cache import TokenCache
from service.graphql.loaders import Loaders
from service.live.feed import SharedFeed
from service.settings import Settings


class Context(BaseContext, kw_only=True):
    """What every resolver gets as `info.context`."""

    pool: asyncpg.Pool
    settings: Settings
    loaders: Loaders
    caller_name: str = ANONYMOUS
    caller_role: str = ANONYMOUS
    auth_problem: str | None = None
    """Why a presented token was refused (the operation is then answered with a 401)."""
    connection_params: dict[str, object] | None = None
    """A websocket's `connection_init` payload (Strawberry fills it in)."""
    feed: SharedFeed | None = None
    """This process's reader of the change feed, which subscriptions follow."""
    token_cache: TokenCache | None = None
    """Tokens this process verified recently (a revoke here empties it at once)."""
    statement_timeout: asyncpg.QueryCanceledError | None = None
    """The timeout of a kept compiled statement run before GraphQL execution (see
    compiled/view.py), for the execution to report instead of running it again."""
    round_trips_before: int = 0
    """SQL statements that request sent before GraphQL execution (that statement)."""

    @property
    def caller(self) -> Caller:
        """Who is calling, with their role (None when anonymous)."""
        role = None if self.caller_role == ANONYMOUS else Role(self.caller_role)
        return Caller(name=self.caller_name, role=role)

    def authenticate_as(self, authentication: Authentication) -> None:
        """Take the caller (or the token's problem) of an authentication."""
        caller = authentication.caller
        self.caller_name = caller.name
        self.caller_role = ANONYMOUS if caller.role is None else caller.role.value
        self.auth_problem = authentication.problem


Info = StrawberryInfo[Context, None]


async def get_context(state: State, request: Request[Any, Any, Any]) -> Context:
    """Build the context of one request (a Litestar dependency: parameters must be typed)."""
    pool: asyncpg.Pool = state.pool
    context = Context(
        pool=pool,
        settings=state.settings,
        loaders=Loaders(pool),
        feed=getattr(state, "feed", None),
        token_cache=getattr(state, "token_cache", None),
    )
    # Over HTTP the authentication middleware has read the header; over websockets the
    # token arrives later, in `connection_init` (see graphql_view.on_ws_connect).
    context.authenticate_as(authentication_of(request.scope))
    return context
