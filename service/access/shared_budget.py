"""Rate budgets shared by the worker processes of one `serve` (WORKERS > 1).

Each worker counting alone would give a caller up to WORKERS times RATE_LIMIT, since a
new connection may land on any worker. Here the workers count in one file that `serve`
creates before starting them, mapped into each (mmap), as Prometheus' multiprocess mode
shares its metrics.

The file is a hash table of BUCKETS buckets of SLOTS_PER_BUCKET slots; a key (hashed to
64 bits) lives in one slot of its bucket: (key hash, window end, operations spent). A
bucket is read and written under an exclusive fcntl lock on its bytes, so two workers
spending for the same caller never lose a count. A key whose bucket is full of live
windows takes the slot of the window that ends first: that caller's budget starts again
early (the limiter errs on the side of serving; it needs more than 8 callers in one
bucket of 4,096 within one window).

Windows end by CLOCK_MONOTONIC, which all processes of the machine share.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

from service.access.rate_limit import WINDOW_S, Spend

BUCKETS = 4096
SLOTS_PER_BUCKET = 8
_SLOT = struct.Struct("<Qdq")  # key hash (0: free), window end, operations spent
_BUCKET_BYTES = _SLOT.size * SLOTS_PER_BUCKET
FILE_BYTES = BUCKETS * _BUCKET_BYTES


def create_windows_file(path: Path) -> None:
    """The empty table, for the workers to map (called by `serve` before they start)."""
    with path.open("wb") as handle:
        handle.truncate(FILE_BYTES)


def _key_hash(key: str) -> int:
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1  # 0 marks a free slot


class SharedRateBudget:
    """`limit` operations per key per window, counted in a file all workers map."""

    def __init__(self, limit: int, path: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._fd = os.open(path, os.O_RDWR)
        if os.fstat(self._fd).st_size != FILE_BYTES:
            os.close(self._fd)
            raise ValueError(f"{path} is not a rate-limit table ({FILE_BYTES} bytes expected)")
        self._map = mmap.mmap(self._fd, FILE_BYTES)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        """Itself: a budget is one count that every route spending it shares. Litestar
        deep-copies a router's middleware when it registers the router, which gave the
        exports a budget of their own beside the API's."""
        return self

    def spend(self, key: str) -> Spend:
        """Count one operation of `key`, unless its budget is spent (allowed=False)."""
        wanted = _key_hash(key)
        base = (wanted % BUCKETS) * _BUCKET_BYTES
        fcntl.lockf(self._fd, fcntl.LOCK_EX, _BUCKET_BYTES, base, os.SEEK_SET)
        try:
            now = self._clock()
            offset, end, spent = self._slot_of(base, wanted, now)
            spend = Spend.of(self.limit, spent, end, now)
            if spend.allowed:
                _SLOT.pack_into(self._map, offset, wanted, end, spent + 1)
            return spend
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, _BUCKET_BYTES, base, os.SEEK_SET)

    def _slot_of(self, base: int, wanted: int, now: float) -> tuple[int, float, int]:
        """The key's slot in its bucket (offset, window end, spent): its live window, or
        a new one in a free slot, an ended one, or the one that ends first."""
        reuse: tuple[float, int] | None = None  # (window end, offset) of the slot to take
        for offset in range(base, base + _BUCKET_BYTES, _SLOT.size):
            held_by, end, spent = _SLOT.unpack_from(self._map, offset)
            if held_by == wanted and end > now:
                return offset, end, spent
            candidate = (end if held_by and end > now else -math.inf, offset)
            if reuse is None or candidate < reuse:
                reuse = candidate
        assert reuse is not None
        return reuse[1], now + WINDOW_S, 0

    def close(self) -> None:
        """Unmap the table (the file stays, for the other workers)."""
        self._map.close()
        os.close(self._fd)
