"""The playground in headless Chromium: offline, pre-filled, runs a query on the seed record.

The service runs as users start it (`python -m service serve` on its embedded PostgreSQL,
which it migrates and seeds), with GraphiQL served from `service/static/vendor`
(`scripts/fetch-playground-assets`). Chromium resolves no host but loopback, and the test
checks the page asked for nothing else. The screenshot is kept in artifacts/playground.png.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from graphql import build_schema as parse_sdl
from graphql import parse, validate

from service.api.schema import build_schema
from service.playground.assets import CDN_URL, DEFAULT_DIR, has_local_assets
from service.playground.page import example_query, render_page
from service.settings import load_settings
from tests.browser import Page, chromium, find_chromium
from tests.pg import free_port
from tests.server import ROOT, RunningService, run_service
from tests.tools import requires_tool

# The query typed into the playground and run; the page must show the same data as this
# query answered over plain HTTP. It reads the seed record, which `serve` loads on first start.
PLAYGROUND_QUERY = "{ actors(first: 3) { nodes { name } } }"
SCREENSHOT = ROOT / "artifacts" / "playground.png"

# A header typed into the Headers tab, to show the editor's headers reach the server.
TYPED_HEADER = ("X-Playground-Test", "typed-in-the-headers-tab")

requires_chromium = requires_tool("chromium", find_chromium() is not None)
requires_assets = requires_tool("playground assets", has_local_assets(DEFAULT_DIR))

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT_PANE = ".graphiql-response .CodeMirror"
DOCS_BUTTON = '.graphiql-sidebar button[aria-label$="Documentation Explorer"]'


@pytest.fixture(scope="module")
def seeded_service() -> Iterator[RunningService]:
    """The service on its own embedded, seeded database."""
    # Not pytest's tmp_path: PostgreSQL runs as another user when we are root.
    tmp = Path(tempfile.mkdtemp(prefix="position-record-browser-"))
    tmp.chmod(0o755)
    env = {"DATA_DIR": str(tmp / "data"), "EMBEDDED_PG_PORT": str(free_port())}
    try:
        with run_service(None, tmp, env) as service:
            yield service
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _js(value: str) -> str:
    return json.dumps(value)


async def _editor_value(page: Page, selector: str) -> str:
    value: str = await page.evaluate(
        f"document.querySelector({_js(selector)}).CodeMirror.getValue()"
    )
    return value


async def _set_editor(page: Page, selector: str, text: str) -> None:
    # CodeMirror's own API fires the change events GraphiQL listens to, as typing does.
    await page.evaluate(f"document.querySelector({_js(selector)}).CodeMirror.setValue({_js(text)})")


async def _click(page: Page, selector: str) -> None:
    await page.evaluate(f"document.querySelector({_js(selector)}).click()")


async def _shown_result(page: Page) -> Any:
    """Wait for the result pane to hold a JSON response; return it."""
    return await page.wait_for(
        f"""(() => {{
            const pane = document.querySelector({_js(RESULT_PANE)});
            try {{ return JSON.parse(pane.CodeMirror.getValue()); }} catch {{ return null; }}
        }})()"""
    )


async def _post(service: RunningService, query: str, headers: dict[str, str]) -> Any:
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as client:
        reply = await client.post("/graphql", json={"query": query}, headers=headers)
    return reply.json()


async def _tab_settled(page: Page, query: str, headers: str) -> None:
    """Wait until GraphiQL has taken in the edits (it saves the tab once it has parsed them).

    Run too early, GraphiQL would still send the previous document's operation name.
    """
    await page.wait_for(
        f"""(() => {{
            const state = JSON.parse(localStorage.getItem("graphiql:tabState") || "null");
            const tab = state && state.tabs[state.activeTabIndex];
            return Boolean(tab) && tab.query === {_js(query)} && tab.headers === {_js(headers)};
        }})()"""
    )


async def _introspected_descriptions(service: RunningService) -> tuple[str, str]:
    """The Query type's description and one field description, from the schema itself."""
    introspection = "{ __schema { queryType { description fields { description } } } }"
    reply = await _post(service, introspection, {})
    query_type = reply["data"]["__schema"]["queryType"]
    # Plain text only: markdown (backticks, links) renders differently from its source.
    plain = [
        f["description"]
        for f in query_type["fields"]
        if f["description"] and not any(c in f["description"] for c in "`*_[]<>")
    ]
    assert plain, "no Query field has a description to show in the docs pane"
    return query_type["description"] or "", plain[0]


@pytest.mark.slow
@requires_chromium
@requires_assets
async def test_playground_runs_a_query_offline(seeded_service: RunningService) -> None:
    service = seeded_service
    type_description, field_description = await _introspected_descriptions(service)
    with tempfile.TemporaryDirectory(prefix="position-record-chromium-") as profile:
        async with chromium(Path(profile)) as browser:
            page = await browser.new_page()
            await page.goto(f"{service.url}/graphql")
            await page.wait_for(f"document.querySelector({_js(QUERY_EDITOR)})")

            # Pre-filled with the example query.
            example = await _editor_value(page, QUERY_EDITOR)
            assert "query RecentWarnings" in example

            # The docs pane shows the schema's descriptions (introspection works).
            await _click(page, DOCS_BUTTON)
            await page.wait_for(
                "document.querySelector('.graphiql-doc-explorer')?.innerText.includes('Query')"
            )
            await page.evaluate(
                "Array.from(document.querySelectorAll('.graphiql-doc-explorer-type-name'))"
                ".find(a => a.textContent === 'Query').click()"
            )
            docs = await page.wait_for(
                "(t => t.includes('Fields') && t)"
                "(document.querySelector('.graphiql-doc-explorer').innerText)"
            )
            assert field_description in docs
            assert type_description in docs
            await _click(page, DOCS_BUTTON)  # closed again: room for the result

            # A header typed in the Headers tab goes with the request.
            name, value = TYPED_HEADER
            typed_headers = json.dumps({name: value})
            await _set_editor(page, HEADERS_EDITOR, typed_headers)
            await _set_editor(page, QUERY_EDITOR, PLAYGROUND_QUERY)
            await _tab_settled(page, PLAYGROUND_QUERY, typed_headers)
            await _click(page, ".graphiql-execute-button")
            shown = await _shown_result(page)
            await page.screenshot(SCREENSHOT)

    expected = await _post(service, PLAYGROUND_QUERY, dict([TYPED_HEADER]))
    assert "errors" not in shown, shown
    assert shown["data"], shown
    assert shown["data"] == expected["data"]

    sent = [r for r in page.requests if PLAYGROUND_QUERY in (r.get("postData") or "")]
    assert sent, "the page sent no request with the query"
    headers = {k.lower(): v for k, v in sent[-1]["headers"].items()}
    assert headers.get(name.lower()) == value

    off_loopback = [r["url"] for r in page.requests if not _is_local(r["url"], service.url)]
    assert not off_loopback, f"the page reached beyond the service: {off_loopback}"
    assert not page.errors, f"errors in the page: {page.errors}"


def _is_local(url: str, service_url: str) -> bool:
    parts = urlparse(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == urlparse(service_url).hostname


def test_page_uses_local_assets_and_forbids_other_origins() -> None:
    page = render_page(endpoint="/graphql", local_assets=True)
    assert CDN_URL not in page.html
    assert '<script src="/static/vendor/graphiql@' in page.html
    assert CDN_URL not in page.content_security_policy
    assert "script-src 'self';" in page.content_security_policy


def test_page_falls_back_to_the_cdn_without_local_assets() -> None:
    page = render_page(endpoint="/graphql", local_assets=False)
    assert f'<script src="{CDN_URL}/graphiql@' in page.html
    assert 'integrity="sha384-' in page.html
    assert f"script-src 'self' {CDN_URL}" in page.content_security_policy


def test_example_query_is_safe_inside_the_page() -> None:
    page = render_page(endpoint="/graphql", local_assets=True)
    config = page.html.split('type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in config
    assert "query RecentWarnings" in json.loads(config)["exampleQuery"]


def test_example_query_is_valid_against_the_schema() -> None:
    schema = parse_sdl(build_schema(load_settings({})).as_str())
    assert validate(schema, parse(example_query())) == []
