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
    "X-Change-Id",
]


def graphql_protection(settings: Settings, budget: Budget | None) -> dict[str, Any]:
    """Keyword arguments of `build_controller`: authentication, rate limit, body size,
    origins (the time and document limits are in its TransportConfig).

    `budget`: the rate budget (`rate_budget`), which operations sent over websockets
    spend too (TransportConfig.rate_budget).
    """
    # Authentication first: the rate limiter keys on its result.
    middleware: list[Any] = [AuthenticationMiddleware()]
    if budget is not None:
        middleware.append(RateLimitMiddleware(budget))
    return {
        "middleware": middleware,
        "request_max_body_size": settings.max_request_body_bytes,
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
