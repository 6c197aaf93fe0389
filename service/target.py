"""Which database a command talks to: DATABASE_URL, or the embedded server it starts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from service.settings import Settings


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """Yield a DSN; with no DATABASE_URL, run the embedded server for the block's duration."""
    if settings.database_url:
        yield settings.database_url
        return
    from service.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(data_dir=settings.data_path, port=settings.embedded_pg_port)
    dsn = server.start()
    try:
        yield dsn
    finally:
        server.stop()
