"""`serve` supervises the embedded server: brings it back when it dies, reports liveness.

A thread of the `serve` process (the parent, with `--workers N`) looks five times a second
for a live PostgreSQL on DATA_DIR. When there is none (the postmaster was killed, or
crashed), it logs so and asks for one again (`Lease.ensure`: under the start lock, a new
keeper starts the server, whose crash recovery replays every committed write). Meanwhile
readiness answers 503 by itself (the pool cannot connect), and the pool reconnects once
the server is back. A failed restart is retried with a growing pause (0.5 s to 10 s);
after `failures_allowed` failures in a row liveness fails too, so that an orchestrator
replaces the whole process; a later success makes it live again.

Worker processes learn the verdict from a small file (`LIVENESS_FILE_ENV`): `live` or
`failing`.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from service.database.embedded_shared import Lease

log = logging.getLogger("service.database.embedded")

LIVENESS_FILE_ENV = "POSITION_RECORD_LIVENESS_FILE"
_LIVE, _FAILING = "live", "failing"


def liveness_from_file(path: Path) -> bool:
    """What a worker answers on /health/live: the supervisor's verdict, written in `path`."""
    try:
        return path.read_text().strip() != _FAILING
    except OSError:
        return True  # the parent is starting or stopping: not a reason to be restarted


class Supervisor:
    """Watch the leased server from a thread; restart it when it is gone.

    Args:
        lease: this process's lease on the embedded server.
        check_every_s: seconds between two looks at the server.
        failures_allowed: failed restarts in a row before liveness fails.
        liveness_file: where to write the verdict for worker processes (None: nowhere).
    """

    def __init__(
        self,
        lease: Lease,
        *,
        check_every_s: float = 0.2,
        failures_allowed: int = 3,
        liveness_file: Path | None = None,
    ) -> None:
        self.lease = lease
        self.check_every_s = check_every_s
        self.failures_allowed = failures_allowed
        self.liveness_file = liveness_file
        self._live = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="embedded-supervisor", daemon=True)

    def is_live(self) -> bool:
        """False once `failures_allowed` restarts in a row have failed."""
        return self._live

    def __enter__(self) -> Self:
        self._set_live(True)
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _set_live(self, live: bool) -> None:
        self._live = live
        if self.liveness_file is not None:
            partial = self.liveness_file.with_suffix(".partial")
            partial.write_text(_LIVE if live else _FAILING)
            partial.replace(self.liveness_file)

    def _watch(self) -> None:
        known = self.lease.server_pid()
        while not self._stop.wait(self.check_every_s):
            pid = self.lease.server_pid()
            if pid is not None:
                known = pid
                continue
            log.warning("the embedded PostgreSQL (pid %s) is gone: restarting it", known)
            known = self._restart()

    def _restart(self) -> int | None:
        """Bring the server back, retrying with a growing pause; return its new pid."""
        pause, failures = 0.5, 0
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                self.lease.ensure(timeout=30.0)
            except Exception as exc:
                # Any failure (an OSError: DATA_DIR gone, no process to be had...) is a
                # failed restart: escaping, it would end this thread, and with it the
                # supervision, leaving readiness 503 and liveness 200 for ever.
                failures += 1
                log.error("restart %d of the embedded PostgreSQL failed: %s", failures, exc)
                if failures >= self.failures_allowed and self._live:
                    log.error(
                        "the embedded PostgreSQL failed to restart %d times in a row: "
                        "/health/live now fails",
                        failures,
                    )
                    self._set_live(False)
                if self._stop.wait(pause):
                    return None
                pause = min(pause * 2, 10.0)
                continue
            pid = self.lease.server_pid()
            log.info(
                "the embedded PostgreSQL is back (pid %s, after %.1f s)",
                pid,
                time.monotonic() - began,
            )
            if not self._live:
                log.info("/health/live answers 200 again")
            self._set_live(True)
            return pid
        return None
