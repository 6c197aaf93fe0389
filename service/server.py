"""`serve`: prepare the database, run uvicorn with the app, stop cleanly on SIGTERM.

On the embedded database, `serve` holds DATA_DIR's serve lock (a second `serve` on the
folder stops at once, saying so), uses the folder's shared server (starting it if none
runs: service/database/embedded_shared.py), and supervises it
(service/database/embedded_supervisor.py).

Shutdown order on SIGTERM (or Ctrl-C): uvicorn stops accepting connections, lets
in-flight requests finish (SHUTDOWN_TIMEOUT_S at most), runs the app's shutdown (the pool
closes), returns; then the supervision ends, the embedded PostgreSQL is stopped unless
another process (an admin command) still uses it, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
import uvicorn
from litestar import Litestar

from service.access.shared_budget import create_windows_file
from service.app import create_app
from service.database import migrate as migrations
from service.database.embedded_process import end_with
from service.database.embedded_shared import serve_lock, shared_server
from service.database.embedded_supervisor import LIVENESS_FILE_ENV, Supervisor, liveness_from_file
from service.database.pool import init_connection
from service.observability.logging import configure_logging
from service.observability.tracing_switch import tracing_from_environment
from service.resources import data_dir
from service.seeds import is_empty, load_seeds
from service.settings import Settings, load_settings

log = logging.getLogger("service.server")


async def prepare_embedded(settings: Settings, dsn: str) -> None:
    """Migrate the embedded database, and seed it when it is empty (first start)."""
    conn = await asyncpg.connect(dsn)
    try:
        await init_connection(conn)  # the seed loader writes jsonb
        applied = await migrations.migrate(conn)
        for name in applied:
            log.info("applied migration %s", name)
        if settings.seed_on_first_start and await is_empty(conn):
            report = await load_seeds(conn, [data_dir("seeds")])
            totals = report.totals
            log.info(
                "loaded the bundled seeds: %d records from %d files",
                totals.created + totals.updated + totals.unchanged,
                len(report.files),
            )
    finally:
        await conn.close()


# Set by `serve` for its worker processes: the file their rate counts are shared in.
RATE_WINDOWS_ENV = "POSITION_RECORD_RATE_WINDOWS"
# Set by `serve` for its worker processes: its pid, so that they end when it is gone.
SERVE_PID_ENV = "POSITION_RECORD_SERVE_PID"


def app_from_environment() -> Litestar:
    """The app factory uvicorn's worker processes call (settings from the environment)."""
    serve_pid = os.environ.get(SERVE_PID_ENV)
    if serve_pid:
        # A SIGKILL of `serve` must not leave its workers serving the port alone (503s
        # forever, liveness 200): they get SIGTERM, uvicorn's graceful shutdown.
        end_with(int(serve_pid))
    settings = load_settings()
    configure_logging(settings)  # a worker is a new process: its logging starts blank
    shared = os.environ.get(RATE_WINDOWS_ENV)
    liveness = os.environ.get(LIVENESS_FILE_ENV)
    return create_app(
        settings,
        rate_windows=Path(shared) if shared else None,
        database_live=partial(liveness_from_file, Path(liveness)) if liveness else None,
        # Made in each worker: the exporter's thread does not cross into a new process.
        tracing=tracing_from_environment(),
    )


def _open_database(settings: Settings, stack: ExitStack) -> tuple[str, Supervisor | None]:
    """The DSN to serve from and, on the embedded database, its running supervisor.

    What is opened here is closed by `stack`, in reverse: the supervision ends, then the
    lease on the server (the last user stops it), then the serve lock.
    """
    if settings.database_url:
        return settings.database_url, None
    address = f"{settings.host}:{settings.port}"
    stack.enter_context(serve_lock(settings.data_path, address))
    lease = stack.enter_context(shared_server(settings.data_path, settings.embedded_pg_port))
    log.info("embedded PostgreSQL %s on port %d", lease.server_pid(), lease.port)
    asyncio.run(prepare_embedded(settings, lease.dsn))
    liveness_file = None
    if settings.workers > 1:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="position-record-")))
        liveness_file = folder / "liveness"
        os.environ[LIVENESS_FILE_ENV] = str(liveness_file)
        stack.callback(os.environ.pop, LIVENESS_FILE_ENV, None)
    return lease.dsn, stack.enter_context(Supervisor(lease, liveness_file=liveness_file))


def serve(settings: Settings) -> None:
    """Run the service until SIGINT/SIGTERM; stop the embedded database afterwards."""
    configure_logging(settings)
    # Before anything starts: a mistake in the OTEL_* variables stops `serve` at once.
    tracing = tracing_from_environment()
    server: uvicorn.Server | None = None
    with _stop_signals(lambda: server), ExitStack() as stack:
        dsn, supervisor = _open_database(settings, stack)
        log.info(
            "Position Record on http://%s:%d (GraphQL at /graphql%s)",
            settings.host,
            settings.port,
            ", playground in a browser" if settings.playground_enabled else "",
        )
        if settings.workers > 1:
            if tracing is not None:
                tracing.close()  # each worker traces for itself
            _serve_workers(settings, dsn)
        else:
            live = supervisor.is_live if supervisor is not None else None
            app = create_app(settings, dsn=dsn, database_live=live, tracing=tracing)
            server = uvicorn.Server(uvicorn.Config(app, **_uvicorn_options(settings)))
            server.run()
    log.info("stopped")


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        # The event loop and HTTP parsing in C (uvloop, httptools) rather than in Python
        # (asyncio, h11): about 25 % more requests per second where a request costs little
        # (a cached answer). Named explicitly, so a missing dependency fails at start rather
        # than falling back silently. Granian measured faster still on cached answers, with
        # a worse p99 and a process of its own per worker: see bench/README.md.
        "loop": "uvloop",
        "http": "httptools",
        "log_level": settings.log_level.lower(),
        # Our logging is configured already; uvicorn's own config would replace it.
        "log_config": None,
        # One access line per request comes from our middleware (with the request id).
        "access_log": False,
        "timeout_graceful_shutdown": settings.shutdown_timeout_s,
        # No `server: uvicorn` banner: it tells a prober which parser to aim at.
        "server_header": False,
        # A websocket message is capped like an HTTP body (uvicorn's default: 16 MiB).
        "ws_max_size": settings.max_request_body_bytes,
    }


def _serve_workers(settings: Settings, dsn: str) -> None:
    """Several worker processes, each building its app from the environment."""
    os.environ["DATABASE_URL"] = dsn
    os.environ[SERVE_PID_ENV] = str(os.getpid())
    with _prometheus_multiprocess_dir(), _shared_rate_windows():
        uvicorn.run(
            "service.server:app_from_environment",
            factory=True,
            workers=settings.workers,
            **_uvicorn_options(settings),
        )


@contextmanager
def _prometheus_multiprocess_dir() -> Iterator[None]:
    """Give worker processes a shared metrics folder unless the operator set one."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    folder = tempfile.mkdtemp(prefix="position-record-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    try:
        yield
    finally:
        del os.environ["PROMETHEUS_MULTIPROC_DIR"]
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _shared_rate_windows() -> Iterator[None]:
    """A rate-limit table for the worker processes to share (see access/shared_budget.py):
    with one budget per worker, a caller could spend up to WORKERS times RATE_LIMIT."""
    folder = Path(tempfile.mkdtemp(prefix="position-record-rate-"))
    table = folder / "windows"
    create_windows_file(table)
    os.environ[RATE_WINDOWS_ENV] = str(table)
    try:
        yield
    finally:
        del os.environ[RATE_WINDOWS_ENV]
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _stop_signals(current: Callable[[], uvicorn.Server | None]) -> Iterator[None]:
    """Make SIGTERM and SIGINT stop `serve` by returning, never by dying mid-way.

    While uvicorn serves, its own handlers are in place (graceful shutdown). Once it has
    shut down it re-raises the signal it caught; with the default handlers that would kill
    the process before the embedded database is stopped, exiting 143. Here that repeat is
    ignored. Before uvicorn runs (database start, migrations), a signal raises SystemExit,
    so the `with` blocks still stop what was started.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        server = current()
        if server is not None and server.should_exit:
            return  # uvicorn has shut down (or is shutting down): nothing more to stop
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
