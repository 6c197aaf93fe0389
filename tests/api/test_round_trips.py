"""Nested lists cost one SQL round-trip per level, whatever the number of rows (no N+1).

Measured on both routes: the compiled statement (one round trip for the whole answer) and,
with COMPILED_QUERIES=false, the executor, whose resolvers batch through DataLoaders.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from service.database.pool import init_connection
from service.kinds.actors.description import ACTOR, MEMBERSHIP
from service.kinds.citations.description import CITATION
from service.kinds.sources.description import SOURCE
from service.kinds.statements.description import STATEMENT
from service.kinds.warnings.description import WARNING
from service.record import writer
from tests.api.client import Client
from tests.server import run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

DEEP = """query($n: Int!) {
  actors(first: $n, filter: {kinds: [PERSON]}) { totalCount nodes {
    name
    memberships { nodes { role } }
    statements(first: 5) { totalCount nodes {
      quote said { value }
      speaker { name }
      citations { nodes { quote source { publisher } } }
      warnings { nodes { condition consequence } }
    } }
    stances { nodes { position } }
  } }
}"""


@pytest.fixture(scope="module")
async def hundred_speakers(module_db_url: str) -> None:
    """100 people, each with two statements, a citation per statement and a warning."""
    pool = await asyncpg.create_pool(module_db_url, init=init_connection, min_size=1, max_size=2)
    assert pool is not None
    said = datetime(2026, 1, 8, tzinfo=UTC)
    try:
        async with pool.acquire() as conn, conn.transaction():
            source = await writer.insert(
                conn,
                SOURCE,
                {"slug": "rt-source", "url": "urn:rt", "publisher": "Wire", "kind": "wire"},
                actor_name="test",
            )
            org = await writer.insert(
                conn,
                ACTOR,
                {"slug": "rt-org", "kind": "state", "name": "Org"},
                actor_name="test",
            )
            for i in range(100):
                person = await writer.insert(
                    conn,
                    ACTOR,
                    {"slug": f"rt-person-{i:03}", "kind": "person", "name": f"Person {i:03}"},
                    actor_name="test",
                )
                await writer.insert(
                    conn,
                    MEMBERSHIP,
                    {"member_id": person["id"], "organization_id": org["id"], "role": "envoy"},
                    actor_name="test",
                )
                for j in range(2):
                    statement = await writer.insert(
                        conn,
                        STATEMENT,
                        {
                            "slug": f"rt-{i}-{j}",
                            "speaker_id": person["id"],
                            "said_at": said,
                            "said_precision": "day",
                            "channels": ["x"],
                            "quote": f"Words {i} {j}",
                        },
                        actor_name="test",
                        links={"about_ids": [org["id"]]},
                    )
                    await writer.insert(
                        conn,
                        CITATION,
                        {"subject_id": statement["id"], "source_id": source["id"], "quote": "q"},
                        actor_name="test",
                    )
                    await writer.insert(
                        conn,
                        WARNING,
                        {
                            "slug": f"rt-w-{i}-{j}",
                            "statement_id": statement["id"],
                            "condition": "if",
                            "consequence": "then",
                        },
                        actor_name="test",
                        links={"target_ids": [org["id"]]},
                    )
    finally:
        await pool.close()


@pytest.fixture(scope="module", params=["compiled", "executor"])
def route(
    request: pytest.FixtureRequest,
    module_db_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    hundred_speakers: None,
) -> Iterator[tuple[str, Client]]:
    """A client of a service answering through one route: compiled, or the executor only."""
    compiled = "true" if request.param == "compiled" else "false"
    tmp: Path = tmp_path_factory.mktemp(f"route-{request.param}")
    with run_service(module_db_url, tmp, {"COMPILED_QUERIES": compiled}) as running:
        yield request.param, Client(running.url)


def round_trips(client: Client, n: int) -> tuple[int, int]:
    body = client.post(DEEP, {"n": n})
    assert "errors" not in body, body
    return len(body["data"]["actors"]["nodes"]), body["extensions"]["sqlRoundTrips"]


def test_round_trips_do_not_grow_with_rows(route: tuple[str, Client]) -> None:
    name, client = route
    round_trips(client, 100)  # warm up: the pool opens its connections once
    rows_1, trips_1 = round_trips(client, 1)
    rows_100, trips_100 = round_trips(client, 100)
    assert (rows_1, rows_100) == (1, 100)
    print(f"\n{name}: {trips_1} round trips for 1 row, {trips_100} for 100")
    # (No two levels of this query use the same loader: loads of two levels may share a
    # batch or not depending on timing, which would blur the comparison by one.)
    assert trips_1 == trips_100, f"{name}: {trips_1} round trips for 1 row, {trips_100} for 100"
    if name == "compiled":
        # The whole answer is one statement.
        assert trips_100 == 1
    else:
        # One per list or reference: actors, their count, memberships, statements, their
        # count, speakers, citations, sources, warnings, stances: the query's shape.
        assert trips_100 <= 10, f"executor: {trips_100} round trips"
