"""The GraphiQL playground: our page on Strawberry's controller, and its static files."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.datastructures import CacheControlHeader
from litestar.enums import MediaType
from litestar.static_files import create_static_files_router
from strawberry.litestar.controller import GraphQLController

from service.playground.assets import HOW_TO_FIX, VENDOR_URL, assets_dir, problems
from service.playground.page import PlaygroundPage, render_page
from service.settings import Settings

__all__ = ["Playground", "build_playground"]

log = logging.getLogger("service.playground")

_STATIC_DIR = Path(__file__).resolve().parent / "static"
_YEAR_S = 365 * 24 * 3600


@dataclass(frozen=True)
class Playground:
    """What the app needs to serve the playground.

    Attributes:
        page: the rendered page and its Content-Security-Policy.
        routers: static file routers (our script; the vendored GraphiQL when present).
        missing_assets: what is wrong with GraphiQL's files (empty: all there and intact).
    """

    page: PlaygroundPage
    routers: list[Router]
    missing_assets: list[str]

    def serve_from(self, controller: type[GraphQLController]) -> type[GraphQLController]:
        """Return `controller` answering browsers with this page instead of Strawberry's."""
        page = self.page

        class PlaygroundController(controller):  # type: ignore[valid-type,misc]
            async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
                return Response(
                    page.html,
                    media_type=MediaType.HTML,
                    headers={
                        "Content-Security-Policy": page.content_security_policy,
                        "Cache-Control": "no-cache",
                    },
                )

        return PlaygroundController


def build_playground(settings: Settings, *, endpoint: str) -> Playground:
    """Prepare the playground for the GraphQL endpoint at `endpoint`.

    GraphiQL's files come from PLAYGROUND_ASSETS_DIR, by default the ones the install put in
    the package (hatch_build.py); each is checked against its pinned hash here. When any
    is missing or altered, the page says so and how to fix it, and loads nothing.
    """
    folder = assets_dir(settings.playground_assets_dir)
    missing = problems(folder)
    routers = [
        create_static_files_router(
            "/static/playground",
            directories=[_STATIC_DIR],
            name="playground-static",
            cache_control=CacheControlHeader(no_cache=True),
        )
    ]
    if not missing:
        # Vendored paths carry the package version: a new version is a new URL.
        routers.append(
            create_static_files_router(
                VENDOR_URL,
                directories=[folder],
                name="playground-vendor",
                cache_control=CacheControlHeader(max_age=_YEAR_S, public=True, immutable=True),
            )
        )
    else:
        log.warning("the playground cannot load GraphiQL: %s. %s", "; ".join(missing), HOW_TO_FIX)
    return Playground(render_page(endpoint=endpoint, missing_assets=missing), routers, missing)
