"""The GraphiQL page: our own template, scripts from the service or, failing that, a CDN."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from service.playground.assets import CDN_URL, Asset, asset_url, pinned_assets

_HERE = Path(__file__).resolve().parent
PLAYGROUND_JS_URL = "/static/playground/playground.js"


@dataclass(frozen=True)
class PlaygroundPage:
    """The rendered page and the Content-Security-Policy it is served with.

    Attributes:
        html: the page.
        content_security_policy: the header value; with local assets it allows nothing but
            this origin, so the page cannot reach the network even by accident.
    """

    html: str
    content_security_policy: str


def example_query() -> str:
    """The query the playground opens with (service/playground/example.graphql)."""
    return (_HERE / "example.graphql").read_text(encoding="utf-8")


def render_page(*, endpoint: str, local_assets: bool) -> PlaygroundPage:
    """Build the playground page.

    Args:
        endpoint: the GraphQL path, e.g. `/graphql` (the page derives ws:// from it).
        local_assets: load GraphiQL from this service (`/static/vendor`) rather than the CDN.
    """
    assets = pinned_assets()
    scripts = [_tag(asset, local_assets) for asset in assets if asset.is_script]
    styles = [_tag(asset, local_assets) for asset in assets if not asset.is_script]
    config = {"endpoint": endpoint, "exampleQuery": example_query()}
    html = Template((_HERE / "page.html").read_text(encoding="utf-8")).substitute(
        stylesheets="\n".join(styles),
        scripts="\n".join(scripts),
        # Inside <script>, "</" would end the element: JSON allows escaping "<".
        config=json.dumps(config).replace("<", "\\u003c"),
        playground_js=PLAYGROUND_JS_URL,
    )
    return PlaygroundPage(html, _content_security_policy(local_assets))


def _tag(asset: Asset, local_assets: bool) -> str:
    url = asset_url(asset, local=local_assets)
    # Subresource integrity: the CDN (or a tampered folder) cannot change what runs.
    attrs = f'integrity="{escape(asset.integrity)}" crossorigin="anonymous"'
    if asset.is_script:
        return f'    <script src="{escape(url)}" {attrs}></script>'
    return f'    <link rel="stylesheet" href="{escape(url)}" {attrs} />'


def _content_security_policy(local_assets: bool) -> str:
    origins = "'self'" if local_assets else f"'self' {CDN_URL}"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {origins}",
            # React and GraphiQL set inline style attributes; its fonts are data: URLs.
            f"style-src {origins} 'unsafe-inline'",
            "font-src 'self' data:",
            "img-src 'self' data:",
            # CSP 3: 'self' also covers ws:// and wss:// to this host (subscriptions).
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
