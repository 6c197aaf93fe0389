"""The history of every change: one record's life, the feed, seed loads, through HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from service.database.pool import init_connection
from service.resources import data_dir
from service.seeds import collect_seeds, load_seeds
from tests.api.tokens import auth
from tests.server import RunningService

pytestmark = [pytest.mark.db, pytest.mark.slow]

CHANGE = "id kind recordId operation version actor at before after"
CREATE = """mutation($input: CreateActorInput!) {
    createActor(input: $input) { record { id version } errors { code } }
}"""
UPDATE = """mutation($input: UpdateActorInput!) {
    updateActor(input: $input) { record { id version name } errors { code field message } }
}"""
DELETE = """mutation($id: ID!, $version: Int) {
    deleteActor(input: {id: $id, expectedVersion: $version}) { deletedId errors { code } }
}"""
HISTORY = f"""query($id: ID!, $first: Int, $after: String) {{
    history(id: $id, first: $first, after: $after) {{
        totalCount nodes {{ {CHANGE} }} pageInfo {{ hasNextPage endCursor }}
    }}
}}"""
FEED = f"""query(
    $since: ID, $kinds: [RecordKind!], $actor: String, $first: Int, $after: String, $last: Int
) {{
    changes(
        since: $since, kinds: $kinds, actor: $actor, first: $first, after: $after, last: $last
    ) {{
        totalCount nodes {{ {CHANGE} }} edges {{ cursor }} pageInfo {{ hasNextPage endCursor }}
    }}
}}"""


def gql(service: RunningService, text: str, variables: Any = None, token: str | None = None) -> Any:
    response = httpx.post(
        f"{service.url}/graphql",
        json={"query": text, "variables": variables or {}},
        headers=auth(token) if token else {},
        timeout=10,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture(scope="module")
async def seeded(module_db_url: str) -> AsyncIterator[int]:
    """The bundled seeds loaded into the module's database; how many records they made."""
    conn = await asyncpg.connect(module_db_url)
    try:
        await init_connection(conn)
        before = await conn.fetchval("select count(*) from record")
        await load_seeds(conn, [data_dir("seeds")])
        yield await conn.fetchval("select count(*) from record") - before
    finally:
        await conn.close()


def test_the_life_of_a_record(service: RunningService, editor_token: str) -> None:
    created = gql(
        service,
        CREATE,
        {"input": {"slug": "kyiv-office", "kind": "GOVERNMENT_BODY", "name": "Kyiv Office"}},
        editor_token,
    )["createActor"]["record"]
    actor_id = created["id"]

    def update(version: int, **changes: Any) -> dict[str, Any]:
        payload: dict[str, Any] = gql(
            service,
            UPDATE,
            {"input": {"id": actor_id, "expectedVersion": version, **changes}},
            editor_token,
        )["updateActor"]
        return payload

    assert update(1, name="Kyiv Office (renamed)")["record"]["version"] == 2
    assert update(2, summary="Handles the talks")["record"]["version"] == 3
    stale = update(2, name="Lost Update")
    assert stale["record"] is None
    assert stale["errors"][0]["code"] == "CONFLICT"
    assert stale["errors"][0]["field"] == "expectedVersion"

    live = gql(
        service,
        "query($id: ID!) { node(id: $id) { ... on Actor { history { nodes { version } } } } }",
        {"id": actor_id},
    )
    assert [c["version"] for c in live["node"]["history"]["nodes"]] == [1, 2, 3]

    deleted = gql(service, DELETE, {"id": actor_id, "version": 3}, editor_token)["deleteActor"]
    assert deleted == {"deletedId": actor_id, "errors": []}
    assert (
        gql(service, "query($id: ID!) { node(id: $id) { id } }", {"id": actor_id})["node"] is None
    )

    # The deleted record's whole life is still there; the stale update is not.
    history = gql(service, HISTORY, {"id": actor_id})["history"]
    changes = history["nodes"]
    assert history["totalCount"] == 4
    assert [(c["operation"], c["version"]) for c in changes] == [
        ("CREATE", 1),
        ("UPDATE", 2),
        ("UPDATE", 3),
        ("DELETE", 3),
    ]
    assert {c["actor"] for c in changes} == {"test-editor"}
    assert {c["recordId"] for c in changes} == {actor_id}
    assert {c["kind"] for c in changes} == {"ACTOR"}
    create, rename, describe, delete = changes
    assert create["before"] is None
    assert create["after"]["name"] == "Kyiv Office"
    assert (rename["before"]["name"], rename["after"]["name"]) == (
        "Kyiv Office",
        "Kyiv Office (renamed)",
    )
    assert (describe["before"]["summary"], describe["after"]["summary"]) == (
        None,
        "Handles the talks",
    )
    assert delete["after"] is None
    assert delete["before"]["summary"] == "Handles the talks"
    assert delete["before"]["version"] == 3
    assert "Lost Update" not in str(changes)
    assert [int(c["id"]) for c in changes] == sorted(int(c["id"]) for c in changes)
    assert [c["at"] for c in changes] == sorted(c["at"] for c in changes)


def test_history_pages(service: RunningService, editor_token: str) -> None:
    created = gql(
        service,
        CREATE,
        {"input": {"slug": "paged", "kind": "STATE", "name": "Paged"}},
        editor_token,
    )["createActor"]["record"]
    for version in range(1, 5):
        gql(
            service,
            UPDATE,
            {"input": {"id": created["id"], "expectedVersion": version, "name": f"v{version}"}},
            editor_token,
        )
    first = gql(service, HISTORY, {"id": created["id"], "first": 3})["history"]
    assert [c["version"] for c in first["nodes"]] == [1, 2, 3]
    assert first["pageInfo"]["hasNextPage"]
    rest = gql(
        service, HISTORY, {"id": created["id"], "first": 3, "after": first["pageInfo"]["endCursor"]}
    )["history"]
    assert [c["version"] for c in rest["nodes"]] == [4, 5]
    assert not rest["pageInfo"]["hasNextPage"]


def test_history_of_an_unknown_record_is_empty(service: RunningService) -> None:
    history = gql(service, HISTORY, {"id": "YWN0b3I6OTk5OTk5"})["history"]  # actor:999999
    assert history == {
        "totalCount": 0,
        "nodes": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


def test_seed_loads_are_written_by_seed(service: RunningService, seeded: int) -> None:
    feed = gql(service, FEED, {"actor": "seed", "first": 5})["changes"]
    # A create per record, and an update per event whose `concerns` (links to kinds
    # written after events) the loader wrote once every record existed.
    events = collect_seeds([data_dir("seeds")]).entries["event"]
    assert feed["totalCount"] == seeded + sum(1 for e in events if e.value.concerns) > 0
    assert {c["actor"] for c in feed["nodes"]} == {"seed"}
    assert {c["operation"] for c in feed["nodes"]} == {"CREATE"}


def test_the_feed_filters_and_follows(
    service: RunningService, editor_token: str, seeded: int
) -> None:
    everything = gql(service, FEED, {"first": 100})["changes"]
    assert everything["totalCount"] >= seeded
    ids = [int(c["id"]) for c in everything["nodes"]]
    assert ids == sorted(ids)

    # `since` takes a change id or a cursor, and is exclusive.
    middle = everything["nodes"][10]
    by_id = gql(service, FEED, {"since": middle["id"], "first": 3})["changes"]["nodes"]
    assert [int(c["id"]) for c in by_id] == ids[11:14]
    cursor = everything["edges"][10]["cursor"]
    by_cursor = gql(service, FEED, {"since": cursor, "first": 3})["changes"]["nodes"]
    assert by_cursor == by_id

    # A client following the feed asks for what came after the last change it saw.
    newest = gql(service, FEED, {"last": 1})["changes"]["nodes"][0]
    assert gql(service, FEED, {"since": newest["id"]})["changes"]["totalCount"] == 0
    gql(
        service,
        CREATE,
        {"input": {"slug": "feed-follower", "kind": "STATE", "name": "F"}},
        editor_token,
    )
    news = gql(service, FEED, {"since": newest["id"]})["changes"]["nodes"]
    assert [(c["operation"], c["after"]["slug"]) for c in news] == [("CREATE", "feed-follower")]

    sources = gql(service, FEED, {"kinds": ["SOURCE"], "first": 100})["changes"]
    assert sources["totalCount"] > 0
    assert {c["kind"] for c in sources["nodes"]} == {"SOURCE"}
    by_editor = gql(service, FEED, {"actor": "test-editor", "first": 100})["changes"]
    assert by_editor["totalCount"] > 0
    assert {c["actor"] for c in by_editor["nodes"]} == {"test-editor"}
    assert gql(service, FEED, {"actor": "nobody"})["changes"]["totalCount"] == 0


def test_a_bad_since_is_invalid(service: RunningService) -> None:
    response = httpx.post(
        f"{service.url}/graphql", json={"query": '{ changes(since: "nope") { totalCount } }'}
    ).json()
    assert response["errors"][0]["extensions"]["code"] == "INVALID"
    assert response["errors"][0]["extensions"]["field"] == "since"
