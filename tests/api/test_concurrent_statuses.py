"""Concurrent requests each get their own HTTP status.

Strawberry's Litestar controller keeps the per-request "sub-response" (where an access
error sets 401 or 403) on the controller, which Litestar makes once per app: a request
that awaited something in between could answer with another request's status. Here
refused writes (403), refused tokens (401) and plain reads (200) run at once, through
the response cache (a round-trip before Strawberry runs), and each must keep its own.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.api.tokens import auth, create_token
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

ROUNDS = 30
# Each read its own text (an alias), so each misses the cache and runs.
READ = "query Read {{ r{n}: actors(first: 5) {{ totalCount nodes {{ name }} }} }}"
WRITE = """mutation Write { createActor(input: {slug: "never", kind: STATE, name: "Never"}) {
    record { id } } }"""


@pytest.fixture(scope="module")
def cached(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"RATE_LIMIT": "0", "RESPONSE_CACHE": "true"}
    with run_service(module_db_url, tmp_path_factory.mktemp("statuses"), env) as running:
        yield running


async def test_each_request_keeps_its_own_status(
    cached: RunningService, module_db_url: str
) -> None:
    reader = auth(create_token(module_db_url, "statuses-reader", "reader"))
    broken = auth("pr_1_not-a-real-secret")
    url = f"{cached.url}/graphql"
    async with httpx.AsyncClient(timeout=30) as http:

        async def status(query: str, headers: dict[str, str]) -> tuple[str, int]:
            response = await http.post(url, json={"query": query}, headers=headers)
            return query[:5] + ("/broken" if headers is broken else ""), response.status_code

        calls = [
            call
            for n in range(ROUNDS)
            for call in (
                status(READ.format(n=n), reader),
                status(WRITE, reader),
                status(READ.format(n=n), broken),
            )
        ]
        seen = Counter(await asyncio.gather(*calls))
    assert dict(seen) == {
        ("query", 200): ROUNDS,
        ("mutat", 403): ROUNDS,
        ("query/broken", 401): ROUNDS,
    }
