"""The HTTP surface through a real server: health, GraphQL over HTTP, the playground."""

import httpx
import pytest

from tests.api.refusals import GRJ, JSON, assert_refusal
from tests.server import RunningService

pytestmark = [pytest.mark.db, pytest.mark.slow]


def post(service: RunningService, body: object, **headers: str) -> httpx.Response:
    return httpx.post(f"{service.url}/graphql", json=body, headers=headers, timeout=10)


def test_liveness_and_readiness(service: RunningService) -> None:
    assert httpx.get(f"{service.url}/health/live").json() == {"status": "ok"}
    ready = httpx.get(f"{service.url}/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


def test_query_over_post_answers_json(service: RunningService) -> None:
    response = post(service, {"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"] == {"__typename": "Query"}


def test_graphql_response_media_type_when_accepted(service: RunningService) -> None:
    response = post(service, {"query": "{ __typename }"}, accept=GRJ)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRJ)


def test_parse_error_is_400_without_data_for_graphql_response_json(service: RunningService) -> None:
    response = post(service, {"query": "{ __typename "}, accept=GRJ)
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert "Syntax Error" in body["errors"][0]["message"]


def test_validation_error_is_400_for_graphql_response_json(service: RunningService) -> None:
    response = post(service, {"query": "{ noSuchField }"}, accept=GRJ)
    assert response.status_code == 400
    assert "noSuchField" in response.json()["errors"][0]["message"]


def test_validation_error_is_200_for_legacy_json(service: RunningService) -> None:
    response = post(service, {"query": "{ noSuchField }"})
    assert response.status_code == 200
    assert response.json()["data"] is None


def test_malformed_json_body_is_400(service: RunningService) -> None:
    response = httpx.post(
        f"{service.url}/graphql",
        content=b'{"query": ',
        headers={"content-type": "application/json"},
    )
    assert "JSON" in assert_refusal(response, 400, "BAD_REQUEST")["message"]


def test_query_over_get(service: RunningService) -> None:
    response = httpx.get(f"{service.url}/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200
    assert response.json()["data"]["__typename"] == "Query"


def test_mutation_over_get_is_refused_with_405(service: RunningService) -> None:
    response = httpx.get(
        f"{service.url}/graphql",
        params={"query": "mutation { __typename }"},
        headers={"accept": "application/json"},
    )
    assert_refusal(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("accept", [JSON, GRJ])
@pytest.mark.parametrize(
    ("request_args", "status", "code"),
    [
        ({"content": b'{"query": ', "headers": {"content-type": JSON}}, 400, "BAD_REQUEST"),
        ({"content": b"[]", "headers": {"content-type": JSON}}, 400, "BAD_REQUEST"),
        ({"content": b"42", "headers": {"content-type": JSON}}, 400, "BAD_REQUEST"),
        # Nested deeper than the JSON decoder goes: a bad request, not a server error.
        ({"content": b"[" * 5000 + b"]" * 5000, "headers": {"content-type": JSON}},
         400, "BAD_REQUEST"),
        ({"content": b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 5000
          + b"]" * 5000 + b"}}", "headers": {"content-type": JSON}}, 400, "BAD_REQUEST"),
        ({"content": b"{}", "headers": {"content-type": "text/plain"}},
         415, "UNSUPPORTED_MEDIA_TYPE"),
        ({"json": {"query": "subscription { recordChanged { id } }"}}, 400, "BAD_REQUEST"),
        ({"json": {"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 2}}}},
         400, "BAD_REQUEST"),
    ],
)  # fmt: skip
def test_every_refusal_is_a_graphql_error_in_the_media_type_asked(
    service: RunningService, request_args: dict[str, object], status: int, code: str, accept: str
) -> None:
    args = dict(request_args)  # shared by the cases of each media type
    headers = {**args.pop("headers", {}), "accept": accept}  # type: ignore[dict-item]
    response = httpx.post(f"{service.url}/graphql", headers=headers, **args)  # type: ignore[arg-type]
    assert_refusal(response, status, code, accept)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused_as_graphql_errors(service: RunningService, method: str) -> None:
    response = httpx.request(method, f"{service.url}/graphql", json={"query": "{ __typename }"})
    assert_refusal(response, 405, "METHOD_NOT_ALLOWED")
    # Elsewhere Litestar answers as it does.
    health = httpx.request(method, f"{service.url}/health/live")
    assert health.status_code == 405
    assert health.json()["status_code"] == 405


@pytest.mark.parametrize("accept", [JSON, GRJ])
def test_a_mutation_over_get_is_refused_in_the_media_type_asked(
    service: RunningService, accept: str
) -> None:
    response = httpx.get(
        f"{service.url}/graphql",
        params={"query": "mutation { __typename }"},
        headers={"accept": accept},
    )
    assert_refusal(response, 405, "METHOD_NOT_ALLOWED", accept)


def test_playground_on_browser_get(service: RunningService) -> None:
    response = httpx.get(f"{service.url}/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_openapi_documents_the_rest_routes(service: RunningService) -> None:
    spec = httpx.get(f"{service.url}/schema/openapi.json").json()
    assert {"/health/live", "/health/ready"} <= set(spec["paths"])


@pytest.mark.parametrize("accept", [JSON, GRJ])
@pytest.mark.parametrize("path", ["/graphql/v1", "/graphql/x/y"])
def test_a_path_under_the_endpoint_is_a_graphql_404(
    service: RunningService, path: str, accept: str
) -> None:
    body = {"query": "{ __typename }"}
    response = httpx.post(f"{service.url}{path}", json=body, headers={"accept": accept})
    assert_refusal(response, 404, "NOT_FOUND", accept)
    # Elsewhere Litestar answers as it does.
    other = httpx.post(f"{service.url}/graphqlx", json=body)
    assert other.status_code == 404
    assert other.json()["status_code"] == 404


@pytest.mark.parametrize("name", ["variables", "extensions"])
def test_a_get_with_json_nested_too_deeply_is_a_bad_request(
    service: RunningService, name: str
) -> None:
    deep = "{" + '"v": ' + "[" * 3000 + "]" * 3000 + "}"
    response = httpx.get(
        f"{service.url}/graphql",
        params={"query": "{ __typename }", name: deep},
        headers={"accept": JSON},
    )
    assert_refusal(response, 400, "BAD_REQUEST")


def test_json_nested_past_the_bound_is_refused_and_under_it_runs(
    service: RunningService,
) -> None:
    def post_nested(depth: int) -> httpx.Response:
        nested = b"[" * depth + b"]" * depth
        body = b'{"query": "{ __typename }", "variables": {"v": ' + nested + b"}}"
        return httpx.post(
            f"{service.url}/graphql", content=body, headers={"content-type": JSON}, timeout=10
        )

    # The body, its variables and 30 arrays: bounded_json.MAX_DEPTH (32) levels.
    assert post_nested(30).json()["data"] == {"__typename": "Query"}
    # Past it, up to where the decoder itself gives up: never an internal error (the
    # cache key, the NUL check... recursed through such variables).
    for depth in [31, 99, *range(850, 1050, 5)]:
        assert_refusal(post_nested(depth), 400, "BAD_REQUEST")
