"""The GraphiQL page: our own template, GraphiQL's files served by this service only."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from service.playground.assets import HOW_TO_FIX, Asset, pinned_assets

_HERE = Path(__file__).resolve().parent
PLAYGROUND_JS_URL = "/static/playground/playground.js"
MISSING_TITLE = "The playground's files (GraphiQL) are not installed."

# The page allows nothing but this origin: it cannot reach the network even by accident.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # React and GraphiQL set inline style attributes; its fonts are data: URLs.
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        # CSP 3: 'self' also covers ws:// and wss:// to this host (subscriptions).
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


@dataclass(frozen=True)
class PlaygroundPage:
    """The rendered page and the Content-Security-Policy it is served with.

    Attributes:
        html: the page.
        content_security_policy: the header value (this origin only).
    """

    html: str
    content_security_policy: str


def example_query() -> str:
    """The query the playground opens with (service/playground/example.graphql)."""
    return (_HERE / "example.graphql").read_text(encoding="utf-8")


def render_page(*, endpoint: str, missing_assets: Sequence[str] = ()) -> PlaygroundPage:
    """Build the playground page.

    Args:
        endpoint: the GraphQL path, e.g. `/graphql` (the page derives ws:// from it).
        missing_assets: what is wrong with GraphiQL's files (`assets.problems`); when any,
            the page says so and how to fix it, instead of loading GraphiQL.
    """
    assets = pinned_assets()
    if missing_assets:
        styles: list[str] = []
        scripts: list[str] = []
        content = _missing_notice(missing_assets)
    else:
        styles = [_tag(asset) for asset in assets if not asset.is_script]
        scripts = [_tag(asset) for asset in assets if asset.is_script]
        scripts.append(f'    <script src="{PLAYGROUND_JS_URL}"></script>')
        content = "Loading the playground…"
    config = {"endpoint": endpoint, "exampleQuery": example_query()}
    html = Template((_HERE / "page.html").read_text(encoding="utf-8")).substitute(
        stylesheets="\n".join(styles),
        scripts="\n".join(scripts),
        content=content,
        # Inside <script>, "</" would end the element: JSON allows escaping "<".
        config=json.dumps(config).replace("<", "\\u003c"),
    )
    return PlaygroundPage(html, CONTENT_SECURITY_POLICY)


def _missing_notice(missing: Sequence[str]) -> str:
    items = "".join(f"<li>{escape(problem, quote=False)}</li>" for problem in missing)
    return (
        '<div id="playground-missing" role="alert">'
        f"<h1>{escape(MISSING_TITLE, quote=False)}</h1>"
        f"<ul>{items}</ul>"
        f"<p>{_code_spans(escape(HOW_TO_FIX, quote=False))}</p>"
        "<p>The API itself works: POST your queries to this address.</p>"
        "</div>"
    )


def _code_spans(text: str) -> str:
    """`command` as <code>command</code> (the text is already escaped)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def _tag(asset: Asset) -> str:
    # Subresource integrity: a tampered folder cannot change what runs.
    attrs = f'integrity="{escape(asset.integrity)}" crossorigin="anonymous"'
    if asset.is_script:
        return f'    <script src="{escape(asset.url)}" {attrs}></script>'
    return f'    <link rel="stylesheet" href="{escape(asset.url)}" {attrs} />'
