"""The admin command: `python -m service` (also the `position-record` script)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import click

from service import migrate as migrations
from service.access.cli import tokens
from service.seeds.cli import seed
from service.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


class CommandError(click.ClickException):
    """A one-line error for the operator, exit status 1."""


def _settings(**overrides: str | int | None) -> Settings:
    try:
        return load_settings(None, **{k: v for k, v in overrides.items() if v is not None})
    except SettingsError as exc:
        raise CommandError(str(exc)) from None


def run_with_connection(settings: Settings, fn: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Open the configured database (starting the embedded one if needed) and run `fn`."""
    from service.embedded import EmbeddedPostgresError
    from service.target import database

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
    except migrations.MigrationError as exc:
        raise CommandError(str(exc)) from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise CommandError(f"cannot use the database: {exc}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Position Record: a sourced record of negotiation positions, served over GraphQL.

    Settings come from environment variables (see README); with no DATABASE_URL every
    command uses the embedded PostgreSQL in DATA_DIR.
    """


@main.command()
@click.option("--host", help="Address to bind (overrides HOST).")
@click.option("--port", type=int, help="Port to bind (overrides PORT).")
@click.option("--workers", type=int, help="Worker processes (overrides WORKERS).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Run the HTTP server (GraphQL at /graphql).

    With the embedded database, pending migrations are applied first, and the bundled
    seeds are loaded into an empty record (unless SEED_ON_FIRST_START=false).
    """
    from service.server import serve as run_server

    settings = _settings(host=host, port=port, workers=workers)
    try:
        run_server(settings)
    except Exception as exc:
        from service.embedded import EmbeddedPostgresError

        if isinstance(exc, EmbeddedPostgresError | migrations.MigrationError | SettingsError):
            raise CommandError(str(exc)) from None
        raise


@main.group()
def db() -> None:
    """Database schema: apply migrations, show their status."""


@db.command("migrate")
def db_migrate() -> None:
    """Apply pending migrations (each in its own transaction, under an advisory lock)."""

    async def go(conn: asyncpg.Connection) -> list[str]:
        return await migrations.migrate(conn)

    applied = run_with_connection(_settings(), go)
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo("nothing to apply: the database is up to date")


@db.command("status")
def db_status() -> None:
    """List applied and pending migrations."""

    async def go(conn: asyncpg.Connection) -> migrations.Status:
        return await migrations.status(conn)

    status = run_with_connection(_settings(), go)
    for name in status.applied:
        click.echo(f"applied  {name}")
    for name in status.pending:
        click.echo(f"pending  {name}")
    click.echo(f"{len(status.applied)} applied, {len(status.pending)} pending")


@main.group()
def schema() -> None:
    """The GraphQL schema as SDL."""


@schema.command("export")
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout."
)
def schema_export(output: str | None) -> None:
    """Print (or write) the SDL the code builds: graphql/schema.graphql must equal it."""
    from service.api.schema import build_schema

    sdl = build_schema(_settings()).as_str() + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(sdl)
    else:
        sys.stdout.write(sdl)


@schema.command("documents")
def schema_documents() -> None:
    """List the registered (trusted) documents: id, then file name.

    Clients send `{"documentId": "<id>"}` instead of the text; with
    TRUSTED_DOCUMENTS_ONLY=true nothing else runs.
    """
    from service.http.trusted_documents import default_folders, document_hash

    settings = _settings()
    for folder in default_folders(settings.trusted_documents_dir):
        for path in sorted(folder.glob("*.graphql")):
            click.echo(f"{document_hash(path.read_text(encoding='utf-8'))}  {path.name}")


main.add_command(seed)
main.add_command(tokens)
