"""Apollo Client 4 (with its persisted-query link) and the reference graphql-ws client,
from Node, against real services: the playground's operations by their hashes in both
trusted-only modes, APQ's fallback, a mutation with a token, a subscription across two
instances on one database, and a resume with afterChangeId (tests/clients/run.mjs).
Without the Node packages the test is skipped, saying how to install them.

The Node packages are pinned by tests/clients/package-lock.json and installed with
`npm ci` (scripts/install-client-tests, which CI runs).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import load_seed_record
from tests.api.test_operations import ADMIN_ONLY, OPERATIONS, QUERIES, QUERY_VARIABLES
from tests.api.tokens import create_token
from tests.server import ROOT, RunningService, run_service
from tests.tools import requires_tool

pytestmark = [pytest.mark.db, pytest.mark.slow]

HERE = ROOT / "tests" / "clients"
NODE = shutil.which("node")
CLIENTS_INSTALLED = NODE is not None and (HERE / "node_modules" / "@apollo" / "client").is_dir()
QUIET = {"RATE_LIMIT": "0"}


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the seed record (loaded before the services start)."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def strict(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {**QUIET, "TRUSTED_DOCUMENTS_ONLY": "true"}
    with run_service(module_db_url, tmp_path_factory.mktemp("strict"), env) as running:
        yield running


@pytest.fixture(scope="module")
def other(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    with run_service(module_db_url, tmp_path_factory.mktemp("other"), QUIET) as running:
        yield running


def operations_plan(seed_ids: dict[str, str]) -> list[dict[str, Any]]:
    """Every query of the playground with its variables, and mutations with a token."""
    steps: list[dict[str, Any]] = []
    for name in QUERIES:
        operation = OPERATIONS[name]
        steps.append(
            {
                "file": operation.path.name,
                "variables": QUERY_VARIABLES[name](seed_ids) if name in QUERY_VARIABLES else {},
                "token": "admin" if name in ADMIN_ONLY else "editor",
            }
        )
    for slug in ("apollo-normal", "apollo-strict"):  # one a mode: slugs are unique
        input_ = {"slug": slug, "kind": "STATE", "name": slug}
        steps.append({"file": "create-actor.graphql", "variables": {"input": input_},
                      "token": "editor", "mutation": True, "mode": slug.split("-")[1]})  # fmt: skip
    return steps


@requires_tool("client node_modules", CLIENTS_INSTALLED)
def test_apollo_client_and_graphql_ws_run_the_playground_operations(
    service: RunningService,
    strict: RunningService,
    other: RunningService,
    module_db_url: str,
    tmp_path: Path,
) -> None:
    import httpx

    ids = httpx.post(
        f"{service.url}/graphql",
        json={
            "query": """{ russia: actor(slug: "russia") { id }
            parisDeclaration: declaration(slug: "paris-declaration") { id } }"""
        },
    ).json()["data"]
    seed_ids = {key: record["id"] for key, record in ids.items()}
    plan = {
        "normal": service.url,
        "strict": strict.url,
        "other": other.url,
        "operationsDir": str(ROOT / "graphql" / "operations"),
        "operations": operations_plan(seed_ids),
        "tokens": {
            "editor": create_token(module_db_url, "node-editor", "editor"),
            "admin": create_token(module_db_url, "node-admin", "admin"),
        },
    }
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(plan))
    assert NODE is not None
    run = subprocess.run(
        [NODE, str(HERE / "run.mjs"), str(plan_path)],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, f"{run.stderr}\n{run.stdout}"
    report = json.loads(run.stdout)
    queries = len(QUERIES)
    for mode in ("normal", "strict"):
        assert len(report["modes"][mode]["operations"]) == queries + 1, report  # + a mutation
        assert report["modes"][mode]["adHoc"]["requests"] == ["hash", "text"]
    assert report["modes"]["normal"]["adHoc"]["later"] == ["hash"]
    assert report["modes"]["strict"]["adHoc"]["codes"] == ["DOCUMENT_NOT_TRUSTED"]
    assert report["subscription"]["events"] == ["node-one", "node-two"]
