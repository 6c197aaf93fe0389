"""The admin command: `python -m service` (also the `position-record` script)."""

from __future__ import annotations

import sys

import asyncpg
import click

from service.access.cli import tokens
from service.command_support import CommandError, command_settings, run_with_connection
from service.database import migrate as migrations
from service.database.embedded import EmbeddedPostgresError
from service.seeds.cli import seed
from service.settings import SettingsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="position-record", prog_name="position-record")
def main() -> None:
    """Position Record: a sourced record of negotiation positions, served over GraphQL.

    Settings come from environment variables (docs/OPERATIONS.md lists them); with no
    DATABASE_URL every command uses the embedded PostgreSQL in DATA_DIR.
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
    # Imported when used: the server pulls in the whole schema (~1 s), which the other
    # subcommands (tokens, seed, db) should not wait for.
    from service.server import serve as run_server

    settings = command_settings(host=host, port=port, workers=workers)
    try:
        run_server(settings)
    except Exception as exc:
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

    applied = run_with_connection(command_settings(), go)
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

    status = run_with_connection(command_settings(), go)
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
    # Imported when used, as `serve` does: building the schema is the slow part.
    from service.graphql.schema import build_schema

    sdl = build_schema(command_settings()).as_str() + "\n"
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

    settings = command_settings()
    for folder in default_folders(settings.trusted_documents_dir):
        for path in sorted(folder.glob("*.graphql")):
            click.echo(f"{document_hash(path.read_text(encoding='utf-8'))}  {path.name}")


main.add_command(seed)
main.add_command(tokens)
