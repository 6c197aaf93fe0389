"""A resolver's failure never cancels its siblings into a 500, and one request's errors
are the same every time (the executor, COMPILED_QUERIES=false, over a real server).

graphql-core cancelled the siblings of a failing field; a cancelled sibling waiting on a
DataLoader cancelled the loader's shared future, and an unrelated field waiting on the
same key raised `asyncio.CancelledError` up to the web server: HTTP 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import load_seed_record
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db]

SLUG = "zakharova-2026-01-08-legitimate-targets"
ABOUT = "about { __typename ... on Actor { name } ... on Declaration { title } }"
# `everything` and `speaker.s1` wait on the same records; the failure deep under
# `memberships` (non-null up to `speaker`) cancelled `s1`, and with it their shared keys.
SIBLINGS = f"""
{{
  everything: statements(first: 10) {{ nodes {{ slug {ABOUT} }} }}
  statement(slug: "{SLUG}") {{
    slug
    speaker {{
      name
      s1: statements(first: 5) {{ nodes {{ slug {ABOUT} }} }}
      memberships {{
        nodes {{ organization {{ statements(before: "not-a-cursor") {{ totalCount }} }} }}
      }}
    }}
  }}
}}
"""
# One bad argument at two paths: `actor.statements` (non-null: nulls `actor`) and, deeper,
# `onBehalfOf.statements` (nulls the nullable `onBehalfOf`, inside `actor`). The deep
# error was kept when it came first and lost when it came second: 2 errors or 1.
TWO_PATHS = f"""
query($cursor: String!) {{
  statement(slug: "{SLUG}") {{ slug }}
  actor(slug: "maria-zakharova") {{
    name
    memberships {{
      nodes {{ onBehalfOf {{ name statements(before: $cursor) {{ totalCount }} }} }}
    }}
    statements(before: $cursor) {{ totalCount }}
  }}
}}
"""


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def executor_only(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    folder = tmp_path_factory.mktemp("executor-only")
    env = {"COMPILED_QUERIES": "false", "RATE_LIMIT": "0"}
    with run_service(module_db_url, folder, env) as running:
        yield running


def post(service: RunningService, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = httpx.post(
        f"{service.url}/graphql",
        json={"query": query, "variables": variables or {}},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    body.pop("extensions", None)  # round trips vary with how loads fall into batches
    return body


def codes(body: Any) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_a_failing_sibling_never_answers_500(executor_only: RunningService) -> None:
    answers = [post(executor_only, SIBLINGS) for _ in range(50)]
    first = answers[0]
    assert codes(first) == ["INVALID"], first
    path = ["statement", "speaker", "memberships", "nodes", 0, "organization", "statements"]
    assert first["errors"][0]["path"] == path
    assert first["data"]["statement"] is None  # `speaker` is non-null: its parent is nulled
    assert first["data"]["everything"]["nodes"][0]["about"]  # the shared keys were read
    for a in answers:
        assert a == first, (a, first)
    assert "CancelledError" not in executor_only.log()


def test_one_bad_argument_at_two_paths_gives_the_same_errors_every_time(
    executor_only: RunningService,
) -> None:
    answers = {
        json.dumps(post(executor_only, TWO_PATHS, {"cursor": "bad"}), sort_keys=True)
        for _ in range(50)
    }
    assert len(answers) == 1, answers
    (answer,) = (json.loads(a) for a in answers)
    # The error that nulled `actor`; the one inside it went with it.
    assert codes(answer) == ["INVALID"], answer
    assert answer["errors"][0]["path"] == ["actor", "statements"]
    assert answer["data"] == {"statement": {"slug": SLUG}, "actor": None}


def test_a_bad_cursor_is_blamed_on_its_own_list_not_on_one_batched_with_it(
    executor_only: RunningService,
) -> None:
    # Both lists are read in one batch; the batch failed whole, so `ok` (first in the
    # document) carried the error of `bad`'s cursor.
    document = """{ actor(slug: "maria-zakharova") {
      ok: statements(first: 2) { totalCount } bad: statements(before: "x") { totalCount }
    } }"""
    answer = post(executor_only, document)
    assert [e["path"] for e in answer["errors"]] == [["actor", "bad"]]
    assert codes(answer) == ["INVALID"]
