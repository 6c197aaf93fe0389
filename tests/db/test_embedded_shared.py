"""The embedded server shared by processes (service/database/embedded_shared.py): who starts it,
who uses it, who stops it, and that nothing is left behind however a user ends.

Every process here is a real Python process using a real server on its own DATA_DIR.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from service.database.embedded_process import (
    AS_IF_NOT_LINUX,
    cluster_processes,
    is_alive,
    read_postmaster_file,
)
from service.database.embedded_shared import KEEPER_LOCK
from tests.db.test_embedded import ROOT, _reachable_temp_dir, free_port, select_one
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow]

# A user of the shared server: prints the postmaster's pid and its DSN, then holds its
# lease until a line arrives on stdin (or it is killed).
USER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from service.database.embedded_shared import shared_server
    with shared_server(Path(sys.argv[1]), int(sys.argv[2]), {"fsync": "off"}) as lease:
        print(lease.server_pid(), lease.dsn, flush=True)
        sys.stdin.readline()
""")


@dataclass
class User:
    """A process holding a lease on the folder's server."""

    process: subprocess.Popen[str]
    server: int
    dsn: str

    def leave(self) -> None:
        """Release the lease (the process ends once it has)."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(30) == 0


def keeper_runs(data: Path) -> bool:
    fd = os.open(data / KEEPER_LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.fixture
def data() -> Iterator[Path]:
    """A DATA_DIR of the test's own; any server left on it is killed at the end."""
    folder = _reachable_temp_dir("embedded-shared-")
    try:
        yield folder / "data"
    finally:
        for pid in cluster_processes((folder / "data" / "pgdata").resolve()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def join(data: Path) -> Iterator[Callable[..., User]]:
    """Start users of `data`'s server (one port for all); kill those left at the end."""
    port = free_port()
    started: list[subprocess.Popen[str]] = []

    def start(**extra_env: str) -> User:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]), **extra_env}
        process = subprocess.Popen(
            [sys.executable, "-c", USER, str(data), str(port)],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline().split()
        assert len(line) == 2, "the user could not start or reach the server"
        return User(process, int(line[0]), line[1])

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_an_admin_command_alone_starts_and_stops_its_server(data: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(data), "EMBEDDED_PG_PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "service", "db", "status"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "pending" in result.stdout  # it did reach the database
    assert "ready on port" in (data / "keeper.log").read_text()
    # Stopped before the command returned: nothing to wait for.
    assert cluster_processes(data.resolve() / "pgdata") == []
    assert not keeper_runs(data)


def test_admin_commands_at_once_share_one_server_and_leave_nothing(data: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(data), "EMBEDDED_PG_PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    commands = [("db", "migrate"), ("db", "status"), ("db", "migrate"), ("db", "status")]
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "service", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    outputs = [process.communicate(timeout=120) for process in running]
    for process, (_, err) in zip(running, outputs, strict=True):
        assert process.returncode == 0, err
    assert cluster_processes(data.resolve() / "pgdata") == []
    assert not keeper_runs(data)
    # However they interleaved, no server was ever stopped under a command using it.
    assert (
        "terminating connection due to administrator command"
        not in (data / "postgres.log").read_text()
    )


def test_the_server_stays_while_anyone_uses_it_and_stops_after_the_last(
    data: Path, join: Callable[..., User]
) -> None:
    first = join()  # starts the server
    second = join()  # finds it running
    assert second.server == first.server
    assert second.dsn == first.dsn
    first.leave()  # the one that started it leaves: the server is the second's now
    assert is_alive(first.server)
    assert select_one(second.dsn) == 1
    third = join()
    assert third.server == first.server
    third.leave()
    second.leave()  # the last user out stops it, before its process ends
    assert not is_alive(first.server)
    assert cluster_processes(data.resolve() / "pgdata") == []
    assert not keeper_runs(data)


def test_a_killed_last_user_leaves_no_server(data: Path, join: Callable[..., User]) -> None:
    only = join()
    only.process.send_signal(signal.SIGKILL)
    only.process.wait(5)
    # Nobody holds the users lock any more: the keeper notices and stops the server.
    assert wait_until(lambda: not is_alive(only.server)), "the server outlived its users"
    assert wait_until(lambda: not keeper_runs(data))
    assert cluster_processes(data.resolve() / "pgdata") == []
    again = join()  # and the folder is usable at once
    assert again.server != only.server
    assert select_one(again.dsn) == 1
    again.leave()


def test_a_killed_user_among_others_changes_nothing(data: Path, join: Callable[..., User]) -> None:
    first, second = join(), join()
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(5)
    assert not wait_until(lambda: not is_alive(second.server), timeout=1.0)
    assert select_one(second.dsn) == 1
    found = read_postmaster_file(data.resolve() / "pgdata")
    assert found is not None
    assert found.pid == second.server
    second.leave()
    assert cluster_processes(data.resolve() / "pgdata") == []


def _keeper_pid(data: Path) -> int:
    return int((data / KEEPER_LOCK).read_text().split()[0])


def test_without_prctl_a_killed_keeper_leaves_no_server(
    data: Path, join: Callable[..., User]
) -> None:
    # As on macOS (no parent-death signal, no /proc): the keeper's watchdog ends the server.
    user = join(**{AS_IF_NOT_LINUX: "1"})
    keeper = _keeper_pid(data)
    assert is_alive(keeper)
    os.kill(keeper, signal.SIGKILL)
    assert wait_until(lambda: not is_alive(user.server)), "the server outlived its keeper"
    assert wait_until(lambda: cluster_processes(data.resolve() / "pgdata") == [])
    # The user, told by nobody, finds its server gone; a new user starts a fresh one.
    user.process.kill()
    user.process.wait(5)
    again = join(**{AS_IF_NOT_LINUX: "1"})
    assert select_one(again.dsn) == 1
    again.leave()
    assert cluster_processes(data.resolve() / "pgdata") == []
    assert not keeper_runs(data)


def test_without_prctl_a_killed_last_user_leaves_no_server(
    data: Path, join: Callable[..., User]
) -> None:
    only = join(**{AS_IF_NOT_LINUX: "1"})
    only.process.send_signal(signal.SIGKILL)
    only.process.wait(5)
    # The keeper learns it from the users lock, which is no Linux-only call.
    assert wait_until(lambda: not is_alive(only.server)), "the server outlived its users"
    assert wait_until(lambda: not keeper_runs(data))
    assert cluster_processes(data.resolve() / "pgdata") == []


WORKER = textwrap.dedent("""
    import os, subprocess, sys, time
    from service.database.embedded_process import end_with
    if sys.argv[1] == "parent":
        child = subprocess.Popen([sys.executable, "-c", sys.argv[2], "worker", str(os.getpid())])
        print(child.pid, flush=True)
        time.sleep(120)
    else:
        end_with(int(sys.argv[2]))
        time.sleep(120)
""")


@pytest.mark.parametrize("without_prctl", [False, True], ids=["prctl", "as on macOS"])
def test_a_worker_ends_with_its_killed_parent(without_prctl: bool) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    if without_prctl:
        env[AS_IF_NOT_LINUX] = "1"
    parent = subprocess.Popen(
        [sys.executable, "-c", WORKER, "parent", WORKER],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    try:
        assert is_alive(worker)
        parent.kill()
        parent.wait(5)
        assert wait_until(lambda: not is_alive(worker)), "the worker outlived its parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGKILL)
