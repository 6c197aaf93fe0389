"""`serve`: prepare the database, then run uvicorn with the app."""

from __future__ import annotations

import asyncio
import logging
import os

import asyncpg
import click
import uvicorn
from litestar import Litestar

from service import migrate as migrations
from service.app import create_app
from service.settings import Settings, load_settings
from service.target import database

log = logging.getLogger("service.server")


async def prepare_embedded(settings: Settings, dsn: str) -> None:
    """Migrate the embedded database, and seed it when it is empty (first start)."""
    conn = await asyncpg.connect(dsn)
    try:
        applied = await migrations.migrate(conn)
        for name in applied:
            click.echo(f"applied migration {name}", err=True)
        if settings.seed_on_first_start:
            from service.seeds import is_empty, load_seeds

            if await is_empty(conn):
                report = await load_seeds(conn)
                click.echo(f"loaded the bundled seeds: {report.summary()}", err=True)
    finally:
        await conn.close()


def app_from_environment() -> Litestar:
    """The app factory uvicorn's worker processes call (settings from the environment)."""
    return create_app(load_settings())


def serve(settings: Settings) -> None:
    """Run the service until SIGINT/SIGTERM; stop the embedded database afterwards."""
    with database(settings) as dsn:
        if not settings.database_url:
            asyncio.run(prepare_embedded(settings, dsn))
        click.echo(
            f"Position Record: playground at http://{settings.host}:{settings.port}/graphql",
            err=True,
        )
        log_level = settings.log_level.lower()
        if settings.workers > 1:
            # Worker processes build their own app from the environment.
            os.environ["DATABASE_URL"] = dsn
            uvicorn.run(
                "service.server:app_from_environment",
                factory=True,
                host=settings.host,
                port=settings.port,
                workers=settings.workers,
                log_level=log_level,
            )
        else:
            uvicorn.run(
                create_app(settings, dsn=dsn),
                host=settings.host,
                port=settings.port,
                log_level=log_level,
                timeout_graceful_shutdown=10,
            )
