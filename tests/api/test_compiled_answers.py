"""Compiled answers over a real HTTP server and a real websocket.

The compiled path hands PostgreSQL's JSON to the response as it is (msgspec.Raw): over
HTTP and over graphql-transport-ws the answer must be the same valid JSON the executor
gives, and the compiled one takes one SQL statement (ENVIRONMENT=test reports them).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.api.ws import connect
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db]

DECLARATION = """
query Declaration($slug: String!) {
  declaration(slug: $slug) {
    id title status adopted { value precision }
    provisions(first: 3) { totalCount pageInfo { hasNextPage endCursor } nodes { title } }
    parties { nodes { role actor { name } citations { nodes { quote source { url } } } } }
    stances { nodes { position actor { name } } }
  }
}
"""
SLUG = {"slug": "paris-declaration"}


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def executor_only(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The same service with compilation off."""
    folder = tmp_path_factory.mktemp("executor-only")
    with run_service(module_db_url, folder, {"COMPILED_QUERIES": "false"}) as running:
        yield running


def test_the_compiled_answer_over_http_is_the_executors(
    service: RunningService, executor_only: RunningService
) -> None:
    compiled = Client(service.url).post(DECLARATION, SLUG)
    executed = Client(executor_only.url).post(DECLARATION, SLUG)
    assert compiled["data"] == executed["data"]
    assert compiled["data"]["declaration"]["parties"]["nodes"]
    assert compiled["extensions"]["sqlRoundTrips"] == 1
    assert executed["extensions"]["sqlRoundTrips"] > 1


async def test_a_compiled_query_over_a_websocket(service: RunningService) -> None:
    over_http = Client(service.url).post(DECLARATION, SLUG)
    async with connect(service.url) as socket:
        op = await socket.subscribe(DECLARATION, SLUG)
        over_socket = await socket.next_data(op)
    assert over_socket == over_http["data"]
