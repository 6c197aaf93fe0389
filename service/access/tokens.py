"""API tokens: create, list, revoke, and authenticate `pr_<id>_<secret>` bearer tokens.

Only sha256(secret) is stored: a leaked database does not leak usable tokens. The id in
the token finds the row in one indexed lookup; the hashes are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Annotated, Any

import asyncpg
import msgspec

from service.access.roles import Caller, Role
from service.access.token_cache import TokenCache
from service.database.named_queries import query
from service.errors import Conflict, Invalid, NotFound, Unauthenticated
from service.record.fields import ascii_number

PREFIX = "pr_"
# Names show up in the change history as who wrote: short, lower-case, unambiguous.
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
RESERVED_NAMES = frozenset({"seed", "anonymous"})
_MAX_ID_DIGITS = 18  # fits a bigint: longer "ids" are garbage, not a lookup

Executor = Any  # asyncpg.Pool or asyncpg.Connection


class ApiToken(msgspec.Struct, frozen=True, kw_only=True):
    """A token as listed: never its secret."""

    id: int
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewToken(msgspec.Struct, frozen=True, kw_only=True):
    """A validated request for a token."""

    name: Annotated[str, msgspec.Meta(pattern=NAME_PATTERN)]
    role: Role


def new_token_command(name: str, role: str) -> NewToken:
    """Validate a token's name and role.

    Raises:
        Invalid: naming the field at fault.
    """
    if name in RESERVED_NAMES:
        raise Invalid(f"{name!r} is reserved for the service's own writes", field="name")
    try:
        return msgspec.convert({"name": name, "role": role}, NewToken)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).rpartition(" - at `$.")
        field = where.rstrip("`") or None
        if field == "name":
            message = "a name is 1-63 lower-case letters, digits, '.', '_' or '-'"
        raise Invalid(message or str(exc), field=field) from None


def hash_secret(secret: str) -> bytes:
    """What is stored of a secret."""
    return hashlib.sha256(secret.encode()).digest()


def format_token(token_id: int, secret: str) -> str:
    """The bearer token a client sends."""
    return f"{PREFIX}{token_id}_{secret}"


def parse_token(token: str) -> tuple[int, str] | None:
    """Id and secret of a bearer token; None when it is not shaped like ours."""
    if token_shape_problem(token) is not None:
        return None
    number, secret = _parts(token)
    return (number, secret) if number is not None else None


def token_shape_problem(token: str) -> str | None:
    """What makes `token` no `pr_<id>_<secret>` token, in words; None when it is one."""
    if not token.startswith(PREFIX):
        return f"not a Position Record token (they start with {PREFIX!r})"
    number, secret = _parts(token)
    if number is None:
        return f"a Position Record token is {PREFIX}<id>_<secret>, with an id in digits"
    if number >= 10**_MAX_ID_DIGITS:
        return f"this token's id is longer than any token's ({_MAX_ID_DIGITS} digits at most)"
    if not secret:
        return f"a Position Record token is {PREFIX}<id>_<secret>; this one has no secret"
    return None


def _parts(token: str) -> tuple[int | None, str]:
    number, sep, secret = token[len(PREFIX) :].partition("_")
    return (ascii_number(number) if sep else None), secret


def _token(row: asyncpg.Record) -> ApiToken:
    return msgspec.convert({k: row[k] for k in ApiToken.__struct_fields__}, ApiToken)


async def create_token(conn: Executor, command: NewToken) -> tuple[ApiToken, str]:
    """Store a new token; return it and the bearer token (the only time it is known).

    Raises:
        Conflict: a token of this name exists (revoked ones too: names are never reused).
    """
    secret = secrets.token_urlsafe(32)
    try:
        row = await conn.fetchrow(
            query("tokens", "insert_token"), command.name, command.role.value, hash_secret(secret)
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(
            f"a token named {command.name!r} exists already (names are never reused)",
            field="name",
        ) from None
    token = _token(row)
    return token, format_token(token.id, secret)


async def list_tokens(executor: Executor, *, include_revoked: bool = True) -> list[ApiToken]:
    """Every token by name."""
    rows = await executor.fetch(query("tokens", "list_tokens"), include_revoked)
    return [_token(r) for r in rows]


async def revoke_token(conn: Executor, name: str) -> tuple[ApiToken, bool]:
    """Revoke a token by name; return it and whether it was revoked already.

    Raises:
        NotFound: no token has this name.
    """
    row = await conn.fetchrow(query("tokens", "revoke_token"), name)
    if row is None:
        raise NotFound(f"no token named {name!r}", field="name")
    return _token(row), bool(row["already_revoked"])


async def authenticate(executor: Executor, token: str, cache: TokenCache | None = None) -> Caller:
    """The caller a bearer token stands for (its last use noted, once a minute at most).

    Args:
        cache: tokens verified recently (no lookup for them), and where to note this one.

    Raises:
        Unauthenticated: the token is malformed, unknown, or revoked.
    """
    parsed = parse_token(token)
    if parsed is None:
        raise Unauthenticated(token_shape_problem(token) or "not a Position Record token")
    token_id, secret = parsed
    digest = hash_secret(secret)
    if cache is not None and (known := cache.get((token_id, digest))) is not None:
        return known
    row = await executor.fetchrow(query("tokens", "authenticate_token"), token_id, digest)
    if row is None or not hmac.compare_digest(bytes(row["secret_hash"]), digest):
        raise Unauthenticated("unknown token")
    if row["revoked_at"] is not None:
        raise Unauthenticated(f"token {row['name']!r} was revoked")
    caller = Caller(name=row["name"], role=Role(row["role"]))
    if cache is not None:
        cache.put((token_id, digest), caller)
    return caller
