"""The Python `gql` client, as a client app configures it by default, over HTTP and websockets.

Two service processes on one database: a subscription on one sees a mutation made through
the other, and resumes with `afterChangeId`. The documents are the playground's own
(graphql/operations), sent as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from tests.api.tokens import create_token
from tests.server import ROOT, RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

OPERATIONS = ROOT / "graphql" / "operations"


def operation(name: str, **variables: Any) -> GraphQLRequest:
    """A playground operation, with these variables."""
    text = (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")
    return GraphQLRequest(text, variable_values=variables or None)


@pytest.fixture(scope="module")
def other(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """A second instance on the module's database."""
    with run_service(module_db_url, tmp_path_factory.mktemp("other")) as running:
        yield running


@pytest.fixture(scope="module")
def editor(module_db_url: str) -> str:
    return create_token(module_db_url, "gql-editor", "editor")


@asynccontextmanager
async def http_session(service: RunningService, token: str | None = None) -> AsyncIterator[Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    transport = AIOHTTPTransport(url=f"{service.url}/graphql", headers=headers)
    async with Client(transport=transport) as session:
        yield session


@asynccontextmanager
async def ws_session(service: RunningService, token: str | None = None) -> AsyncIterator[Any]:
    url = service.url.replace("http://", "ws://") + "/graphql"
    init = {"Authorization": f"Bearer {token}"} if token else {}
    transport = WebsocketsTransport(url=url, init_payload=init)  # its default subprotocols
    async with Client(transport=transport) as session:
        yield session


async def test_queries_and_a_mutation_with_a_token_over_http(
    service: RunningService, editor: str
) -> None:
    async with http_session(service, editor) as session:
        created = await session.execute(operation("create-actor"))
        assert created["createActor"]["errors"] == []
        viewer = await session.execute(operation("viewer"))
        assert viewer["viewer"] == {"name": "gql-editor", "role": "EDITOR"}
    async with http_session(service) as anonymous:
        profile = await anonymous.execute(operation("actor-profile", slug="kaja-kallas"))
        assert profile["actor"]["name"] == "Kaja Kallas"
        # A mutation without a token: gql raises with the service's code.
        with pytest.raises(TransportQueryError) as refused:
            await anonymous.execute(operation("create-actor"))
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_subscription_sees_another_instance_write_and_resumes(
    service: RunningService, other: RunningService, editor: str
) -> None:
    changes = GraphQLRequest(
        """subscription($after: String) { recordChanged(kinds: [ACTOR], afterChangeId: $after) {
            changeId record { ... on Actor { slug } } } }"""
    )
    seen: list[dict[str, Any]] = []
    async with ws_session(service) as live, http_session(other, editor) as writer:
        events = live.subscribe(changes)
        first = asyncio.ensure_future(anext(events))
        await asyncio.sleep(0.3)  # subscribed before the write
        for slug in ("gql-one", "gql-two"):
            input_ = {"slug": slug, "kind": "STATE", "name": slug}
            created = await writer.execute(operation("create-actor", input=input_))
            assert created["createActor"]["errors"] == []
        seen.append((await asyncio.wait_for(first, 15))["recordChanged"])
        seen.append((await asyncio.wait_for(anext(events), 15))["recordChanged"])
        await events.aclose()
    assert [event["record"]["slug"] for event in seen] == ["gql-one", "gql-two"]
    # Resumed after the first over the other instance's websocket, with a token.
    changes.variable_values = {"after": seen[0]["changeId"]}
    async with ws_session(other, editor) as resumed:
        events = resumed.subscribe(changes)
        again = (await asyncio.wait_for(anext(events), 15))["recordChanged"]
        await events.aclose()
    assert again == seen[1]
