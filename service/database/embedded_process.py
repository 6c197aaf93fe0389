"""Processes of the embedded PostgreSQL server (Linux only).

The server is tied to our life with a parent-death signal; leftover servers and their
backends are found through /proc (postgres chdirs to its data folder); the port and the
server's readiness are probed over TCP on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.database.embedded_privileges import EmbeddedPostgresError

_PR_SET_PDEATHSIG = 1
# Loaded here, in the parent: the forked child should only call into it, not dlopen.
_LIBC = ctypes.CDLL(None, use_errno=True)


def die_with_parent(sig: int = signal.SIGINT) -> Callable[[], None]:
    """Return a preexec_fn asking the kernel to send `sig` to the child when we die.

    subprocess drops to `user=`/`group=` before calling preexec_fn, which matters: Linux
    clears the parent-death signal on setuid(). SIGINT is PostgreSQL's fast shutdown.
    """
    parent = os.getpid()

    def preexec() -> None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody would signal us
            os._exit(1)

    return preexec


def end_with(parent: int, sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send `sig` to this process when `parent` (our parent) dies.

    For a process that was not started with `die_with_parent` (a worker uvicorn spawned):
    without it, a SIGKILL of the parent leaves the process running alone. Raises
    SystemExit when `parent` is gone already.
    """
    _LIBC.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    if os.getppid() != parent:
        raise SystemExit(f"process {parent}, which started this one, is gone")


def _state(pid: int) -> str | None:
    """Return the process state letter of pid (R, S, Z...), or None when there is none."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no such process
        return None
    return stat_line.rpartition(")")[2].split()[0]


def is_alive(pid: int) -> bool:
    """Whether pid runs; a zombie counts as dead, since it holds nothing but its pid."""
    return _state(pid) not in (None, "Z", "X")


def _cwd(pid: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:  # gone, or another user's process
        return None


def _is_postgres(pid: int | str) -> bool:
    """Whether argv[0] is postgres: the postmaster's path, or a backend's `postgres: ...`."""
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return False
    return os.path.basename(argv0).split(b":")[0] == b"postgres"


def cluster_processes(pgdata: Path) -> list[int]:
    """Return the live postgres processes of pgdata: postgres chdirs to its data folder."""
    target = str(pgdata)
    pids = (p for p in os.listdir("/proc") if p.isdigit() and _cwd(p) == target)
    return [int(p) for p in pids if _is_postgres(p) and is_alive(int(p))]


def is_server_of(pid: int, pgdata: Path) -> bool:
    """Whether pid is a live postgres process working in pgdata (not a reused pid)."""
    return _is_postgres(pid) and is_alive(pid) and _cwd(str(pid)) == str(pgdata)


def parent_of(pid: int) -> int | None:
    """Return the parent pid of pid, or None when pid is gone."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat_line.rpartition(")")[2].split()[1])


@dataclass(frozen=True)
class PostmasterFile:
    """What `postmaster.pid` says: the server's pid, port and status (`ready`, `starting`...)."""

    pid: int
    port: int
    status: str


def read_postmaster_file(pgdata: Path) -> PostmasterFile | None:
    """Read pgdata/postmaster.pid; None when it is missing or not yet complete."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    return PostmasterFile(pid, port, lines[7].strip() if len(lines) > 7 else "")


def running_owner(pgdata: Path) -> tuple[int, int] | None:
    """Return (postmaster pid, parent pid) when a live process runs a server on pgdata.

    A server whose parent is gone (its parent is now init) or that is shutting down is
    not counted: nobody runs it any more, and its parent-death signal has stopped it, or
    it was started without one (an orphan); either way the folder's next user recovers it.
    """
    found = read_postmaster_file(pgdata)
    if found is None or not is_server_of(found.pid, pgdata) or found.status == "stopping":
        return None
    parent = parent_of(found.pid)
    if parent is None or parent <= 1 or not is_alive(parent):
        return None
    return found.pid, parent


def terminate(pid: int, pgdata: Path, timeout: float) -> None:
    """Stop a server we did not start: fast shutdown, then SIGKILL on timeout."""
    _signal_and_wait([pid], signal.SIGINT, timeout)
    stop_orphans(pgdata, timeout)


def stop_orphans(pgdata: Path, timeout: float) -> None:
    """Wait for the postgres processes left in pgdata to end; SIGKILL them on timeout.

    Backends of a killed postmaster notice its death and exit on their own, within about a
    second; a new postmaster must not share the data folder with them meanwhile.
    """
    _signal_and_wait(cluster_processes(pgdata), None, timeout)


def _signal_and_wait(pids: list[int], sig: int | None, timeout: float) -> None:
    """Send sig (if any) to pids and wait for them to end; SIGKILL those left at timeout."""
    for pid in pids:
        if sig is not None:
            _kill(pid, sig)
    if _wait_gone(pids, timeout):
        return
    for pid in pids:
        _kill(pid, signal.SIGKILL)
    if not _wait_gone(pids, 5.0):
        raise EmbeddedPostgresError(f"PostgreSQL processes {pids} survived SIGKILL")


def _wait_gone(pids: list[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while any(is_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _kill(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def check_port_free(port: int) -> None:
    """Fail early and clearly when another program listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Like postgres itself: SO_REUSEADDR ignores TIME_WAIT leftovers, not listeners.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"port {port} on 127.0.0.1 is already in use ({exc.strerror}): "
                "stop the program using it or choose another port"
            ) from None


def accepts_connections(port: int, user: str) -> bool:
    """Open a session as `user`: True once the server lets us in.

    A protocol-level check (startup message, first reply byte) rather than a bare TCP
    connect: while starting up or recovering, postgres accepts the socket but refuses the
    session with an 'E' message. 'R' is an authentication request or AuthenticationOk.
    """
    params = f"user\0{user}\0database\0postgres\0\0".encode()
    body = struct.pack("!I", 196608) + params  # protocol 3.0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
            conn.sendall(struct.pack("!I", len(body) + 4) + body)
            accepted = conn.recv(1) == b"R"
            if accepted:
                conn.sendall(b"X\0\0\0\4")  # Terminate: end the session politely
            return accepted
    except OSError:
        return False
