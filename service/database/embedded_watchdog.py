"""The watchdog ending the embedded server when its parent dies, where the kernel cannot.

`python -m service.database.embedded_watchdog PID SIGNAL`, started by `Tether`
(service/database/embedded_process.py) where there is no parent-death signal (macOS). Its
stdin is the read end of a pipe nobody writes to, whose write end only the server's parent
holds: the read returns end-of-file once that parent is gone, however it ended (the kernel
closes its files), and the watchdog then sends SIGNAL to PID. The parent kills the
watchdog before it stops the server itself, so PID is still the server's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def main() -> None:
    """Entry point: wait for end-of-file on stdin, then signal the server."""
    pid, sig = int(sys.argv[1]), int(sys.argv[2])
    # A Ctrl-C meant for the parent's terminal, or its hang-up, is no reason to stop.
    for ignored in (signal.SIGINT, signal.SIGHUP):
        signal.signal(ignored, signal.SIG_IGN)
    while os.read(0, 4096):
        pass  # never written to: only the end of the file is awaited
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


if __name__ == "__main__":
    main()
