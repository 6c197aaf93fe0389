"""`seed load` and `seed export`: the command-line face of service/seeds.

The main CLI adds the group: `from service.seeds.cli import seed; main.add_command(seed)`.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import click

from service.database.migrate import MigrationError
from service.resources import data_dir
from service.seeds.connect import connection, resolve_dsn
from service.seeds.entries import Seeds
from service.seeds.export import export
from service.seeds.loader import apply_seeds, is_empty
from service.seeds.parse import collect_seeds
from service.seeds.problems import SeedError
from service.seeds.report import LoadReport, ProgressLine
from service.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

_DATABASE_URL_HELP = (
    "PostgreSQL DSN to use. Default: the DATABASE_URL environment variable, else the "
    "embedded server in DATA_DIR. Pending migrations are applied first."
)


@click.group(help="Load the seed record into the database, or export the record as seeds.")
def seed() -> None:
    """The `seed` command group."""


@seed.command(
    "load",
    help=(
        "Validate seed files and upsert them in one transaction. PATHS are .yaml/.yml/.json "
        "files or folders of them (default: the bundled seeds). Every problem is reported "
        "and nothing is written when any is found. Records not in the seeds are kept."
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change, then roll back.")
@click.option("--database-url", metavar="DSN", help=_DATABASE_URL_HELP)
@click.option("--verbose", "-v", is_flag=True, help="List every record created or updated.")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only into a record that holds nothing yet (a deployment's first start), so "
    "a repeated run never undoes edits made through the API.",
)
def load_command(
    paths: tuple[Path, ...], dry_run: bool, database_url: str | None, verbose: bool, if_empty: bool
) -> None:
    """Validate, then load."""
    try:
        # Validation first: a typo must not cost an embedded server start.
        seeds = collect_seeds(paths or [data_dir("seeds")])
    except SeedError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    settings = _settings(database_url)
    report = _run(_load(settings, seeds, dry_run, if_empty))
    if report is None:
        click.echo("the record is not empty: nothing loaded (--if-empty)")
        return
    if dry_run or verbose:
        prefix = "would " if dry_run else ""
        for change in report.changes:
            click.echo(f"{prefix}{change}")
    click.echo(report.summary_table())


@seed.command(
    "export",
    help=(
        "Write the current record as seed files (00-sources.yaml ... 50-stances.yaml) in "
        "the bundled layout. Files of those names in DIR are replaced."
    ),
)
@click.option(
    "--output", "-o", "output", type=click.Path(file_okay=False, path_type=Path),
    default=Path("seed-export"), show_default=True, help="Folder to write the files to.",
)  # fmt: skip
@click.option("--database-url", metavar="DSN", help=_DATABASE_URL_HELP)
def export_command(output: Path, database_url: str | None) -> None:
    """Export."""
    settings = _settings(database_url)

    async def run() -> None:
        async with resolve_dsn(settings) as dsn, connection(dsn) as conn:
            result = await export(conn, output)
        for path in result.files:
            click.echo(f"wrote {path}")
        for note in result.skipped:
            click.echo(f"not exported: {note}", err=True)

    _run(run())


async def _load(
    settings: Settings, seeds: Seeds, dry_run: bool, if_empty: bool
) -> LoadReport | None:
    async with resolve_dsn(settings) as dsn, connection(dsn) as conn:
        if if_empty and not await is_empty(conn):
            return None
        progress = ProgressLine(sys.stderr)
        return await apply_seeds(conn, seeds, dry_run=dry_run, progress=progress)


def _settings(database_url: str | None) -> Settings:
    try:
        return load_settings(database_url=database_url) if database_url else load_settings()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; a database that cannot be reached is one line, not a trace."""
    try:
        return asyncio.run(coroutine)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, MigrationError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
