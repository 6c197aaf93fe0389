"""What every admin subcommand shares: one-line errors, settings, a database connection."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import click

from service.database.embedded import EmbeddedPostgresError
from service.database.migrate import MigrationError
from service.settings import Settings, SettingsError, load_settings
from service.target import database

T = TypeVar("T")


class CommandError(click.ClickException):
    """A one-line error for the operator, exit status 1."""


def command_settings(**overrides: str | int | None) -> Settings:
    """The settings from the environment, with the command line's overrides."""
    try:
        return load_settings(None, **{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        raise CommandError(str(exc)) from None


def run_with_connection(settings: Settings, fn: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Open the configured database (starting the embedded one if needed) and run `fn`."""

    async def go(dsn: str) -> T:
        conn = await asyncpg.connect(dsn)
        try:
            return await fn(conn)
        finally:
            await conn.close()

    try:
        with database(settings) as dsn:
            return asyncio.run(go(dsn))
    except EmbeddedPostgresError as exc:
        raise CommandError(str(exc)) from None
    except MigrationError as exc:
        raise CommandError(str(exc)) from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise CommandError(f"cannot use the database: {exc}") from None
