"""Concurrent writers on one record: optimistic locking loses no write and skips no version."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.tokens import auth
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

WRITERS = 50
READ = "query($id: ID!) { node(id: $id) { ... on Actor { version } } }"
UPDATE = """mutation($input: UpdateActorInput!) {
    updateActor(input: $input) { record { version summary } errors { code } }
}"""
HISTORY = """query($id: ID!, $after: String) {
    history(id: $id, first: 100, after: $after) {
        nodes { operation version actor before after }
        pageInfo { hasNextPage endCursor }
    }
}"""


@pytest.fixture(scope="module")
def unlimited(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service without a rate limit: the writers retry a lot, on purpose."""
    with run_service(module_db_url, tmp_path_factory.mktemp("unlimited"), {"RATE_LIMIT": "0"}) as s:
        yield s


class Writer:
    """One client of the API, with its editor token."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str) -> None:
        self.http = http
        self.url = f"{url}/graphql"
        self.headers = auth(token)

    async def gql(self, query: str, variables: dict[str, Any]) -> Any:
        response = await self.http.post(
            self.url, json={"query": query, "variables": variables}, headers=self.headers
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def version(self, record_id: str) -> int:
        version: int = (await self.gql(READ, {"id": record_id}))["node"]["version"]
        return version

    async def update(self, record_id: str, version: int, summary: str) -> dict[str, Any]:
        variables = {"input": {"id": record_id, "expectedVersion": version, "summary": summary}}
        payload: dict[str, Any] = (await self.gql(UPDATE, variables))["updateActor"]
        return payload

    async def history(self, record_id: str) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await self.gql(HISTORY, {"id": record_id, "after": after}))["history"]
            changes += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return changes
            after = page["pageInfo"]["endCursor"]


async def test_concurrent_updates_lose_nothing(
    unlimited: RunningService, editor_token: str
) -> None:
    limits = httpx.Limits(max_connections=WRITERS + 10)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        writer = Writer(http, unlimited.url, editor_token)
        created = await writer.gql(
            """mutation { createActor(input: {slug: "contested", kind: STATE, name: "C"}) {
                record { id version } errors { code } } }""",
            {},
        )
        record_id = created["createActor"]["record"]["id"]

        # Round 1: fifty writers read version 1 and update at once: one wins, 49 conflict.
        assert await writer.version(record_id) == 1
        first = await asyncio.gather(
            *(writer.update(record_id, 1, f"round-one-{i}") for i in range(WRITERS))
        )
        winners = [p for p in first if p["record"] is not None]
        assert len(winners) == 1
        assert winners[0]["record"]["version"] == 2
        assert Counter(p["errors"][0]["code"] for p in first if p["errors"]) == {
            "CONFLICT": WRITERS - 1
        }

        # Round 2: fifty writers each read, write with the version read, and retry on
        # CONFLICT until their write lands.
        async def write_until_it_lands(i: int) -> tuple[int, int]:
            conflicts = 0
            while True:
                version = await writer.version(record_id)
                payload = await writer.update(record_id, version, f"writer-{i}")
                if payload["record"] is not None:
                    assert payload["record"]["version"] == version + 1
                    return payload["record"]["version"], conflicts
                assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
                conflicts += 1

        landed = await asyncio.gather(*(write_until_it_lands(i) for i in range(WRITERS)))
        versions = sorted(v for v, _ in landed)
        assert versions == list(range(3, 3 + WRITERS))  # one winner per version, no gap
        assert sum(c for _, c in landed) > 0  # they did collide

        changes = await writer.history(record_id)

    assert [c["version"] for c in changes] == list(range(1, 3 + WRITERS))
    assert [c["operation"] for c in changes] == ["CREATE"] + ["UPDATE"] * (WRITERS + 1)
    assert {c["actor"] for c in changes} == {"test-editor"}
    for previous, change in itertools.pairwise(changes):
        assert change["before"] == previous["after"]  # each write built on the last one
    summaries = [c["after"]["summary"] for c in changes[2:]]
    assert sorted(summaries) == sorted(f"writer-{i}" for i in range(WRITERS))  # none lost
    assert changes[1]["after"]["summary"] == winners[0]["record"]["summary"]
