"""API tokens in the database: only hashes stored, constant lookups, revocation, the CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import asyncpg
import pytest

from service.access.roles import Role
from service.access.tokens import (
    authenticate,
    create_token,
    list_tokens,
    new_token_command,
    parse_token,
    revoke_token,
)
from service.errors import Conflict, Invalid, NotFound, Unauthenticated
from tests.server import ROOT

pytestmark = pytest.mark.db


async def test_only_the_hash_of_the_secret_is_stored(pool: asyncpg.Pool) -> None:
    token, bearer = await create_token(pool, new_token_command("ci", "editor"))
    token_id, secret = parse_token(bearer) or (0, "")
    assert bearer.startswith(f"pr_{token.id}_")
    assert token_id == token.id
    assert len(secret) >= 43  # 32 random bytes, base64url
    row = await pool.fetchrow("select * from api_token where id = $1", token.id)
    assert bytes(row["secret_hash"]) == hashlib.sha256(secret.encode()).digest()
    assert secret not in " ".join(str(v) for v in dict(row).values())
    assert (token.name, token.role, token.revoked_at) == ("ci", Role.EDITOR, None)


async def test_authenticate_gives_the_caller(pool: asyncpg.Pool) -> None:
    _, bearer = await create_token(pool, new_token_command("bot", "admin"))
    caller = await authenticate(pool, bearer)
    assert (caller.name, caller.role) == ("bot", Role.ADMIN)


@pytest.mark.parametrize(
    "bad",
    ["", "secret", "pr_", "pr_1", "pr_x_secret", "pr_1_", "pr_99999999999999999999_s", "Bearer x"],
)
async def test_malformed_tokens_are_refused_without_a_lookup(pool: asyncpg.Pool, bad: str) -> None:
    with pytest.raises(Unauthenticated):
        await authenticate(pool, bad)


async def test_a_wrong_secret_or_unknown_id_is_refused(pool: asyncpg.Pool) -> None:
    token, bearer = await create_token(pool, new_token_command("ci", "reader"))
    with pytest.raises(Unauthenticated, match="unknown token"):
        await authenticate(pool, bearer[:-2] + "xx")
    with pytest.raises(Unauthenticated, match="unknown token"):
        await authenticate(pool, f"pr_{token.id + 1000}_{bearer.rsplit('_', 1)[-1]}")
    # A failed attempt does not count as a use.
    assert await pool.fetchval("select last_used_at from api_token") is None


async def test_last_used_is_noted_at_most_once_a_minute(pool: asyncpg.Pool) -> None:
    _, bearer = await create_token(pool, new_token_command("ci", "reader"))
    await authenticate(pool, bearer)
    first = await pool.fetchval("select last_used_at from api_token")
    assert first is not None
    await authenticate(pool, bearer)
    assert await pool.fetchval("select last_used_at from api_token") == first
    await pool.execute("update api_token set last_used_at = now() - interval '61 seconds'")
    await authenticate(pool, bearer)
    assert await pool.fetchval("select last_used_at from api_token") > first


async def test_a_revoked_token_stops_working(pool: asyncpg.Pool) -> None:
    _, bearer = await create_token(pool, new_token_command("ci", "editor"))
    token, already = await revoke_token(pool, "ci")
    assert token.revoked_at is not None
    assert not already
    with pytest.raises(Unauthenticated, match="revoked"):
        await authenticate(pool, bearer)
    again, already = await revoke_token(pool, "ci")
    assert already
    assert again.revoked_at == token.revoked_at
    with pytest.raises(NotFound):
        await revoke_token(pool, "nobody")


async def test_names_are_unique_forever_and_validated(pool: asyncpg.Pool) -> None:
    await create_token(pool, new_token_command("ci", "editor"))
    await revoke_token(pool, "ci")
    with pytest.raises(Conflict):
        await create_token(pool, new_token_command("ci", "editor"))
    for name in ("seed", "anonymous", "Upper", "", "a b", "x" * 64):
        with pytest.raises(Invalid):
            new_token_command(name, "editor")
    with pytest.raises(Invalid):
        new_token_command("ok", "superuser")


async def test_list_leaves_out_revoked_on_request(pool: asyncpg.Pool) -> None:
    await create_token(pool, new_token_command("b", "editor"))
    await create_token(pool, new_token_command("a", "reader"))
    await revoke_token(pool, "b")
    assert [t.name for t in await list_tokens(pool)] == ["a", "b"]
    assert [t.name for t in await list_tokens(pool, include_revoked=False)] == ["a"]


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", "tokens", *args],
        env={**os.environ, "DATABASE_URL": db_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.slow
async def test_cli_create_list_revoke(db_url: str, pool: asyncpg.Pool) -> None:
    created = _cli(db_url, "create", "--name", "ci-bot", "--role", "editor")
    assert created.returncode == 0, created.stderr
    bearer = created.stdout.strip()
    assert bearer.startswith("pr_")
    assert "\n" not in bearer
    assert "shown only now" in created.stderr
    assert (await authenticate(pool, bearer)).name == "ci-bot"

    listed = _cli(db_url, "list")
    assert listed.returncode == 0, listed.stderr
    header, line = listed.stdout.splitlines()
    assert header.split() == ["NAME", "ROLE", "CREATED", "LAST", "USED", "REVOKED"]
    assert line.startswith("ci-bot")
    assert "editor" in line
    assert bearer.rsplit("_", 1)[-1] not in listed.stdout

    revoked = _cli(db_url, "revoke", "ci-bot")
    assert revoked.returncode == 0
    assert "revoked token 'ci-bot'" in revoked.stdout
    assert _cli(db_url, "list", "--active").stdout.splitlines()[1:] == []
    with pytest.raises(Unauthenticated):
        await authenticate(pool, bearer)


@pytest.mark.slow
def test_cli_refuses_with_one_line(db_url: str) -> None:
    assert _cli(db_url, "create", "--name", "a", "--role", "editor").returncode == 0
    duplicate = _cli(db_url, "create", "--name", "a", "--role", "editor")
    assert duplicate.returncode == 1
    assert "exists already" in duplicate.stderr
    assert duplicate.stdout == ""
    assert _cli(db_url, "create", "--name", "Bad Name", "--role", "editor").returncode == 2
    assert _cli(db_url, "create", "--name", "b", "--role", "root").returncode == 2
    missing = _cli(db_url, "revoke", "nobody")
    assert missing.returncode == 1
    assert "no token named 'nobody'" in missing.stderr
