"""`tokens create | list | revoke`: API tokens from the command line.

Uses the same database as every other command (DATABASE_URL, or the embedded server).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import asyncpg
import click

from service.access import tokens as store
from service.access.roles import Role
from service.command_support import CommandError, command_settings, run_with_connection
from service.errors import DomainError

T = TypeVar("T")

_NOT_MIGRATED = "the database has no token table: run `python -m service db migrate` first"


def _run(work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def guarded(conn: asyncpg.Connection) -> T:
        try:
            return await work(conn)
        except asyncpg.UndefinedTableError:
            raise CommandError(_NOT_MIGRATED) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    return run_with_connection(command_settings(), guarded)


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


@click.group()
def tokens() -> None:
    """API tokens: `Authorization: Bearer <token>` on every request.

    Roles: reader (queries), editor (also mutations), admin (also token management).
    """


@tokens.command("create")
@click.option("--name", required=True, help="Unique name, recorded as the author of writes.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="reader, editor or admin.",
)
def tokens_create(name: str, role: str) -> None:
    """Create a token and print it (on stdout, alone: it is shown this once)."""
    command = _run_command(name, role)

    async def go(conn: asyncpg.Connection) -> tuple[store.ApiToken, str]:
        return await store.create_token(conn, command)

    token, secret = _run(go)
    click.echo(f"created {token.role} token {token.name!r}; it is shown only now:", err=True)
    click.echo(secret)


def _run_command(name: str, role: str) -> store.NewToken:
    try:
        return store.new_token_command(name, role)
    except DomainError as exc:
        raise click.BadParameter(exc.message, param_hint=f"--{exc.field or 'name'}") from None


@tokens.command("list")
@click.option("--active", is_flag=True, help="Leave out revoked tokens.")
def tokens_list(active: bool) -> None:
    """List tokens: name, role, created, last used, revoked (never secrets)."""

    async def go(conn: asyncpg.Connection) -> list[store.ApiToken]:
        return await store.list_tokens(conn, include_revoked=not active)

    found = _run(go)
    rows = [("NAME", "ROLE", "CREATED", "LAST USED", "REVOKED")]
    rows += [
        (t.name, t.role.value, _when(t.created_at), _when(t.last_used_at), _when(t.revoked_at))
        for t in found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo(line.rstrip())
    if not found:
        click.echo("(no tokens)", err=True)


@tokens.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Revoke the token NAME: it stops working at once (its name is never reused)."""

    async def go(conn: asyncpg.Connection) -> tuple[store.ApiToken, bool]:
        return await store.revoke_token(conn, name)

    token, already = _run(go)
    if already:
        click.echo(f"token {token.name!r} was already revoked on {_when(token.revoked_at)}")
    else:
        click.echo(f"revoked token {token.name!r}")
