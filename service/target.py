"""Which database a command talks to: DATABASE_URL, or the embedded server of DATA_DIR."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from service.database.embedded_shared import shared_server
from service.settings import Settings


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """Yield a DSN; with no DATABASE_URL, use the embedded server for the block's duration.

    The embedded server is shared (service/database/embedded_shared.py): one already running on
    DATA_DIR is used as it is, one is started only when none runs, and it stops when the
    last process using it is done, never under another one.
    """
    if settings.database_url:
        yield settings.database_url
        return
    with shared_server(settings.data_path, settings.embedded_pg_port) as lease:
        yield lease.dsn
