"""A running service trusts a token it verified recently, and forgets it when told.

The proof that a verified token costs no lookup: revoked behind the service's back (in a
transaction whose triggers are off, so nothing is announced), it still works. Announced
(as the trigger of migration 0006 announces every revoke), it is refused. A revoke by
the CLI, another process, is refused as soon as its announcement is heard: within
REFUSED_WITHIN_S, a bound for a busy machine (typically a few milliseconds), and well
below TOKEN_CACHE_S (60 s), after which the token would be looked up anyway; a revoke over
the API at once.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest

from tests.api.tokens import auth, create_token, revoke_token
from tests.server import RunningService

pytestmark = [pytest.mark.db]

VIEWER = "{ viewer { name } }"
REFUSED_WITHIN_S = 15.0
REVOKE_THREE = 'mutation { revokeToken(input: {name: "cached-three"}) { errors { code } } }'


def status(service: RunningService, token: str) -> int:
    response = httpx.post(
        f"{service.url}/graphql", json={"query": VIEWER}, headers=auth(token), timeout=10
    )
    return response.status_code


async def refused_within(service: RunningService, token: str, seconds: float) -> float:
    """Seconds until the token is refused (fails past `seconds`)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await asyncio.to_thread(status, service, token) == 401:
            return time.monotonic() - started
        await asyncio.sleep(0.02)  # poll
    pytest.fail(f"the revoked token still worked after {seconds} s")


async def test_a_verified_token_is_trusted_until_a_change_is_announced(
    service: RunningService, module_db_url: str
) -> None:
    token = create_token(module_db_url, "cached-one", "reader")
    assert status(service, token) == 200  # verified, and kept
    conn = await asyncpg.connect(module_db_url)
    try:
        async with conn.transaction():
            # Replica mode runs no ordinary trigger: the revoke is not announced.
            await conn.execute("set local session_replication_role = replica")
            await conn.execute("update api_token set revoked_at = now() where name = 'cached-one'")
        assert status(service, token) == 200  # no lookup: the cache answered
        await conn.execute(
            "select pg_notify('api_token_changes', id::text) from api_token "
            "where name = 'cached-one'"
        )
    finally:
        await conn.close()
    await refused_within(service, token, REFUSED_WITHIN_S)


async def test_a_revoke_by_another_process_is_heard(
    service: RunningService, module_db_url: str
) -> None:
    token = create_token(module_db_url, "cached-two", "reader")
    assert status(service, token) == 200
    await asyncio.to_thread(revoke_token, module_db_url, "cached-two")
    await refused_within(service, token, REFUSED_WITHIN_S)


def test_a_revoke_over_the_api_is_refused_at_once(
    service: RunningService, module_db_url: str
) -> None:
    admin = create_token(module_db_url, "cache-admin", "admin")
    token = create_token(module_db_url, "cached-three", "reader")
    assert status(service, token) == 200
    revoked = httpx.post(
        f"{service.url}/graphql",
        json={
            "query": 'mutation { revokeToken(input: {name: "cached-three"}) { errors { code } } }'
        },
        headers=auth(admin),
        timeout=10,
    ).json()
    assert revoked["data"]["revokeToken"]["errors"] == []
    assert status(service, token) == 401  # the very next request
