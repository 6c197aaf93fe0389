"""One embedded PostgreSQL per DATA_DIR, shared by every process of the project that uses it.

`serve`, its workers and each admin command (`tokens`, `seed`, `db`...) may run at once on
one DATA_DIR. None of them owns the server: it belongs to a small *keeper* process
(service/database/embedded_keeper.py), started by whichever user needs the server first, in a
session of its own. PostgreSQL is the keeper's child, tied to its life (a parent-death
signal, or a watchdog where there is none: embedded_process.Tether), so killing the
keeper takes the server with it, and the keeper outlives the process that
started it: an admin command may start the server, and a `serve` begun meanwhile keeps
using it after that command is gone.

Who uses the server is counted by the kernel, with flock(2) on files of DATA_DIR:

- `users.lock`: each user holds a *shared* lock for as long as it uses the server. The
  kernel drops it when the process ends, however it ends (SIGKILL included).
- `start.lock`: *exclusive*, held by a user while it looks for a running server and, if
  none runs, starts a keeper and waits for it: two users never start two servers.
- `keeper.lock`: *exclusive*, held by the keeper all its life, with its pid in the file:
  held means a keeper runs.
- `serve.lock`: *exclusive*, held by `serve` all its life: one `serve` per DATA_DIR.

Rules:

1. A user takes its shared lock, then, under `start.lock`, uses the server that runs on
   the folder (`postmaster.pid` names its port), or starts a keeper when none does.
2. A user done with the server drops its shared lock and tries for the exclusive one. If
   it gets it, no process uses the server any more: it asks the keeper to stop (SIGTERM)
   and waits until it has, so the last user out leaves no process behind. Otherwise
   another process still uses the server, and it stays.
3. The keeper checks every 100 ms that someone uses its server (it tries for the
   exclusive lock): when the last user died without rule 2 (SIGKILL), it stops the server
   itself. While stopping, it holds the exclusive lock, so a newcomer waits, then starts
   a fresh server.
4. When PostgreSQL exits under it, the keeper exits too; `serve` (its supervisor) starts
   a new one (rule 1), and crash recovery replays the committed writes.
5. A server run by a live process that is not a keeper (an older version, a test) is used
   but never stopped; one whose parent is gone (an orphan) is stopped and replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from service.database.embedded import SUPERUSER
from service.database.embedded_privileges import (
    EmbeddedPostgresError,
    ensure_reachable,
    server_account,
)
from service.database.embedded_process import (
    accepts_connections,
    read_postmaster_file,
    running_owner,
)

__all__ = ["Lease", "ServeAlreadyRunning", "serve_lock", "shared_server"]

USERS_LOCK = "users.lock"
START_LOCK = "start.lock"
KEEPER_LOCK = "keeper.lock"
SERVE_LOCK = "serve.lock"
KEEPER_LOG = "keeper.log"

_POLL_S = 0.02


class ServeAlreadyRunning(EmbeddedPostgresError):
    """Another `serve` runs on this DATA_DIR."""


def open_lock(path: Path) -> int:
    """Open (creating) a lock file; the descriptor is not inherited by child processes."""
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def try_lock(fd: int, operation: int) -> bool:
    """flock without waiting: True when the lock was taken."""
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def write_pid(fd: int, text: str) -> None:
    """Replace the content of a lock file (its holder's pid, and what it does)."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{text}\n".encode(), 0)


def _read(fd: int) -> str:
    return os.pread(fd, 200, 0).decode(errors="replace").strip()


@dataclass
class Lease:
    """This process's use of the embedded server on `data_dir`; see the module docstring.

    Attributes:
        data_dir: the DATA_DIR (resolved).
        port: the port to start a server on; once a server is found, its actual port.
        settings: extra server settings for a server this lease starts.
    """

    data_dir: Path
    port: int
    settings: Mapping[str, str] = field(default_factory=dict)
    _users: int = -1
    _keepers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def pgdata(self) -> Path:
        """The cluster folder."""
        return self.data_dir / "pgdata"

    @property
    def dsn(self) -> str:
        """The connection string of the server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def server_pid(self) -> int | None:
        """The pid of the postmaster running on the folder, if one runs."""
        owned = running_owner(self.pgdata)
        return owned[0] if owned is not None else None

    def ensure(self, timeout: float = 60.0) -> str:
        """Use the server running on the folder, or start one; return its DSN.

        Raises:
            EmbeddedPostgresError: no server could be started or reached within `timeout`.
        """
        self._reap()
        deadline = time.monotonic() + timeout
        lock = open_lock(self.data_dir / START_LOCK)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            while True:
                if self._keeper_runs() or running_owner(self.pgdata) is not None:
                    if self._wait_ready(deadline):
                        return self.dsn
                    if time.monotonic() > deadline:
                        raise EmbeddedPostgresError(
                            f"the PostgreSQL server on {self.data_dir} was not ready "
                            f"within {timeout:.0f} s"
                        )
                    continue  # its keeper ended meanwhile: start a new one
                self._start_keeper(deadline)
                return self.dsn
        finally:
            os.close(lock)  # unlocks

    def _keeper_runs(self) -> bool:
        fd = open_lock(self.data_dir / KEEPER_LOCK)
        try:
            return not try_lock(fd, fcntl.LOCK_SH)
        finally:
            os.close(fd)

    def _wait_ready(self, deadline: float) -> bool:
        """Wait for the running server to accept connections; False when it went away."""
        while time.monotonic() < deadline:
            found = read_postmaster_file(self.pgdata)
            ready = found is not None and found.status == "ready"
            if found is not None and ready and accepts_connections(found.port, SUPERUSER):
                self.port = found.port
                return True
            if not self._keeper_runs() and running_owner(self.pgdata) is None:
                return False
            time.sleep(_POLL_S)
        return False

    def _start_keeper(self, deadline: float) -> None:
        command = [
            sys.executable, "-m", "service.database.embedded_keeper",
            str(self.data_dir), str(self.port), json.dumps(dict(self.settings)),
        ]  # fmt: skip
        with (self.data_dir / KEEPER_LOG).open("ab") as log:
            keeper = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                # Its own session: a Ctrl-C in our terminal must not reach it.
                start_new_session=True,
            )  # fmt: skip
        self._keepers.append(keeper)
        assert keeper.stdout is not None
        with keeper.stdout:
            # The keeper answers one line: `ready`, or `error <what went wrong>`.
            line = b""
            while not line.endswith(b"\n") and time.monotonic() < deadline:
                readable, _, _ = select.select([keeper.stdout], [], [], 0.5)
                if readable:
                    chunk = os.read(keeper.stdout.fileno(), 4096)
                    if not chunk:
                        break
                    line += chunk
        answer = line.decode(errors="replace").strip()
        if answer == "ready":
            return
        if not answer:  # no answer in time: do not leave it starting behind our back
            keeper.terminate()
            code = keeper.wait()
            answer = f"error the server keeper gave no answer (exit status {code})"
        raise EmbeddedPostgresError(answer.removeprefix("error ").strip())

    def join(self) -> None:
        """Count this process among the server's users (rule 1), then `ensure()` a server.

        Blocks only while a keeper stops a server nobody used any more (rule 3).
        """
        if self._users < 0:
            self._users = open_lock(self.data_dir / USERS_LOCK)
            fcntl.flock(self._users, fcntl.LOCK_SH)
        self.ensure()

    def _reap(self) -> None:
        """Collect the exit status of keepers we started that have ended (no zombies)."""
        self._keepers = [k for k in self._keepers if k.poll() is None]

    def release(self, timeout: float = 30.0) -> None:
        """Stop using the server; the last user out stops it (rule 2). Safe to repeat."""
        fd, self._users = self._users, -1
        if fd < 0:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
            if try_lock(fd, fcntl.LOCK_EX):
                self._stop_keeper(timeout)
            else:
                # Another user, or a keeper stopping the server (rule 3): wait for the
                # latter, so that our exit leaves nothing behind either.
                fcntl.flock(fd, fcntl.LOCK_SH)
        finally:
            os.close(fd)
            self._reap()

    def _stop_keeper(self, timeout: float) -> None:
        """SIGTERM the keeper and wait until it has stopped the server and ended.

        We hold the exclusive users lock: no new keeper can start, so once the keeper
        lock is seen held after opening a pidfd, the pid is the keeper's and not reused.
        """
        lock = open_lock(self.data_dir / KEEPER_LOCK)
        try:
            if try_lock(lock, fcntl.LOCK_SH):
                return  # no keeper: no server, or one we use but do not stop (rule 5)
            _signal_keeper(lock)
            deadline = time.monotonic() + timeout
            while not try_lock(lock, fcntl.LOCK_SH):
                if time.monotonic() > deadline:
                    raise EmbeddedPostgresError(
                        f"the PostgreSQL server on {self.data_dir} did not stop within "
                        f"{timeout:.0f} s"
                    )
                time.sleep(_POLL_S)
        finally:
            os.close(lock)


def _signal_keeper(lock: int) -> None:
    """SIGTERM the keeper whose pid `lock` (the keeper lock, seen held) names.

    A pidfd pins the process: once the lock is seen held again after opening it, the pid
    is the keeper's and not a reused one. Without pidfds (Linux only), the pid is signalled
    right after the lock is seen held, which leaves a window of a few microseconds.
    """
    try:
        pid = int(_read(lock).split()[0])
    except (ValueError, IndexError):
        return
    if not hasattr(os, "pidfd_open"):
        if not try_lock(lock, fcntl.LOCK_SH):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        return
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        if not try_lock(lock, fcntl.LOCK_SH):
            signal.pidfd_send_signal(pidfd, signal.SIGTERM)
    finally:
        os.close(pidfd)


def _prepare(data_dir: Path, os_user: str) -> Path:
    data_dir = Path(data_dir).expanduser().resolve()
    ensure_reachable(server_account(os_user), data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddedPostgresError(f"cannot create {data_dir}: {exc.strerror}") from None
    return data_dir


@contextmanager
def shared_server(
    data_dir: Path, port: int, settings: Mapping[str, str] | None = None, os_user: str = "postgres"
) -> Iterator[Lease]:
    """Use the embedded server of `data_dir` for the block (rules 1 and 2 of the module).

    Args:
        data_dir: the DATA_DIR.
        port: the port of a server started here; a running server keeps its own.
        settings: extra server settings, for a server started here.
        os_user: the account running PostgreSQL when we are root.

    Yields:
        The lease: `dsn` to connect, `ensure()` to bring a dead server back.

    Raises:
        EmbeddedPostgresError: the server could not be started or reached.
    """
    folder = _prepare(data_dir, os_user)
    lease = Lease(folder, port, dict(settings or {}))
    try:
        lease.join()
        yield lease
    finally:
        lease.release()


@contextmanager
def serve_lock(data_dir: Path, address: str) -> Iterator[None]:
    """Hold the folder's `serve` lock for the block: one `serve` per DATA_DIR.

    Raises:
        ServeAlreadyRunning: another `serve` holds it (the message names its pid and address).
    """
    folder = _prepare(data_dir, "postgres")
    fd = open_lock(folder / SERVE_LOCK)
    try:
        if not try_lock(fd, fcntl.LOCK_EX):
            holder = _read(fd) or "another process"
            raise ServeAlreadyRunning(
                f"another `serve` ({holder}) already runs on DATA_DIR {folder}: "
                "stop it first, or give this one another DATA_DIR"
            )
        write_pid(fd, f"pid {os.getpid()}, http://{address}")
        yield
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
