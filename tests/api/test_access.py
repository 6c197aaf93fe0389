"""Who may do what, through a real server: tokens, roles, refused writes, websockets, CORS."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
import websockets

from tests.api.mutation_documents import TOKEN_MUTATIONS, mutation_documents
from tests.api.refusals import assert_refusal
from tests.api.tokens import auth, create_token, revoke_token
from tests.conftest import clone_database, drop_database
from tests.pg import with_database
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

MUTATIONS = mutation_documents()
RECORD_MUTATIONS = sorted(set(MUTATIONS) - TOKEN_MUTATIONS)
CREATE_ACTOR = """mutation($slug: String!) {
    createActor(input: {slug: $slug, kind: STATE, name: "Somewhere"}) {
        record { id version } errors { code message }
    }
}"""


def post(
    service: RunningService, query: str, variables: Any = None, **headers: str
) -> httpx.Response:
    return httpx.post(
        f"{service.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=10,
    )


def codes(response: httpx.Response) -> set[str]:
    return {e["extensions"]["code"] for e in response.json().get("errors", [])}


async def written(db_url: str) -> tuple[int, int, int]:
    """How many changes, records and tokens the database holds."""
    conn = await asyncpg.connect(db_url)
    try:
        row = await conn.fetchrow(
            "select (select count(*) from change) as changes, "
            "(select count(*) from record) as records, "
            "(select count(*) from api_token) as tokens"
        )
        return row["changes"], row["records"], row["tokens"]
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def revoked_token(module_db_url: str) -> str:
    token = create_token(module_db_url, "test-revoked", "admin")
    revoke_token(module_db_url, "test-revoked")
    return token


def test_every_mutation_is_guarded() -> None:
    # The schema applies the editor requirement itself: none can be forgotten.
    assert len(RECORD_MUTATIONS) >= 30
    assert set(MUTATIONS) >= TOKEN_MUTATIONS


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "UNAUTHENTICATED"),
        ("reader", 403, "FORBIDDEN"),
        ("unknown", 401, "UNAUTHENTICATED"),
        ("revoked", 401, "UNAUTHENTICATED"),
        ("malformed", 401, "UNAUTHENTICATED"),
    ],
)
async def test_mutations_are_refused_and_nothing_is_written(
    service: RunningService,
    module_db_url: str,
    reader_token: str,
    revoked_token: str,
    who: str,
    status: int,
    code: str,
) -> None:
    headers = {
        "anonymous": {},
        "reader": auth(reader_token),
        "unknown": auth("pr_424242_not-a-real-secret"),
        "revoked": auth(revoked_token),
        "malformed": {"Authorization": "Basic dXNlcjpwYXNz"},
    }[who]
    before = await written(module_db_url)
    for name, document in MUTATIONS.items():
        response = post(service, document, **headers)
        assert response.status_code == status, (name, response.text)
        assert codes(response) == {code}, (name, response.text)
        assert response.json()["data"] is None
        if status == 401:
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert await written(module_db_url) == before


async def test_editors_may_not_manage_tokens(
    service: RunningService, module_db_url: str, editor_token: str
) -> None:
    before = await written(module_db_url)
    for name in sorted(TOKEN_MUTATIONS):
        response = post(service, MUTATIONS[name], **auth(editor_token))
        assert response.status_code == 403, response.text
        assert codes(response) == {"FORBIDDEN"}
    listing = post(service, "{ tokens { name } }", **auth(editor_token))
    assert listing.status_code == 403
    assert codes(listing) == {"FORBIDDEN"}
    assert await written(module_db_url) == before


async def test_an_editor_writes_under_its_token_name(
    service: RunningService, module_db_url: str, editor_token: str
) -> None:
    response = post(service, CREATE_ACTOR, {"slug": "by-editor"}, **auth(editor_token))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["createActor"]["errors"] == []
    conn = await asyncpg.connect(module_db_url)
    try:
        actor = await conn.fetchval(
            "select actor_name from change where after->>'slug' = 'by-editor'"
        )
    finally:
        await conn.close()
    assert actor == "test-editor"


def test_a_refused_field_does_not_stop_the_reads(
    service: RunningService, reader_token: str
) -> None:
    # One document, a read and a token listing: the reader gets its read, and a 403.
    response = post(service, "{ viewer { name role } tokens { name } }", **auth(reader_token))
    assert response.status_code == 403
    body = response.json()
    assert body["errors"][0]["path"] == ["tokens"]
    assert codes(response) == {"FORBIDDEN"}


@pytest.mark.parametrize("header", ["Bearer pr_1_wrong", "Bearer garbage", "Token abc", "Bearer"])
def test_a_bad_token_is_refused_even_for_reads(service: RunningService, header: str) -> None:
    response = post(service, "{ viewer { name } }", Authorization=header)
    assert response.status_code == 401
    assert codes(response) == {"UNAUTHENTICATED"}
    assert response.json()["data"] is None


def test_anonymous_reads_are_allowed_outside_production(service: RunningService) -> None:
    response = post(service, "{ viewer { name role } actors { totalCount } }")
    assert response.status_code == 200
    assert response.json()["data"]["viewer"] == {"name": "anonymous", "role": None}


def test_viewer_names_the_caller(service: RunningService, reader_token: str) -> None:
    response = post(service, "{ viewer { name role } }", **auth(reader_token))
    assert response.json()["data"]["viewer"] == {"name": "test-reader", "role": "READER"}


async def test_admins_manage_tokens_over_graphql(
    service: RunningService, module_db_url: str, admin_token: str
) -> None:
    created = post(
        service,
        'mutation { createToken(input: {name: "app-one", role: EDITOR}) '
        "{ token { name role revokedAt } secret errors { code } } }",
        **auth(admin_token),
    ).json()["data"]["createToken"]
    assert created["errors"] == []
    assert created["token"] == {"name": "app-one", "role": "EDITOR", "revokedAt": None}
    secret = created["secret"]
    assert secret.startswith("pr_")

    # The new token works at once, and is listed (with its last use) but never shown again.
    wrote = post(service, CREATE_ACTOR, {"slug": "by-app-one"}, **auth(secret))
    assert wrote.json()["data"]["createActor"]["errors"] == []
    listed = post(service, "{ tokens { name role lastUsedAt revokedAt } }", **auth(admin_token))
    assert secret not in listed.text
    app_one = next(t for t in listed.json()["data"]["tokens"] if t["name"] == "app-one")
    assert app_one["lastUsedAt"] is not None

    duplicate = post(
        service,
        'mutation { createToken(input: {name: "app-one", role: READER}) '
        "{ secret errors { code field } } }",
        **auth(admin_token),
    ).json()["data"]["createToken"]
    assert duplicate == {"secret": None, "errors": [{"code": "CONFLICT", "field": "name"}]}
    invalid = post(
        service,
        'mutation { createToken(input: {name: "seed", role: READER}) { errors { code } } }',
        **auth(admin_token),
    ).json()["data"]["createToken"]
    assert invalid["errors"] == [{"code": "INVALID"}]

    revoked = post(
        service,
        'mutation { revokeToken(input: {name: "app-one"}) '
        "{ token { revokedAt } errors { code } } }",
        **auth(admin_token),
    ).json()["data"]["revokeToken"]
    assert revoked["errors"] == []
    assert revoked["token"]["revokedAt"] is not None
    after = post(service, CREATE_ACTOR, {"slug": "too-late"}, **auth(secret))
    assert after.status_code == 401
    assert "revoked" in after.text
    missing = post(
        service,
        'mutation { revokeToken(input: {name: "nobody"}) { errors { code } } }',
        **auth(admin_token),
    ).json()["data"]["revokeToken"]
    assert missing["errors"] == [{"code": "NOT_FOUND"}]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "text/plain",
        "text/plain; charset=application/json",
    ],
)
async def test_posts_a_browser_form_could_send_are_refused(
    service: RunningService, module_db_url: str, editor_token: str, content_type: str
) -> None:
    body = json.dumps({"query": CREATE_ACTOR, "variables": {"slug": "cross-site"}})
    if content_type.startswith("multipart"):
        part = 'Content-Disposition: form-data; name="operations"'
        body = f"--xyz\r\n{part}\r\n\r\n{body}\r\n--xyz--\r\n"
    before = await written(module_db_url)
    response = httpx.post(
        f"{service.url}/graphql",
        content=body.encode(),
        headers={"content-type": content_type, **auth(editor_token)},
    )
    assert_refusal(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert response.headers["accept-post"] == "application/json"
    assert await written(module_db_url) == before


def test_mutations_are_never_run_over_get(service: RunningService, editor_token: str) -> None:
    response = httpx.get(
        f"{service.url}/graphql",
        params={
            "query": 'mutation { createActor(input: {slug: "g", kind: STATE, name: "G"}) '
            "{ errors { code } } }"
        },
        headers={"accept": "application/json", **auth(editor_token)},
    )
    assert_refusal(response, 405, "METHOD_NOT_ALLOWED")


async def _ws_exchange(
    url: str, payload: dict[str, Any], query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any] | None, int | None]:
    """Init with `payload`, run `query`; the result message, or the close code."""
    ws_url = url.replace("http://", "ws://") + "/graphql"
    try:
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await ws.recv())
            assert ack["type"] == "connection_ack"
            operation = {"query": query, "variables": variables or {}}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": operation}))
            return json.loads(await ws.recv()), None
    except websockets.ConnectionClosed as closed:
        return None, closed.rcvd.code if closed.rcvd else None


async def test_websocket_clients_authenticate_in_connection_init(
    service: RunningService, editor_token: str, reader_token: str
) -> None:
    for payload in ({"Authorization": f"Bearer {editor_token}"}, {"token": editor_token}):
        message, _ = await _ws_exchange(service.url, payload, "{ viewer { name role } }")
        assert message is not None
        assert message["payload"]["data"]["viewer"] == {"name": "test-editor", "role": "EDITOR"}

    created, _ = await _ws_exchange(
        service.url,
        {"token": editor_token},
        CREATE_ACTOR,
        {"slug": "over-ws"},
    )
    assert created is not None
    assert created["payload"]["data"]["createActor"]["errors"] == []

    for payload, code in (({}, "UNAUTHENTICATED"), ({"token": reader_token}, "FORBIDDEN")):
        refused, _ = await _ws_exchange(service.url, payload, MUTATIONS["createActor"])
        assert refused is not None
        assert [e["extensions"]["code"] for e in refused["payload"]["errors"]] == [code]


@pytest.mark.parametrize(
    "payload",
    [{"token": "pr_1_wrong"}, {"Authorization": "Basic abc"}, {"token": 42}],
)
async def test_a_websocket_with_a_bad_token_is_closed(
    service: RunningService, payload: dict[str, Any]
) -> None:
    message, code = await _ws_exchange(service.url, payload, "{ viewer { name } }")
    assert message is None
    assert code == 4403


# A service as production would run it for access: no anonymous reads, CORS for one
# origin, one allowed host.
APP_ORIGIN = "https://app.example.org"


@pytest.fixture(scope="module")
async def strict_db_url(pg_dsn: str, template_db: str) -> AsyncIterator[str]:
    name = await clone_database(pg_dsn, template_db)
    yield with_database(pg_dsn, name)
    await drop_database(pg_dsn, name)


@pytest.fixture(scope="module")
def strict(
    strict_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {
        "ALLOW_ANONYMOUS_READS": "false",
        "CORS_ORIGINS": APP_ORIGIN,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    with run_service(strict_db_url, tmp_path_factory.mktemp("strict"), env) as running:
        yield running


def test_without_anonymous_reads_a_token_is_needed_to_read(
    strict: RunningService, strict_db_url: str
) -> None:
    refused = post(strict, "{ actors { totalCount } }")
    assert refused.status_code == 401
    assert codes(refused) == {"UNAUTHENTICATED"}
    reader = create_token(strict_db_url, "strict-reader", "reader")
    allowed = post(strict, "{ actors { totalCount } }", **auth(reader))
    assert allowed.status_code == 200
    assert "errors" not in allowed.json()


async def test_without_anonymous_reads_an_anonymous_websocket_is_closed(
    strict: RunningService,
) -> None:
    message, code = await _ws_exchange(strict.url, {}, "{ viewer { name } }")
    assert message is None
    assert code == 4403


def test_cors_lets_only_the_configured_origin_in(strict: RunningService) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    allowed = httpx.options(f"{strict.url}/graphql", headers={"Origin": APP_ORIGIN, **preflight})
    assert allowed.status_code in (200, 204)
    assert allowed.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    other = httpx.options(
        f"{strict.url}/graphql", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in other.headers
    simple = httpx.post(
        f"{strict.url}/graphql",
        json={"query": "{ __typename }"},
        headers={"Origin": APP_ORIGIN},
    )
    assert simple.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "ratelimit-remaining" in simple.headers["access-control-expose-headers"].lower()


def test_only_allowed_hosts_are_answered(strict: RunningService) -> None:
    assert httpx.get(f"{strict.url}/health/live").status_code == 200
    refused = httpx.get(f"{strict.url}/health/live", headers={"Host": "evil.example"})
    assert refused.status_code == 400
