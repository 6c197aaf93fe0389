"""`serve` on the embedded database, as a newcomer uses it: admin commands in a second
shell share its server, a second `serve` is refused, and a killed server comes back.

Each test runs the real service (`python -m service serve`) on a DATA_DIR of its own, and
the real admin command in other processes; readiness is polled throughout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from service.database.embedded_process import cluster_processes, is_alive
from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.ws import connect
from tests.pg import free_port
from tests.server import ROOT, RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

RECORD_CHANGED = """subscription($after: String) {
  recordChanged(kinds: [ACTOR], afterChangeId: $after) { changeId id } }"""


@dataclass
class Embedded:
    """A service on an embedded PostgreSQL, and how to reach that server's files."""

    service: RunningService
    env: dict[str, str]
    data: Path

    def postmaster(self) -> int:
        """The server's pid: line 1 of postmaster.pid."""
        return int((self.data / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `python -m service ARGS` in a second shell: same DATA_DIR, no DATABASE_URL."""
        return subprocess.run(
            [sys.executable, "-m", "service", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip

    def token(self, name: str) -> str:
        created = self.command("tokens", "create", "--name", name, "--role", "editor")
        assert created.returncode == 0, created.stderr
        return created.stdout.strip()


@contextmanager
def embedded_service(extra: dict[str, str] | None = None) -> Iterator[Embedded]:
    folder = Path(tempfile.mkdtemp(prefix="position-record-embedded-"))
    folder.chmod(0o755)  # PostgreSQL runs as another user when we are root
    data = folder / "data"
    env = {
        "DATA_DIR": str(data),
        "EMBEDDED_PG_PORT": str(free_port()),
        "SEED_ON_FIRST_START": "false",
        "RATE_LIMIT": "0",
        **(extra or {}),
    }
    shell = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    try:
        with run_service(None, folder, env) as service:
            yield Embedded(service, shell, data)
        # The service stopped: its server with it, since no command uses it any more.
        assert cluster_processes((data / "pgdata").resolve()) == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def shared() -> Iterator[Embedded]:
    with embedded_service() as running:
        yield running


@dataclass
class ReadinessPoller:
    """Polls /health/ready every 50 ms from a thread: (monotonic time, status; 0 = no answer)."""

    url: str
    samples: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=5) as http:
            while not self._stop.wait(0.05):
                try:
                    status = http.get(f"{self.url}/health/ready").status_code
                except httpx.HTTPError:
                    status = 0
                self.samples.append((time.monotonic(), status))

    def first(self, status: int, after: float) -> float | None:
        """When `status` was first seen after `after`."""
        return next((t for t, s in self.samples if t > after and s == status), None)


@contextmanager
def polling_readiness(url: str) -> Iterator[ReadinessPoller]:
    poller = ReadinessPoller(url)
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    try:
        yield poller
    finally:
        poller._stop.set()
        thread.join(10)


def test_admin_commands_share_the_running_server(shared: Embedded, tmp_path: Path) -> None:
    server = shared.postmaster()
    one_by_one = [
        ("tokens", "create", "--name", "second-shell", "--role", "editor"),
        ("tokens", "list"),
        ("seed", "load"),
        ("seed", "export", "--output", str(tmp_path / "export-1")),
        ("db", "status"),
        ("db", "migrate"),
    ]
    two_at_once = [
        (("tokens", "create", "--name", "second-shell-2", "--role", "editor"), ("tokens", "list")),
        (("seed", "load"), ("seed", "export", "--output", str(tmp_path / "export-2"))),
        (("db", "status"), ("db", "migrate")),
    ]
    with polling_readiness(shared.service.url) as readiness:
        results = [shared.command(*args) for args in one_by_one]
        # The token works on a mutation at once, the server having never gone away.
        writer = Client(shared.service.url, token=results[0].stdout.strip())
        ok(writer.mutate("createActor", {"slug": "from-a-shell", "kind": "STATE", "name": "A"}))
        with ThreadPoolExecutor(2) as pool:
            for pair in two_at_once:
                results += list(pool.map(lambda args: shared.command(*args), pair))
        writer = Client(shared.service.url, token=results[6].stdout.strip())
        ok(writer.mutate("createActor", {"slug": "from-a-shell-2", "kind": "STATE", "name": "B"}))
    for result in results:
        assert result.returncode == 0, f"{result.args}: {result.stderr}"
    assert "second-shell" in results[1].stdout
    assert "nothing to apply" in results[5].stdout
    assert len(readiness.samples) > 10
    assert {status for _, status in readiness.samples} == {200}
    assert shared.postmaster() == server
    assert "fast shutdown" not in (shared.data / "postgres.log").read_text()


def test_a_second_serve_on_the_folder_is_refused_in_one_line(shared: Embedded) -> None:
    server = shared.postmaster()
    port = shared.service.url.rsplit(":", 1)[1]
    second = subprocess.run(
        [sys.executable, "-m", "service", "serve"],
        cwd=ROOT, env={**shared.env, "PORT": port, "HOST": "127.0.0.1"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    said = (second.stdout + second.stderr).strip().splitlines()
    assert second.returncode != 0
    assert len(said) == 1, said
    assert "another `serve`" in said[0]
    assert f"pid {shared.service.process.pid}" in said[0]
    assert str(shared.data) in said[0]
    assert shared.service.process.poll() is None
    assert httpx.get(f"{shared.service.url}/health/ready").status_code == 200
    assert shared.postmaster() == server


async def test_a_killed_server_comes_back_with_every_write() -> None:
    with embedded_service({"WS_PING_INTERVAL_S": "0.5"}) as running:
        url = running.service.url
        writer = Client(url, token=running.token("supervised-editor"))

        def create(slug: str) -> str:
            made = ok(writer.mutate("createActor", {"slug": slug, "kind": "STATE", "name": slug}))
            return str(made["id"])

        async with connect(url) as socket:
            op = await socket.subscribe(RECORD_CHANGED)
            await asyncio.sleep(0.2)  # the subscription is registered before we write
            seen = [await asyncio.to_thread(create, f"seen-{i}") for i in range(3)]
            events = [e["recordChanged"] for e in await socket.collect(op, 3)]
        assert [e["id"] for e in events] == seen
        last_seen = events[-1]["changeId"]
        # Acknowledged, then the server dies before the subscriber could see them.
        unseen = [await asyncio.to_thread(create, f"unseen-{i}") for i in range(2)]

        with polling_readiness(url) as readiness:
            killed_at = time.monotonic()
            os.kill(running.postmaster(), signal.SIGKILL)

            def outage_over() -> bool:
                down = readiness.first(503, killed_at)
                return down is not None and readiness.first(200, down) is not None

            while not outage_over():
                assert time.monotonic() < killed_at + 40, "readiness never went 503 then 200"
                await asyncio.sleep(0.1)
        down = readiness.first(503, killed_at)
        assert down is not None
        assert down - killed_at < 5.0
        back = readiness.first(200, down)
        assert back is not None
        assert back - killed_at < 30.0
        log = running.service.log()
        assert "is gone: restarting it" in log
        assert "the embedded PostgreSQL is back" in log

        reader = Client(url)
        for slug in [*(f"seen-{i}" for i in range(3)), *(f"unseen-{i}" for i in range(2))]:
            assert reader.data("query($s: String!) { actor(slug: $s) { slug } }", {"s": slug})[
                "actor"
            ] == {"slug": slug}

        async with connect(url) as socket:
            op = await socket.subscribe(RECORD_CHANGED, {"after": last_seen})
            replay = [e["recordChanged"] for e in await socket.collect(op, 2, timeout=15)]
            assert await socket.silent(op, 0.5)  # nothing more, no duplicate
            after = await asyncio.to_thread(create, "after-restart")
            live = (await socket.next_data(op, timeout=15))["recordChanged"]
    assert [e["id"] for e in replay] == unseen
    numbers = [int(e["changeId"]) for e in [*events, *replay]]
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    assert live["id"] == after
    assert int(live["changeId"]) > numbers[-1]


def test_repeated_failed_restarts_fail_liveness_until_one_succeeds() -> None:
    # Two workers: the parent supervises, the workers answer from its verdict.
    with embedded_service({"WORKERS": "2"}) as running:
        url = running.service.url
        # Both workers up first: one starting while the database is down fails its startup
        # (its pool cannot open), and uvicorn then stops the whole service.
        deadline = time.monotonic() + 60
        while running.service.log().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, running.service.log()
            time.sleep(0.1)
        config = running.data / "pgdata" / "postgresql.conf"
        original = config.read_text()
        config.write_text(original + "\nthis is not a setting\n")  # the server cannot start
        os.kill(running.postmaster(), signal.SIGKILL)

        def wait_for(path: str, status: int, timeout: float = 60.0) -> None:
            deadline = time.monotonic() + timeout
            while httpx.get(f"{url}{path}", timeout=5).status_code != status:
                assert time.monotonic() < deadline, f"{path} never answered {status}"
                time.sleep(0.1)

        wait_for("/health/live", 503)
        assert httpx.get(f"{url}/health/ready", timeout=5).status_code == 503
        log = running.service.log()
        assert "restart 3 of the embedded PostgreSQL failed" in log
        assert "/health/live now fails" in log

        config.write_text(original)  # repaired: the next attempt succeeds
        wait_for("/health/live", 200)
        wait_for("/health/ready", 200)
        assert "/health/live answers 200 again" in running.service.log()


def test_a_killed_serve_leaves_no_worker_and_no_server(tmp_path: Path) -> None:
    # Its temporary folders (metrics, rate windows), which a SIGKILL leaves, go in tmp_path.
    with embedded_service({"WORKERS": "2", "TMPDIR": str(tmp_path)}) as running:
        deadline = time.monotonic() + 60
        while len(workers := _worker_pids(running.service.log())) < 2:
            assert time.monotonic() < deadline, running.service.log()
            time.sleep(0.1)
        pgdata = (running.data / "pgdata").resolve()
        assert cluster_processes(pgdata)
        running.service.process.kill()  # SIGKILL: no handler of `serve` runs
        running.service.process.wait()
        deadline = time.monotonic() + 30
        while any(is_alive(pid) for pid in workers) or cluster_processes(pgdata):
            assert time.monotonic() < deadline, (
                f"left behind: workers {[p for p in workers if is_alive(p)]}, "
                f"postgres {cluster_processes(pgdata)}"
            )
            time.sleep(0.1)
        with pytest.raises(httpx.ConnectError):  # nobody answers on the port any more
            httpx.get(f"{running.service.url}/health/live", timeout=5)


def _worker_pids(log: str) -> set[int]:
    return {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", log)}


def test_readiness_answers_in_time_while_the_server_does_not_answer() -> None:
    with embedded_service() as running:
        url = running.service.url
        assert httpx.get(f"{url}/health/ready", timeout=10).status_code == 200
        frozen = cluster_processes((running.data / "pgdata").resolve())
        for pid in frozen:  # alive, holding its connections, answering nothing
            os.kill(pid, signal.SIGSTOP)
        try:
            answers = []
            for _ in range(3):
                began = time.monotonic()
                status = httpx.get(f"{url}/health/ready", timeout=30).status_code
                answers.append((status, time.monotonic() - began))
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        # The probe's own timeout is 2 s; bounded generously for a busy machine.
        assert [status for status, _ in answers] == [503] * 3, answers
        assert max(took for _, took in answers) < 10.0, answers
        deadline = time.monotonic() + 30
        while httpx.get(f"{url}/health/ready", timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "readiness did not come back"
            time.sleep(0.1)


def test_a_restart_failing_with_an_unexpected_error_still_fails_liveness() -> None:
    with embedded_service() as running:
        url = running.service.url
        server = running.postmaster()
        # The folder is gone (removed by mistake): a restart cannot even take its locks.
        # The running server may still write a file in it meanwhile, and may notice the
        # folder is gone and stop by itself: remove it until it is gone, kill the server
        # (if it is still there), and remove what it may have left.
        deadline = time.monotonic() + 10
        while running.data.exists():
            assert time.monotonic() < deadline, "the data folder could not be removed"
            shutil.rmtree(running.data, ignore_errors=True)
        with contextlib.suppress(ProcessLookupError):
            os.kill(server, signal.SIGKILL)
        shutil.rmtree(running.data, ignore_errors=True)
        deadline = time.monotonic() + 60
        while httpx.get(f"{url}/health/live", timeout=5).status_code != 503:
            assert time.monotonic() < deadline, running.service.log()[-3000:]
            time.sleep(0.2)
        assert "restart 3 of the embedded PostgreSQL failed" in running.service.log()
