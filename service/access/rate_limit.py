"""Rate limiting per token, and per client address for anonymous callers.

One budget of RATE_LIMIT operations a minute per caller, spent by HTTP requests to the
GraphQL routes and by operations sent over websockets alike (a `subscribe` message can
carry a query or a mutation: without a budget there, one socket would be a way around
the limit). Keys are the verified caller (see middleware.py): a client cannot spend
another token's budget by sending its header, nor escape its address's budget by
inventing tokens (a refused token counts against the address).

Why not Litestar's RateLimitMiddleware: it keeps every request's timestamp in a list
that it decodes and re-encodes as JSON on each request (O(limit) work per request, under
a lock), and it has no way to be spent from a websocket. A fixed-window counter gives
the same headers for O(1).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, Self

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from service.access.middleware import authentication_of
from service.access.roles import Caller
from service.http.refusals import RATE_LIMITED, Refusal

WINDOW_S = 60
# Past this many keys, windows that have ended are dropped (a crowd of one-off addresses
# must not grow the process for ever).
_PRUNE_ABOVE = 10_000


@dataclass(frozen=True)
class Spend:
    """The outcome of spending one operation of a caller's budget."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: int
    """Seconds until the window ends and the budget is whole again (at least 1)."""

    @classmethod
    def of(cls, limit: int, spent: int, window_end: float, now: float) -> Spend:
        """The outcome of one more operation in a window that has seen `spent` of them
        (the caller counts it when allowed)."""
        reset_s = max(1, math.ceil(window_end - now))
        if spent >= limit:
            return cls(False, limit, 0, reset_s)
        return cls(True, limit, limit - spent - 1, reset_s)

    def headers(self) -> dict[str, str]:
        """RateLimit-* headers (IETF draft, as Litestar names them), Retry-After when spent."""
        headers = {
            "RateLimit-Policy": f"{self.limit}; w={WINDOW_S}",
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
        }
        if self.remaining == 0:
            headers["Retry-After"] = str(self.reset_s)
        return headers

    def refusal(self) -> Refusal:
        """The refusal of an operation past the budget (HTTP 429, or a websocket `error`)."""
        return Refusal(
            429,
            f"rate limit exceeded ({self.limit} operations a minute): retry in {self.reset_s} s",
            RATE_LIMITED,
            headers=self.headers(),
            extensions={"retryAfter": self.reset_s},
        )


class Budget(Protocol):
    """Where operations are counted: this process (RateBudget) or all workers of a
    `serve` (shared_budget.SharedRateBudget)."""

    limit: int

    def spend(self, key: str) -> Spend:
        """Count one operation of `key`, unless its budget is spent (allowed=False)."""
        ...


class RateBudget:
    """`limit` operations per key per window, counted in this process's memory.

    The window of a key starts at its first operation.
    """

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._windows: dict[str, list[float]] = {}  # key -> [window end, operations spent]

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """Itself: a budget is one count that every route spending it shares. Litestar
        deep-copies a router's middleware when it registers the router, which gave the
        exports a budget of their own beside the API's."""
        return self

    def spend(self, key: str) -> Spend:
        """Count one operation of `key`, unless its budget is spent (allowed=False)."""
        now = self._clock()
        window = self._windows.get(key)
        if window is None or window[0] <= now:
            if len(self._windows) >= _PRUNE_ABOVE:
                self._prune(now)
            window = self._windows[key] = [now + WINDOW_S, 0]
        spend = Spend.of(self.limit, int(window[1]), window[0], now)
        if spend.allowed:
            window[1] += 1
        return spend

    def _prune(self, now: float) -> None:
        self._windows = {k: w for k, w in self._windows.items() if w[0] > now}


def caller_key(caller: Caller, address: str | None) -> str:
    """The budget an operation spends: its token's, or its address's."""
    if not caller.is_anonymous:
        return f"token:{caller.name}"
    return f"address:{address}"


def address_of(scope: Any) -> str | None:
    """The client's address as the server saw it (behind a proxy: uvicorn's FORWARDED_ALLOW_IPS)."""
    client = scope.get("client")
    return client[0] if client else None


class RateLimitMiddleware(ASGIMiddleware):
    """429 with Retry-After once a caller's budget is spent; RateLimit-* headers always.

    Runs after AuthenticationMiddleware, whose outcome names the budget.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Spend one operation, then hand over with the headers added to the answer."""
        key = caller_key(authentication_of(scope).caller, address_of(scope))
        spent = self.budget.spend(key)
        headers = spent.headers()
        if not spent.allowed:
            raise spent.refusal()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableScopeHeaders.from_message(message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await next_app(scope, receive, send_with_headers)
