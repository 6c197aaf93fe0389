"""Processes of the embedded PostgreSQL server.

The server is tied to our life, leftover servers and their backends are found, and the
port and the server's readiness are probed over TCP on 127.0.0.1.

On Linux, the kernel ties the server to us (the parent-death signal, prctl) and /proc says
what each process is (postgres chdirs to its data folder). Where those do not exist
(macOS), a watchdog process ends the server when we die (embedded_watchdog.py), a thread
ends a worker whose parent is gone, and `ps` tells the processes apart (a cluster's
processes are the postmaster and its children). POSITION_RECORD_AS_IF_NOT_LINUX=1 makes a
Linux machine behave so: for tests only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.database.embedded_privileges import EmbeddedPostgresError

# Tests set it to check, on Linux, how the launcher behaves without prctl and /proc.
AS_IF_NOT_LINUX = "POSITION_RECORD_AS_IF_NOT_LINUX"
_LINUX = sys.platform.startswith("linux") and os.environ.get(AS_IF_NOT_LINUX) != "1"
_PR_SET_PDEATHSIG = 1
# Loaded here, in the parent: the forked child should only call into it, not dlopen.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if _LINUX else None
_PROC = _LINUX and Path("/proc/self/stat").exists()
# How often a worker without the parent-death signal looks for its parent.
_PARENT_POLL_S = 0.2


def die_with_parent(sig: int = signal.SIGINT) -> Callable[[], None] | None:
    """Return a preexec_fn asking the kernel to send `sig` to the child when we die; None
    where there is no such call (see `Tether`, which then starts a watchdog).

    subprocess drops to `user=`/`group=` before calling preexec_fn, which matters: Linux
    clears the parent-death signal on setuid(). SIGINT is PostgreSQL's fast shutdown.
    """
    prctl = _PRCTL
    if prctl is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody would signal us
            os._exit(1)

    return preexec


class Tether:
    """Ends a child process when we die, however we die (SIGKILL included).

    With the parent-death signal, the kernel does it (`preexec_fn`). Without it, `hold`
    starts a watchdog that ends the child once a pipe whose only writer is this process
    reaches its end, which the kernel makes happen when we die; `release` stops the
    watchdog before we stop the child ourselves (the pid may be reused afterwards).
    """

    def __init__(self, sig: int = signal.SIGINT) -> None:
        """Tie with `sig` (SIGINT: PostgreSQL's fast shutdown)."""
        self.sig = sig
        self.preexec_fn = die_with_parent(sig)
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._writer = -1

    def hold(self, child: int) -> None:
        """Tie `child` (just started with `preexec_fn`) to us."""
        if self.preexec_fn is not None:
            return
        reader, self._writer = os.pipe()  # neither end is inherited by other children
        try:
            self._watchdog = subprocess.Popen(
                [sys.executable, "-m", "service.database.embedded_watchdog",
                 str(child), str(self.sig)],
                stdin=reader, stdout=subprocess.DEVNULL,
                # Its own session: a Ctrl-C in our terminal must not end it before us.
                start_new_session=True,
            )  # fmt: skip
        finally:
            os.close(reader)

    def release(self) -> None:
        """Stop watching (the child is being stopped by us, or has ended); safe to repeat."""
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.kill()
            watchdog.wait()
        if self._writer >= 0:
            os.close(self._writer)
            self._writer = -1


def end_with(parent: int, sig: int = signal.SIGTERM) -> None:
    """Have `sig` sent to this process when `parent` (our parent) dies.

    For a process that was not started with `die_with_parent` (a worker uvicorn spawned):
    without it, a SIGKILL of the parent leaves the process running alone. Without the
    parent-death signal, a daemon thread watches for the parent's end instead (the process
    is then the child of another: init or a subreaper). Raises SystemExit when `parent` is
    gone already.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    if os.getppid() != parent:
        raise SystemExit(f"process {parent}, which started this one, is gone")
    if _PRCTL is None:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(_PARENT_POLL_S)
            os.kill(os.getpid(), sig)

        threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


@dataclass(frozen=True)
class _Process:
    """What `ps` says of a process (where there is no /proc)."""

    state: str
    parent: int
    command: str


def _ps(*selection: str) -> dict[int, _Process]:
    """Processes by pid, as `ps` lists them (POSIX options: Linux's and macOS's ps)."""
    result = subprocess.run(
        ["ps", "-o", "pid=,ppid=,stat=,comm=", *selection],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = {}
    for line in result.stdout.splitlines():
        fields = line.split(None, 3)
        if len(fields) == 4 and fields[0].isdigit():
            pid, parent, state, command = fields
            found[int(pid)] = _Process(state[:1], int(parent), command.strip())
    return found


def _state(pid: int) -> str | None:
    """Return the process state letter of pid (R, S, Z...), or None when there is none."""
    if not _PROC:
        listed = _ps("-p", str(pid)).get(pid)
        return None if listed is None else listed.state
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
    if not _PROC:
        listed = _ps("-p", str(pid)).get(int(pid))
        return listed is not None and os.path.basename(listed.command) == "postgres"
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return False
    return os.path.basename(argv0).split(b":")[0] == b"postgres"


def cluster_processes(pgdata: Path) -> list[int]:
    """Return the live postgres processes of pgdata: postgres chdirs to its data folder.

    Without /proc, a process's folder is unknown: the postmaster that `postmaster.pid`
    names and its postgres children. Backends left by a killed postmaster are not found
    then; they notice its death and exit within about a second, and meanwhile PostgreSQL
    itself refuses to start a new server on the folder (its shared memory is in use).
    """
    if not _PROC:
        found = read_postmaster_file(pgdata)
        if found is None:
            return []
        return [
            pid
            for pid, process in _ps("-A").items()
            if found.pid in (pid, process.parent)
            and os.path.basename(process.command) == "postgres"
            and process.state not in ("Z", "X")
        ]
    target = str(pgdata)
    pids = (p for p in os.listdir("/proc") if p.isdigit() and _cwd(p) == target)
    return [int(p) for p in pids if _is_postgres(p) and is_alive(int(p))]


def is_server_of(pid: int, pgdata: Path) -> bool:
    """Whether pid is a live postgres process working in pgdata (not a reused pid).

    Without /proc a process's folder is unknown: a live postgres process counts.
    """
    if not _PROC:
        return _is_postgres(pid) and is_alive(pid)
    return _is_postgres(pid) and is_alive(pid) and _cwd(str(pid)) == str(pgdata)


def parent_of(pid: int) -> int | None:
    """Return the parent pid of pid, or None when pid is gone."""
    if not _PROC:
        listed = _ps("-p", str(pid)).get(pid)
        return None if listed is None else listed.parent
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
