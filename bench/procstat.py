"""CPU time and memory of processes, read from /proc (Linux): no dependency, no sampling.

CPU is utime + stime of the process (all its threads). For PostgreSQL, whose backends come
and go, the postmaster's own time plus cutime/cstime (reaped children) plus the live
children's time gives the whole server's CPU.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` (every thread), in seconds."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / _TICKS  # stat fields 14 and 15


def tree_cpu_seconds(pid: int) -> float:
    """CPU of `pid`, of its reaped children (cutime, cstime) and of its live children."""
    fields = _stat_fields(pid)
    total = sum(int(f) for f in fields[11:15]) / _TICKS  # utime stime cutime cstime
    for child in _children(pid):
        # A child that ended between the listing and the read: its time is in cutime now.
        with suppress(FileNotFoundError, ProcessLookupError):
            total += cpu_seconds(child)
    return total


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat_fields(int(entry.name))[1]) == pid:  # field 4: ppid
                found.append(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_description(argv: list[str], started_at: datetime) -> dict[str, Any]:
    """What a saved result needs to be compared later: when, which code, which command."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    return {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit or "unknown (not a git checkout)",
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")) if commit else None,
        "command": [Path(sys.argv[0]).name, *argv],
        "python": platform.python_version(),
    }


def machine() -> dict[str, str]:
    """Cores, CPU model and memory of this machine."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": os.uname().release,
    }
