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

from service.playground.assets import VENDOR_URL, assets_dir, has_local_assets
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
        local_assets: whether GraphiQL is served from this service (else from the CDN).
    """

    page: PlaygroundPage
    routers: list[Router]
    local_assets: bool

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

    GraphiQL comes from PLAYGROUND_ASSETS_DIR (default: service/static/vendor) when
    `scripts/fetch-playground-assets` filled it; else the page falls back to the CDN.
    """
    folder = assets_dir(settings.playground_assets_dir)
    local = has_local_assets(folder)
    routers = [
        create_static_files_router(
            "/static/playground",
            directories=[_STATIC_DIR],
            name="playground-static",
            cache_control=CacheControlHeader(no_cache=True),
        )
    ]
    if local:
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
        log.warning(
            "playground assets not found in %s: the playground loads GraphiQL from a CDN "
            "(run scripts/fetch-playground-assets to serve them locally)",
            folder,
        )
    return Playground(render_page(endpoint=endpoint, local_assets=local), routers, local)
