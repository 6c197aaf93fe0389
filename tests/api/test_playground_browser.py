"""The playground in headless Chromium, on a fresh install made only with the README's quick start.

The README's first command is run as written (up to `serve`) on a copy of this checkout
without GraphiQL's files: a new venv, `pip install -e .`. That install must bring the
files (hatch_build.py). Then the service runs as users start it (`python -m service
serve` from that venv, on its embedded PostgreSQL, which it migrates and seeds).
Chromium resolves no host but loopback, and the test checks the page asked for nothing
else. The screenshot is kept in artifacts/playground.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from graphql import build_schema as parse_sdl
from graphql import parse, validate

from service.graphql.schema import build_schema
from service.playground import build_playground
from service.playground.assets import DEFAULT_DIR, pinned_assets, problems
from service.playground.page import MISSING_TITLE, example_query, render_page
from service.settings import load_settings
from tests.browser import Page, chromium, find_chromium
from tests.checkout import copy_checkout
from tests.pg import free_port
from tests.server import ROOT, RunningService, run_service
from tests.tools import requires_tool

# The query typed into the playground and run; the page must show the same data as this
# query answered over plain HTTP. It reads the seed record, which `serve` loads on first start.
PLAYGROUND_QUERY = "{ actors(first: 3) { nodes { name } } }"
SCREENSHOT = ROOT / "artifacts" / "playground.png"
SERVE = ".venv/bin/python -m service serve"

# A header typed into the Headers tab, to show the editor's headers reach the server.
TYPED_HEADER = ("X-Playground-Test", "typed-in-the-headers-tab")

requires_chromium = requires_tool("chromium", find_chromium() is not None)

QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT_PANE = ".graphiql-response .CodeMirror"
DOCS_BUTTON = '.graphiql-sidebar button[aria-label$="Documentation Explorer"]'


def quick_start_install_command() -> str:
    """The README's first command, up to (not including) `serve`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", quick_start, re.DOTALL)
    assert command, "no sh block in the README's quick start"
    steps = command.group(1).strip().split(" && ")
    assert steps[-1] == SERVE, f"the quick start no longer ends with `{SERVE}`"
    return " && ".join(steps[:-1])


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """A folder for the fresh install and its data (readable by PostgreSQL's user)."""
    # Not pytest's tmp_path: PostgreSQL runs as another user when we are root.
    tmp = Path(tempfile.mkdtemp(prefix="position-record-browser-"))
    tmp.chmod(0o755)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def fresh_install(workdir: Path) -> Path:
    """A copy of the checkout installed with the README's first command; its Python.

    One install per test session (it takes a minute); pip's cache and the build hook's
    cache of verified tarballs are the user's, as in a real quick start.
    """
    checkout = workdir / "checkout"
    checkout.mkdir()
    copy_checkout(checkout)
    assert not (checkout / "service/playground/vendor").exists()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(
        ["bash", "-c", quick_start_install_command()],
        cwd=checkout, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, f"the quick start's install failed:\n{done.stdout}{done.stderr}"
    python = checkout / ".venv/bin/python"
    where = subprocess.run(
        [python, "-c", "import service; print(service.__file__)"],
        cwd=workdir, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(str(checkout)), where  # the copy runs, not this checkout
    assert problems(checkout / "service/playground/vendor") == []
    return python


@pytest.fixture(scope="module")
def seeded_service(fresh_install: Path, workdir: Path) -> Iterator[RunningService]:
    """The freshly installed service on its own embedded, seeded database."""
    env = {"DATA_DIR": str(workdir / "data"), "EMBEDDED_PG_PORT": str(free_port())}
    with run_service(None, workdir, env, python=str(fresh_install)) as service:
        yield service


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
async def test_playground_runs_a_query_offline(seeded_service: RunningService) -> None:
    service = seeded_service
    type_description, field_description = await _introspected_descriptions(service)
    with tempfile.TemporaryDirectory(prefix="position-record-chromium-") as profile:
        async with chromium(Path(profile)) as browser:
            page = await browser.new_page()
            await page.goto(f"{service.url}/graphql")
            await page.wait_for(f"document.querySelector({_js(QUERY_EDITOR)})")
            loaded = {urlparse(r["url"]).path for r in page.requests}
            assert {asset.url for asset in pinned_assets()} <= loaded

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


MATRIX_OPERATION = ROOT / "graphql" / "operations" / "stance-matrix.graphql"


@pytest.mark.slow
@requires_chromium
async def test_playground_shows_the_stance_matrix(seeded_service: RunningService) -> None:
    """The matrix query typed into the playground: as of 8 January 2026 (its default),
    Russia opposes the Paris Declaration, and the United States' part in it is disputed."""
    service = seeded_service
    query = MATRIX_OPERATION.read_text()
    with tempfile.TemporaryDirectory(prefix="position-record-chromium-") as profile:
        async with chromium(Path(profile)) as browser:
            page = await browser.new_page()
            await page.goto(f"{service.url}/graphql")
            await page.wait_for(f"document.querySelector({_js(QUERY_EDITOR)})")
            await _set_editor(page, HEADERS_EDITOR, "{}")
            await _set_editor(page, QUERY_EDITOR, query)
            await _tab_settled(page, query, "{}")
            await _click(page, ".graphiql-execute-button")
            shown = await page.wait_for(
                f"""(() => {{
                    const pane = document.querySelector({_js(RESULT_PANE)});
                    try {{
                        const result = JSON.parse(pane.CodeMirror.getValue());
                        return result.data && result.data.stanceMatrix ? result : null;
                    }} catch {{ return null; }}
                }})()"""
            )
            await page.screenshot(SCREENSHOT.with_name("playground-matrix.png"))
    expected = await _post(service, query, {})
    assert "errors" not in shown, shown
    assert shown["data"] == expected["data"]
    matrix = shown["data"]["stanceMatrix"]
    subjects = [s["slug"] for s in matrix["subjects"]]
    grid = {
        row["actor"]["slug"]: dict(zip(subjects, row["cells"], strict=True))
        for row in matrix["rows"]
    }
    russia = grid["russia"]["paris-declaration"]
    assert russia["positions"] == ["OPPOSES"]
    assert {c["source"]["slug"] for c in russia["citations"]} == {"seed-article"}
    assert grid["united-states"]["paris-declaration"]["disputes"] == ["PARTY_ROLE"]
    assert not page.errors, page.errors


def _is_local(url: str, service_url: str) -> bool:
    parts = urlparse(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == urlparse(service_url).hostname


def test_page_loads_only_from_this_service() -> None:
    page = render_page(endpoint="/graphql")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.html)
    assert sources
    assert all(src.startswith("/") or src == "data:," for src in sources), sources
    assert '<script src="/static/vendor/graphiql@' in page.html
    assert page.html.count('integrity="sha384-') == len(pinned_assets())
    assert "script-src 'self';" in page.content_security_policy
    assert "http" not in page.content_security_policy


def test_page_without_assets_says_so_and_how_to_fix_it(tmp_path: Path) -> None:
    """Assets missing or altered: the page explains, names the fix, and loads nothing."""
    for name in (a.local_path for a in pinned_assets()):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(DEFAULT_DIR / name, tmp_path / name)
    graphiql = next(a for a in pinned_assets() if a.local_path.endswith("graphiql.min.js"))
    (tmp_path / graphiql.local_path).write_bytes(b"alert('tampered')")
    react = pinned_assets()[0]
    (tmp_path / react.local_path).unlink()

    playground = build_playground(
        load_settings({"PLAYGROUND_ASSETS_DIR": str(tmp_path)}), endpoint="/graphql"
    )
    assert playground.missing_assets == [
        f"{tmp_path / react.local_path} is missing",
        f"{tmp_path / graphiql.local_path} does not match its pinned hash {graphiql.integrity}",
    ]
    html = playground.page.html
    assert MISSING_TITLE in html
    assert "<code>.venv/bin/pip install -e .</code>" in html
    assert "PLAYGROUND_ASSETS_DIR" in html
    assert "/static/vendor" not in html
    assert "Loading the playground" not in html


@pytest.fixture(scope="module")
def service_without_assets(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningService, Path]]:
    """The real server with PLAYGROUND_ASSETS_DIR on an empty folder; and that folder."""
    tmp = tmp_path_factory.mktemp("no-assets")
    with run_service(module_db_url, tmp, {"PLAYGROUND_ASSETS_DIR": str(tmp / "vendor")}) as service:
        yield service, tmp / "vendor"


@pytest.mark.slow
@pytest.mark.db
async def test_served_page_without_assets_explains(
    service_without_assets: tuple[RunningService, Path],
) -> None:
    service, folder = service_without_assets
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as client:
        reply = await client.get("/graphql", headers={"Accept": "text/html"})
        vendor = await client.get(f"/static/vendor/{pinned_assets()[0].local_path}")
    assert reply.status_code == 200
    assert MISSING_TITLE in reply.text
    assert f"{folder / pinned_assets()[0].local_path} is missing" in reply.text
    assert "<code>.venv/bin/pip install -e .</code>" in reply.text
    assert vendor.status_code == 404
    assert "the playground cannot load GraphiQL" in service.log()


@pytest.mark.slow
@pytest.mark.db
@requires_chromium
async def test_browser_shows_why_the_playground_is_missing(
    service_without_assets: tuple[RunningService, Path],
) -> None:
    service, _ = service_without_assets
    with tempfile.TemporaryDirectory(prefix="position-record-chromium-") as profile:
        async with chromium(Path(profile)) as browser:
            page = await browser.new_page()
            await page.goto(f"{service.url}/graphql")
            shown = await page.evaluate("document.body.innerText")
            await page.screenshot(SCREENSHOT.with_name("playground-missing.png"))
    assert MISSING_TITLE in shown
    assert "pip install -e ." in shown
    assert "Loading the playground" not in shown
    assert [urlparse(r["url"]).path for r in page.requests] == ["/graphql"]
    assert not page.errors, page.errors


@pytest.mark.slow
@pytest.mark.db
@requires_chromium
async def test_browser_refusing_an_altered_file_says_so(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A file altered after startup: the browser refuses it (SRI) and the page says so."""
    tmp = tmp_path_factory.mktemp("altered")
    shutil.copytree(DEFAULT_DIR, tmp / "vendor")
    with run_service(module_db_url, tmp, {"PLAYGROUND_ASSETS_DIR": str(tmp / "vendor")}) as service:
        graphiql = next(a for a in pinned_assets() if a.local_path.endswith("graphiql.min.js"))
        (tmp / "vendor" / graphiql.local_path).write_text("window.GraphiQL = 'tampered';")
        with tempfile.TemporaryDirectory(prefix="position-record-chromium-") as profile:
            async with chromium(Path(profile)) as browser:
                page = await browser.new_page()
                await page.goto(f"{service.url}/graphql")
                shown = await page.wait_for(
                    "(t => t.includes('did not load') && t)(document.body.innerText)"
                )
    assert "The playground's files (GraphiQL) did not load in this browser" in shown
    assert any("integrity" in error for error in page.errors), page.errors


def test_example_query_is_safe_inside_the_page() -> None:
    page = render_page(endpoint="/graphql")
    config = page.html.split('type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in config
    assert "query RecentWarnings" in json.loads(config)["exampleQuery"]


def test_example_query_is_valid_against_the_schema() -> None:
    schema = parse_sdl(build_schema(load_settings({})).as_str())
    assert validate(schema, parse(example_query())) == []
