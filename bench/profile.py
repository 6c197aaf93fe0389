"""Profile our service under load with py-spy (from outside the process: no hook in it),
and summarise where its CPU goes: by package (leaf frame) and by function (self, inclusive).

py-spy is not a project dependency: `pip install py-spy` into the venv to use `--profile`.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Leaf frames are attributed to the first group whose pattern their file matches (py-spy
# names files relative to site-packages or the working directory).
_GROUPS = [
    ("graphql-core", re.compile(r"(^|/)graphql/")),
    ("strawberry", re.compile(r"(^|/)strawberry/")),
    ("litestar", re.compile(r"(^|/)litestar/")),
    ("asyncpg", re.compile(r"(^|/)asyncpg/")),
    ("uvicorn/http", re.compile(r"(^|/)(uvicorn|h11|httptools)/")),
    ("msgspec", re.compile(r"(^|/)msgspec/")),
    ("logging", re.compile(r"(^|/)(logging|structlog)/")),
    ("prometheus", re.compile(r"(^|/)prometheus_client/")),
    ("service (ours)", re.compile(r"(^|/)service/")),
    ("asyncio", re.compile(r"(^|/)(asyncio|selectors\.py)")),
    ("stdlib", re.compile(r"^(<frozen|[a-z_]+\.py$|enum|functools|typing|dataclasses)")),
]

# Our code, without the start-up frames every sample passes through.
_OURS = re.compile(r"^service/(?!(cli|server|__main__)\.py)")
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:]*)(:\d+)?\)$")


def executable() -> str | None:
    """The py-spy binary: beside this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.is_file() else shutil.which("py-spy")


@contextmanager
def recording(pid: int, output: Path, duration_s: float) -> Iterator[None]:
    """Sample `pid` (250 Hz, without pausing it) for `duration_s` while the body runs.

    Only samples where a thread holds the GIL count (`--gil`): a thread inside a syscall
    (sending on a loopback socket) otherwise shows as busy while it waits for a core the
    load generator or PostgreSQL holds; the CPU % column measures kernel time instead.
    """
    binary = executable()
    if binary is None:
        raise RuntimeError("py-spy is not installed: pip install py-spy")
    command = [binary, "record", "--pid", str(pid), "--rate", "250", "--nonblocking", "--gil",
               "--format", "raw", "--duration", str(math.ceil(duration_s)),
               "--output", str(output)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        try:
            process.wait(timeout=duration_s + 30)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()


@dataclass
class Summary:
    """Busy samples of a profile, grouped."""

    samples: int
    by_group: list[tuple[str, float]]
    by_self: list[tuple[str, float]]
    by_inclusive: list[tuple[str, float]]


def _parse(frame: str) -> tuple[str, str]:
    found = _FRAME.match(frame)
    if not found:
        return frame, ""
    return found["func"], found["file"]


def _group(path: str) -> str:
    for name, pattern in _GROUPS:
        if pattern.search(path):
            return name
    return "other"


def _short(func: str, path: str) -> str:
    tail = "/".join(Path(path).parts[-2:]) if path else "?"
    return f"{func} ({tail})"


def summarise(raw: Path, top: int = 12) -> Summary:
    """Shares (%) of busy samples by package, and the top functions (self and inclusive)."""
    groups: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_parse(f) for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        total += count
        func, path = frames[-1]
        groups[_group(path)] += count
        own[_short(func, path)] += count
        # Inclusive time is ranked for our own functions: the ones a change here can move.
        for name in {_short(f, p) for f, p in frames if _OURS.match(p)}:
            inclusive[name] += count

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(k, 100 * v / total) for k, v in counter.most_common(top)] if total else []

    return Summary(total, shares(groups), shares(own), shares(inclusive))
