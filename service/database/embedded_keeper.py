"""The keeper: the process that runs the embedded PostgreSQL for all its users.

`python -m service.database.embedded_keeper DATA_DIR PORT SETTINGS_JSON`, started by
service.database.embedded_shared (read its docstring for the whole design). It starts the server
as its child (tied to its life: embedded_process.Tether), answers `ready` or `error <why>`
on stdout, then watches: it stops the server and ends on SIGTERM/SIGINT, or when no process holds
the users lock any more; it ends with status 2 when the server exits by itself, so that a
supervisor starts a fresh keeper. Its own notes go to stderr (DATA_DIR/keeper.log).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from service.database.embedded import EmbeddedPostgres
from service.database.embedded_privileges import EmbeddedPostgresError
from service.database.embedded_shared import KEEPER_LOCK, USERS_LOCK, open_lock, try_lock, write_pid

_WATCH_S = 0.1
SERVER_EXITED = 2


def _note(message: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    sys.stderr.write(f"{stamp} keeper {os.getpid()}: {message}\n")
    sys.stderr.flush()


def _answer(line: str) -> None:
    """Tell the process that started us how the start went; stdout is closed afterwards."""
    with contextlib.suppress(OSError):  # it is gone: the users lock tells us what to do
        os.write(1, f"{line}\n".encode())
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def run(data_dir: Path, port: int, settings: dict[str, str]) -> int:
    """Start the server, watch it, stop it; return the exit status."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    keeper_lock = open_lock(data_dir / KEEPER_LOCK)
    fcntl.flock(keeper_lock, fcntl.LOCK_EX)  # a previous keeper may still be ending
    write_pid(keeper_lock, str(os.getpid()))
    users = open_lock(data_dir / USERS_LOCK)
    server = EmbeddedPostgres(data_dir, port=port, settings=settings)
    try:
        server.start()  # from the main thread: the parent-death signal follows it
    except EmbeddedPostgresError as exc:
        _note(f"cannot start PostgreSQL: {exc}")
        _answer(f"error {exc}")
        return 1
    _answer("ready")
    _note(f"PostgreSQL {server.pid} ready on port {port}")
    status = 0
    while not stop.is_set():
        if server.pid is None:
            _note(f"PostgreSQL exited by itself (status {server.exit_code})")
            status = SERVER_EXITED
            break
        if try_lock(users, fcntl.LOCK_EX):
            _note("no process uses the server any more: stopping it")
            break
        stop.wait(_WATCH_S)
    else:
        _note("asked to stop the server")
    server.stop()
    _note("PostgreSQL stopped")
    return status


def main() -> None:
    """Entry point: `python -m service.database.embedded_keeper DATA_DIR PORT SETTINGS_JSON`."""
    data_dir, port, settings = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    sys.exit(run(Path(data_dir), port, settings))


if __name__ == "__main__":
    main()
