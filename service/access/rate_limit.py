"""Rate limiting per token, and per client address for anonymous callers.

Litestar's fixed-window limiter keyed on the verified caller (see middleware.py): a client
cannot spend another token's budget by sending its header, nor escape its address's
budget by inventing tokens (a refused token counts against the address).
"""

from __future__ import annotations

from typing import Any

from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import (
    CacheObject,
    RateLimitConfig,
    RateLimitMiddleware,
    get_remote_address,
)

from service.access.middleware import authentication_of
from service.settings import Settings


def rate_limit_key(request: Any) -> str:
    """The budget a request spends: its token's, or its address's."""
    caller = authentication_of(request.scope).caller
    if not caller.is_anonymous:
        return f"token:{caller.name}"
    return f"address:{get_remote_address(request)}"


class RetryAfterRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's limiter, plus `Retry-After` once the budget is spent (RFC 9110)."""

    def create_response_headers(self, cache_object: CacheObject) -> dict[str, str]:
        """The RateLimit-* headers, and Retry-After when nothing remains."""
        headers = super().create_response_headers(cache_object)
        if headers[self.config.rate_limit_remaining_header_key] == "0":
            headers["Retry-After"] = headers[self.config.rate_limit_reset_header_key]
        return headers


def rate_limit_middleware(settings: Settings) -> DefineMiddleware | None:
    """The limiter for RATE_LIMIT requests a minute; None when RATE_LIMIT=0 (off).

    Counts live in the process's memory store: with WORKERS > 1 each worker counts alone.
    """
    if settings.rate_limit == 0:
        return None
    return RateLimitConfig(
        rate_limit=("minute", settings.rate_limit),
        identifier_for_request=rate_limit_key,
        middleware_class=RetryAfterRateLimitMiddleware,
    ).middleware
