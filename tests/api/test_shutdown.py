"""SIGTERM under load: no request is cut, the pool and embedded PostgreSQL stop, exit 0.

Many clients send requests in a loop, each on a new connection, and SIGTERM arrives in the
middle. A request the server took in (it wrote an access line for it) must be answered in
full with a 200. Others may be refused (nothing listens any more) or, once SIGTERM is sent,
dropped unanswered if they waited in the kernel's queue when the server closed its socket:
the client tells those apart, and a dropped request must have no access line. Then the
process must exit 0 within seconds, the pool must have closed its connections before
PostgreSQL stopped, and no postgres process may be left.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from service.database.embedded_process import cluster_processes
from tests.pg import free_port
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.slow]

CLIENTS = 32
# SIGTERM comes once the server is under load: every client answered at least once
# (a fixed delay is too short when a slow machine warms up 32 connections at once).
LOAD_WITHIN_S = 15.0
EXIT_WITHIN_S = 10.0
# Requests that use the pool (readiness) and the GraphQL executor (introspection is a few
# milliseconds of work): both must finish while the server shuts down.
REQUESTS = [
    ("GET", "/health/ready", None),
    ("POST", "/graphql", {"query": "{ __schema { types { name fields { name } } } }"}),
]


@dataclass
class Tally:
    """What the clients saw."""

    answered: int = 0
    answered_after_sigterm: int = 0
    refused: int = 0
    """Connections refused: nothing listened."""
    dropped: list[str] = field(default_factory=list)
    """Request ids sent on a connection that closed before any answer (after SIGTERM)."""
    broken: list[str] = field(default_factory=list)
    sigterm_at: float | None = None
    loaded: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once as many requests were answered as there are clients."""


@pytest.fixture
def embedded_service() -> Iterator[tuple[RunningService, Path]]:
    """The service on its own embedded PostgreSQL, and that server's data folder."""
    tmp = Path(tempfile.mkdtemp(prefix="position-record-shutdown-"))
    tmp.chmod(0o755)  # PostgreSQL runs as another user when we are root
    data = tmp / "data"
    env = {
        "DATA_DIR": str(data),
        "EMBEDDED_PG_PORT": str(free_port()),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",  # access lines of /health/ready are DEBUG
        "RATE_LIMIT": "0",  # 32 clients from one address would soon be throttled
    }
    try:
        with run_service(None, tmp, env) as service:
            yield service, data
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _client(service: RunningService, number: int, tally: Tally) -> None:
    # No keep-alive: every request opens a connection, so after SIGTERM each one either
    # reaches the server before it stops listening, or is refused.
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=service.url, limits=limits, timeout=15) as client:
        for i in range(10_000):
            method, path, body = REQUESTS[(number + i) % len(REQUESTS)]
            request_id = f"shutdown-{number}-{i}"
            try:
                headers = {"x-request-id": request_id}
                async with client.stream(method, path, json=body, headers=headers) as response:
                    # From here on the server has started answering: it must finish.
                    try:
                        content = await response.aread()
                        json.loads(content)
                    except (httpx.HTTPError, ValueError) as exc:
                        tally.broken.append(f"{path}: cut after the headers: {exc!r}")
                        return
            except httpx.ConnectError:
                tally.refused += 1  # nothing listens
                if tally.sigterm_at is not None:
                    return
                await asyncio.sleep(0.01)  # a moment before retrying
                continue
            except httpx.TransportError as exc:
                # Connected, request sent, then closed without an answer.
                if tally.sigterm_at is None:
                    tally.broken.append(f"{path}: dropped before SIGTERM: {exc!r}")
                else:
                    tally.dropped.append(request_id)
                return
            if response.status_code != 200:
                tally.broken.append(f"{path}: status {response.status_code}")
                return
            tally.answered += 1
            if tally.answered >= CLIENTS:
                tally.loaded.set()
            if tally.sigterm_at is not None:
                tally.answered_after_sigterm += 1


def _access_lines(log: str) -> list[dict[str, object]]:
    lines = []
    for text in log.splitlines():
        if text.startswith("{"):
            entry = json.loads(text)
            if entry.get("event") == "request" and entry.get("logger") == "service.access":
                lines.append(entry)
    return lines


async def test_sigterm_finishes_in_flight_requests_and_stops_cleanly(
    embedded_service: tuple[RunningService, Path],
) -> None:
    service, data = embedded_service
    tally = Tally()
    clients = [asyncio.create_task(_client(service, n, tally)) for n in range(CLIENTS)]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.loaded.wait(), LOAD_WITHIN_S)
    assert tally.answered > 0, "no request was answered before SIGTERM"

    tally.sigterm_at = time.monotonic()
    service.process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(asyncio.gather(*clients), EXIT_WITHIN_S)
    code = await asyncio.to_thread(service.process.wait, EXIT_WITHIN_S)
    stopped_after = time.monotonic() - tally.sigterm_at
    log = service.log()

    assert not tally.broken, tally.broken
    assert code == 0, f"exit code {code}:\n{log[-3000:]}"
    assert stopped_after < EXIT_WITHIN_S
    # Every request the server took in was answered, in full, with a 200.
    served = [line for line in _access_lines(log) if line["path"] in {p for _, p, _ in REQUESTS}]
    assert Counter(line["status"] for line in served) == {200: tally.answered}
    # A dropped request was never taken in: the server wrote no line for it.
    taken_in = {line.get("request_id") for line in served}
    assert len(taken_in) == len(served), "access lines without their own request id"
    assert not taken_in & set(tally.dropped), "requests taken in, then dropped unanswered"
    print(
        f"\nanswered {tally.answered} ({tally.answered_after_sigterm} after SIGTERM), "
        f"refused {tally.refused}, dropped before being taken in {len(tally.dropped)}"
    )
    assert tally.answered_after_sigterm > 0, "nothing was in flight at SIGTERM"

    assert not cluster_processes((data / "pgdata").resolve()), "a postgres process is left"
    postgres_log = (data / "postgres.log").read_text(errors="replace")
    # The pool said goodbye before PostgreSQL stopped: no connection was cut by its shutdown.
    assert "terminating connection due to administrator command" not in postgres_log
    assert "unexpected EOF" not in postgres_log
    assert "database system is shut down" in postgres_log
    assert json.loads(log.strip().splitlines()[-1])["event"] == "stopped"


def test_sigkill_of_the_service_leaves_no_postgres_behind(
    embedded_service: tuple[RunningService, Path],
) -> None:
    service, data = embedded_service
    pgdata = data / "pgdata"
    running = cluster_processes(pgdata)
    assert running, "the service should be running its embedded PostgreSQL"
    service.process.send_signal(signal.SIGKILL)
    service.process.wait(timeout=30)
    # No chance to clean up: the server's parent-death signal must stop it on its own.
    deadline = time.monotonic() + 10
    while cluster_processes(pgdata) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cluster_processes(pgdata) == []
