"""Debian's PgBouncer in transaction mode in front of the test PostgreSQL, for the tests."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from tests.pg import free_port

BINARY = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def available() -> bool:
    """True when the pgbouncer binary is installed."""
    return Path(BINARY).exists()


@contextmanager
def pgbouncer(server_dsn: str) -> Iterator[str]:
    """Run PgBouncer (transaction pooling) in front of `server_dsn`'s server.

    Yields:
        A DSN template with `{database}` for the database name, through PgBouncer.
    """
    server = urlparse(server_dsn)
    folder = Path(tempfile.mkdtemp(prefix="position-record-pgbouncer-"))
    port = free_port()
    config = folder / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"* = host={server.hostname} port={server.port} user={server.username or 'postgres'}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
        "auth_type = any\npool_mode = transaction\ndefault_pool_size = 4\n"
        "max_client_conn = 200\nserver_reset_query =\n"
        # asyncpg sends these at startup; transaction pooling cannot keep session settings.
        "ignore_startup_parameters = extra_float_digits,statement_timeout\n"
    )
    kwargs: dict[str, object] = {}
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        account = pwd.getpwnam("postgres") if _exists("postgres") else pwd.getpwnam("nobody")
        os.chown(folder, account.pw_uid, account.pw_gid)
        kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    process = subprocess.Popen([BINARY, str(config)], **kwargs)  # type: ignore[call-overload]
    try:
        _wait_port(port, process)
        yield f"postgresql://{server.username or 'postgres'}@127.0.0.1:{port}/{{database}}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("pgbouncer did not start listening")
