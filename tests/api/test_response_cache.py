"""The response cache: hits for repeated reads, never stale after a committed write, on
one instance and across two; mutations and caller-specific reads never cached."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.tokens import auth, create_token
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

CACHED = {"RESPONSE_CACHE": "true", "RATE_LIMIT": "0"}
READ = {"query": "query($slug: String!) { actor(slug: $slug) { name version } }"}


@pytest.fixture(scope="module")
def pair(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningService, RunningService]]:
    with (
        run_service(module_db_url, tmp_path_factory.mktemp("a"), CACHED) as first,
        run_service(module_db_url, tmp_path_factory.mktemp("b"), CACHED) as second,
    ):
        yield first, second


@pytest.fixture(scope="module")
def editor(pair: tuple[RunningService, RunningService], module_db_url: str) -> Client:
    return Client(pair[0].url, token=create_token(module_db_url, "cache-editor", "editor"))


def read(service: RunningService, slug: str, **headers: str) -> httpx.Response:
    body: dict[str, Any] = {**READ, "variables": {"slug": slug}}
    return httpx.post(f"{service.url}/graphql", json=body, headers=headers, timeout=10)


def test_repeated_read_is_served_from_the_cache(
    pair: tuple[RunningService, RunningService], editor: Client
) -> None:
    ok(editor.mutate("createActor", {"slug": "cached", "kind": "STATE", "name": "Cached"}))
    first, again = read(pair[0], "cached"), read(pair[0], "cached")
    assert first.headers["x-cache"] == "miss"
    assert again.headers["x-cache"] == "hit"
    assert again.content == first.content
    # A hit says what the miss said (it once said "MediaType.JSON", the enum's name).
    assert again.headers["content-type"] == first.headers["content-type"] == "application/json"
    wanted = {"accept": "application/graphql-response+json"}
    spec_first, spec_again = read(pair[0], "cached", **wanted), read(pair[0], "cached", **wanted)
    assert spec_again.headers["x-cache"] == "hit"
    media = "application/graphql-response+json"
    assert spec_again.headers["content-type"] == spec_first.headers["content-type"] == media
    other = read(pair[0], "another-slug")  # other variables: another entry
    assert other.headers["x-cache"] == "miss"
    # Keyed on the media type answered, not the Accept header as sent: any other spelling
    # of the same choice is a hit (an Accept of the client's own, or a random one, made
    # an entry of its own each time, a miss that ran the query again).
    for accept in ("*/*", "application/json, text/plain;q=0.5", "x/random-1"):
        assert read(pair[0], "cached", accept=accept).headers["x-cache"] == "hit", accept
    spelled = {"accept": "application/graphql-response+json, application/json;q=0.9"}
    assert read(pair[0], "cached", **spelled).headers["x-cache"] == "hit"
    assert read(pair[0], "cached", **spelled).headers["content-type"] == media


def test_a_read_after_a_committed_write_is_never_stale(
    pair: tuple[RunningService, RunningService], editor: Client
) -> None:
    created = ok(editor.mutate("createActor", {"slug": "fresh", "kind": "STATE", "name": "v1"}))
    for service in pair:  # both instances cache the first state
        read(service, "fresh")
        assert read(service, "fresh").headers["x-cache"] == "hit"
    version = 1
    for round_ in range(15):
        name = f"v{round_ + 2}"
        ok(
            editor.mutate(
                "updateActor", {"id": created["id"], "expectedVersion": version, "name": name}
            )
        )
        version += 1
        # Written through the first instance; read at once on both, the second included.
        for service in reversed(pair):
            answer = read(service, "fresh").json()["data"]["actor"]
            assert answer == {"name": name, "version": version}


def test_mutations_are_never_cached(
    pair: tuple[RunningService, RunningService], editor: Client
) -> None:
    mutation = {
        "query": 'mutation { createActor(input: {slug: "once", kind: STATE, name: "Once"}) '
        "{ record { slug } errors { code } } }"
    }
    url = f"{pair[0].url}/graphql"
    first = httpx.post(url, json=mutation, headers=editor.headers())
    second = httpx.post(url, json=mutation, headers=editor.headers())
    assert "x-cache" not in first.headers
    assert first.json()["data"]["createActor"]["errors"] == []
    # Run again, not replayed: the slug is taken now.
    assert second.json()["data"]["createActor"]["errors"] == [{"code": "CONFLICT"}]


def test_the_cache_keys_on_role_and_skips_caller_specific_fields(
    pair: tuple[RunningService, RunningService], module_db_url: str
) -> None:
    reader = create_token(module_db_url, "cache-reader", "reader")
    read(pair[1], "cached")
    assert read(pair[1], "cached").headers["x-cache"] == "hit"
    as_reader = read(pair[1], "cached", **auth(reader))
    assert as_reader.headers["x-cache"] == "miss"  # another role: another entry
    viewer = {"query": "{ viewer { name role } }"}
    url = f"{pair[1].url}/graphql"
    answers = [httpx.post(url, json=viewer, headers=auth(reader)) for _ in range(2)]
    assert all("x-cache" not in a.headers for a in answers)
    assert answers[1].json()["data"]["viewer"] == {"name": "cache-reader", "role": "READER"}


VIEWER_ELSEWHERE = [
    "query { ...Me } fragment Me on Query { viewer { name } }",
    "{ ... on Query { viewer { name } } }",
    "{ ... @include(if: true) { viewer { name } } }",
    "query { ...Outer } fragment Outer on Query { ... on Query { ...Me } }"
    " fragment Me on Query { viewer { name } }",
    "{ actors { totalCount } me: viewer @skip(if: false) { name } }",
]


@pytest.mark.parametrize("document", VIEWER_ELSEWHERE)
def test_viewer_in_fragments_or_under_directives_is_never_shared_by_a_role(
    pair: tuple[RunningService, RunningService], module_db_url: str, document: str
) -> None:
    # Two readers, one role: each must get their own name, however `viewer` is reached.
    names = [f"reader-{n}-{VIEWER_ELSEWHERE.index(document)}" for n in ("one", "two")]
    first, second = (create_token(module_db_url, name, "reader") for name in names)
    url = f"{pair[0].url}/graphql"
    seen = []
    for token in (first, second, first, second):
        answer = httpx.post(url, json={"query": document}, headers=auth(token), timeout=10)
        assert "x-cache" not in answer.headers
        data = answer.json()["data"]
        seen.append((data.get("viewer") or data["me"])["name"])
    assert seen == names * 2
