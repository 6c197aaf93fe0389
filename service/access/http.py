"""The HTTP-level protections of the app, from settings: who may call from where, how much.

`create_app` passes `graphql_protection(settings)` to the GraphQL controller and
`app_protection(settings)` to Litestar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.cors import CORSConfig

from service.access.middleware import AuthenticationMiddleware
from service.access.rate_limit import Budget, RateBudget, RateLimitMiddleware
from service.access.shared_budget import SharedRateBudget
from service.settings import Settings

# What a browser page on an allowed origin may send and read.
_REQUEST_HEADERS = ["Authorization", "Content-Type", "Accept", "X-Request-ID"]
_EXPOSED_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "Retry-After",
    "X-Request-ID",
]


def graphql_protection(settings: Settings, rate_windows: Path | None = None) -> dict[str, Any]:
    """Keyword arguments of `build_controller`: authentication, rate limit, size, time.

    `rate_windows`: the table the workers of one `serve` share their rate counts in
    (None: this process counts alone).
    """
    # Authentication first: the rate limiter keys on its result. The same budget is
    # spent by operations sent over websockets (see graphql_view).
    middleware: list[Any] = [AuthenticationMiddleware()]
    budget = rate_budget(settings.rate_limit, rate_windows)
    if budget is not None:
        middleware.append(RateLimitMiddleware(budget))
    return {
        "middleware": middleware,
        "rate_budget": budget,
        "request_max_body_size": settings.max_request_body_bytes,
        "request_timeout_s": settings.request_timeout_ms / 1000,
        "max_query_tokens": settings.max_query_tokens,
        "max_query_chars": settings.max_query_chars,
        # Websockets check Origin themselves; the same origins as CORS may connect.
        "allowed_origins": settings.cors_origin_list,
    }


def rate_budget(limit: int, shared: Path | None) -> Budget | None:
    """The budget of RATE_LIMIT operations a minute per caller; None when it is 0 (off)."""
    if limit == 0:
        return None
    return RateBudget(limit) if shared is None else SharedRateBudget(limit, shared)


def app_protection(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `Litestar(...)`: CORS and allowed hosts, when configured."""
    protection: dict[str, Any] = {}
    if origins := settings.cors_origin_list:
        protection["cors_config"] = CORSConfig(
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=_REQUEST_HEADERS,
            expose_headers=_EXPOSED_HEADERS,
            # Tokens travel in a header, never in cookies: no credentials mode needed.
            allow_credentials=False,
            max_age=600,
        )
    if hosts := settings.allowed_host_list:
        protection["allowed_hosts"] = AllowedHostsConfig(
            allowed_hosts=_with_own_port(hosts, settings.port), www_redirect=False
        )
    return protection


def _with_own_port(hosts: list[str], port: int) -> list[str]:
    """Each host, also followed by the service's port.

    Litestar matches the whole Host header, port included: a client calling
    http://localhost:8000 sends `localhost:8000`. A host given with a port is kept as is.
    """
    expanded: list[str] = []
    for host in hosts:
        expanded.append(host)
        if host != "*" and (":" not in host or host.endswith("]")):
            expanded.append(f"{host}:{port}")
    return expanded
