"""A query answered from its kept compiled statement, before any GraphQL work.

The first request for a query text, operation and variables runs the whole way and keeps
the statement; a repeat is answered by the statement alone
(service/http/kept_statements.py). Over a real server: the repeat's answer is the
first one's, byte for byte and header for header, and it is refused, or goes the whole
way, wherever the whole way would differ.
/metrics tells which path answered (`position_record_graphql_answers_total`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.http.trusted_documents import document_hash
from tests.api.conftest import load_seed_record
from tests.api.tokens import create_token, revoke_token
from tests.server import ROOT, RunningService, run_service

pytestmark = [pytest.mark.db]

DECLARATION = """
query Declaration($slug: String!) {
  declaration(slug: $slug) {
    id title adopted { value precision }
    provisions(first: 2) { totalCount pageInfo { endCursor } nodes { title } }
    stances { nodes { position actor { name } } }
  }
}
"""
# Headers that differ between any two responses.
_PER_RESPONSE = {"date", "x-request-id", "content-length", "ratelimit-remaining", "ratelimit-reset"}


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def token(module_db_url: str) -> str:
    return create_token(module_db_url, "kept-statements-reader", "reader")


@pytest.fixture(scope="module")
def service(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service without its response cache, which would answer repeats first."""
    env = {"RESPONSE_CACHE": "false"}
    with run_service(module_db_url, tmp_path_factory.mktemp("open"), env) as running:
        yield running


@pytest.fixture(scope="module")
def closed(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The same, as in production: JSON logs, no anonymous reads."""
    env = {"ENVIRONMENT": "production", "RESPONSE_CACHE": "false", "METRICS_TOKEN": "scraper"}
    with run_service(module_db_url, tmp_path_factory.mktemp("closed"), env) as running:
        yield running


@pytest.fixture(scope="module")
def cached(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service with its response cache."""
    env = {"RESPONSE_CACHE": "true"}
    with run_service(module_db_url, tmp_path_factory.mktemp("cached"), env) as running:
        yield running


def _post(
    service: RunningService, body: dict[str, Any], token: str | None = None, **headers: str
) -> httpx.Response:
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return httpx.post(f"{service.url}/graphql", json=body, headers=headers, timeout=30)


def _answers(service: RunningService, operation: str) -> dict[str, float]:
    """How many queries named `operation` each path answered so far."""
    # The production service asks for its METRICS_TOKEN; the others ignore it.
    text = httpx.get(f"{service.url}/metrics", headers={"authorization": "Bearer scraper"}).text
    return {
        sample.labels["answer"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "position_record_graphql_answers_total"
        and sample.labels["operation"] == operation
    }


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in _PER_RESPONSE}


def test_a_repeat_is_answered_by_the_kept_statement_exactly_as_the_first(
    service: RunningService,
) -> None:
    body = {"query": DECLARATION, "variables": {"slug": "paris-declaration"}}
    first = _post(service, body)
    assert _answers(service, "Declaration") == {"compiled": 1}
    repeat = _post(service, body)
    assert _answers(service, "Declaration") == {"compiled": 1, "statement": 1}

    assert repeat.status_code == first.status_code == 200
    assert repeat.content == first.content
    assert _headers(repeat) == _headers(first)
    # The rate limit counted the repeat too.
    remaining = int(repeat.headers["ratelimit-remaining"])
    assert remaining == int(first.headers["ratelimit-remaining"]) - 1
    answer = repeat.json()
    assert answer["data"]["declaration"]["stances"]["nodes"]
    assert answer["extensions"] == {"sqlRoundTrips": 1}

    # GraphQL over HTTP's own media type, when asked for, on either path.
    wanted = {"accept": "application/graphql-response+json"}
    media = _post(service, body, **wanted).headers["content-type"]
    assert media.startswith("application/graphql-response+json")


def test_a_get_is_answered_by_the_kept_statement_too(service: RunningService) -> None:
    text = "query ByGet($slug: String!) { declaration(slug: $slug) { id title } }"
    params = {"query": text, "operationName": "ByGet", "variables": '{"slug": "paris-declaration"}'}
    first = httpx.get(f"{service.url}/graphql", params=params, timeout=30)
    repeat = httpx.get(f"{service.url}/graphql", params=params, timeout=30)
    assert _answers(service, "ByGet") == {"compiled": 1, "statement": 1}
    assert repeat.status_code == first.status_code == 200
    assert repeat.content == first.content
    assert _headers(repeat) == _headers(first)
    assert first.json()["data"]["declaration"]["title"]
    # The statement is kept per text, operation and variables, whichever the method.
    body = {"query": text, "operationName": "ByGet", "variables": {"slug": "paris-declaration"}}
    assert _post(service, body).content == first.content
    assert _answers(service, "ByGet") == {"compiled": 1, "statement": 2}
    # A mutation over GET is still refused: no mutation's statement is ever kept.
    mutation = 'mutation { deleteActor(input: {id: "x"}) { deletedId } }'
    refused = httpx.get(f"{service.url}/graphql", params={"query": mutation}, timeout=30)
    assert refused.status_code == 405


def test_other_variables_are_another_statement(service: RunningService) -> None:
    query = {"query": DECLARATION, "operationName": "Declaration"}
    paris = _post(service, {**query, "variables": {"slug": "paris-declaration"}}).json()
    before = _answers(service, "Declaration")
    missing = {**query, "variables": {"slug": "no-such-declaration"}}
    first, repeat = _post(service, missing).json(), _post(service, missing).json()
    after = _answers(service, "Declaration")
    assert first == repeat == {"data": {"declaration": None}, "extensions": {"sqlRoundTrips": 1}}
    assert paris["data"]["declaration"] is not None
    assert after["compiled"] - before.get("compiled", 0) == 1
    assert after["statement"] - before.get("statement", 0) == 1


def test_the_caller_is_checked_on_every_request(
    closed: RunningService, token: str, module_db_url: str
) -> None:
    body = {"query": DECLARATION, "variables": {"slug": "paris-declaration"}}
    assert _post(closed, body, token).status_code == 200
    assert _post(closed, body, token).status_code == 200
    assert _answers(closed, "Declaration") == {"compiled": 1, "statement": 1}

    anonymous = _post(closed, body)
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _post(closed, body, "pr_1_not-a-real-secret").status_code == 401

    revoke_token(module_db_url, "kept-statements-reader")
    assert _post(closed, body, token).status_code == 401  # the revoke is heard at once
    assert _answers(closed, "Declaration") == {"compiled": 1, "statement": 1}


def test_an_answer_from_a_kept_statement_is_cached(cached: RunningService) -> None:
    body = {"query": DECLARATION, "variables": {"slug": "paris-declaration"}}
    # The cache keys on the answer's media type too: the second one misses the cache, not
    # the kept statement.
    first = _post(cached, body, accept="application/json")
    second = _post(cached, body, accept="application/graphql-response+json")
    third = _post(cached, body, accept="application/graphql-response+json")
    assert [r.headers["x-cache"] for r in (first, second, third)] == ["miss", "miss", "hit"]
    assert _answers(cached, "Declaration") == {"compiled": 1, "statement": 1, "cache": 1}
    assert first.content == second.content == third.content


def test_a_get_naming_a_document_is_answered_and_one_naming_nothing_gets_the_playground(
    cached: RunningService,
) -> None:
    # A GET naming a document (Apollo's hashed GETs send `Accept: */*`) gets the
    # operation's answer whatever its Accept, through the kept and cached routes alike;
    # only a GET naming nothing gets the playground page.
    document = (ROOT / "graphql" / "operations" / "tracks-by-status.graphql").read_text()
    by_id = {"documentId": document_hash(document)}
    for _ in range(3):  # compiled, then kept, then cached
        assert (
            _post(cached, by_id, accept="*/*")
            .headers["content-type"]
            .startswith("application/json")
        )
    for accept in ("*/*", "text/html", "application/json"):
        answer = httpx.get(f"{cached.url}/graphql", params=by_id, headers={"accept": accept})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/json"), answer.text[:200]
        assert answer.json()["data"]["tracks"]
    for accept in ("*/*", "text/html"):
        page = httpx.get(f"{cached.url}/graphql", headers={"accept": accept})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html"), page.text[:200]
