"""The per-request GraphQL context: pool, settings, fresh DataLoaders, the caller."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from strawberry.litestar import BaseContext
from strawberry.types import Info as StrawberryInfo

from service.api.loaders import Loaders
from service.settings import Settings


class Context(BaseContext, kw_only=True):
    """What every resolver gets as `info.context`."""

    pool: asyncpg.Pool
    settings: Settings
    loaders: Loaders
    caller_name: str = "anonymous"
    caller_role: str = "anonymous"


Info = StrawberryInfo[Context, None]


async def get_context(state: State, request: Request[Any, Any, Any]) -> Context:
    """Build the context of one request (a Litestar dependency: parameters must be typed)."""
    pool: asyncpg.Pool = state.pool
    return Context(pool=pool, settings=state.settings, loaders=Loaders(pool))
