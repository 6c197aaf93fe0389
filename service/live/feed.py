"""Follow the change feed: first what was missed, then live changes, no gap, no duplicate.

One reader per process reads the feed when the listener wakes it and hands each new
change to every subscription of the process, which keeps the ones its filter wants. So
a committed change costs one read of the feed per process, not one per subscription
(1,000 subscriptions made 1,000 reads of `change` per write, and as many every 10 s on
the listener's health check). The reader runs only while someone follows.

A subscription resuming from an older change reads what it missed from the database
itself, up to where the reader stood when it joined; everything after arrives from the
reader. A subscription whose client reads slower than changes come, so that
FOLLOWER_BACKLOG changes pile up for it, is dropped by the reader and reads from the
database like a newcomer: memory stays bounded, and nothing is lost.

Both read only settled changes (sql/queries/live.sql): writers do not wait on each
other, so a change may commit while one with a smaller id is still in flight; the
reader stops before it, and goes on once the one in flight has committed (its NOTIFY
wakes the reader) or rolled back (nothing is announced: the reader polls while it is
held back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from service.database.named_queries import query
from service.live.listener import ChangeListener
from service.live.rows import SharedRows

BATCH = 200
FOLLOWER_BACKLOG = 2000
RETRY_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 5.0)
# Reading again while held back: a transaction in flight usually ends within
# milliseconds; one that rolls back, or holds the feed back without writing a change,
# announces nothing.
HELD_BACK_POLL_S = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
HELD_BACK_WARNING_S = 10.0

log = logging.getLogger("service.live")


async def settled_change_id(pool: asyncpg.Pool) -> int:
    """The id of the newest settled change (0 on an empty record): every change up to it
    is committed or rolled back for good, none below it can commit any more."""
    settled: int = await pool.fetchval(query("live", "settled_change_id"))
    return settled


def settled_prefix(rows: Sequence[asyncpg.Record]) -> list[dict[str, Any]]:
    """The changes of a `changes_after` page up to the first not settled, without the
    `settled` column: what a reader may hand on and move past."""
    changes = []
    for row in rows:
        change = dict(row)
        if not change.pop("settled"):
            break
        changes.append(change)
    return changes


@dataclass(eq=False)
class _Follower:
    """One subscription's share of the reader: the changes after `joined_at`, in order."""

    joined_at: int
    changes: deque[dict[str, Any]] = field(default_factory=deque)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False


class SharedFeed:
    """The process's reader of the change feed, and the subscriptions following it."""

    def __init__(self, pool: asyncpg.Pool, listener: ChangeListener) -> None:
        self.pool = pool
        self.listener = listener
        self.reads = 0
        """Reads of the feed by the reader."""
        self.catch_up_reads = 0
        """Reads of the feed by subscriptions reading what they missed."""
        self.drops = 0
        """Subscriptions dropped by the reader for reading too slowly."""
        self.held_back = 0
        """Reads by the reader that stopped at a change not settled yet."""
        self.rows = SharedRows()
        """The current rows of records that changed, loaded once for every subscription."""
        self._followers: set[_Follower] = set()
        self._head = 0
        self._reader: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def follow(
        self,
        *,
        after: int | None,
        kinds: Sequence[str] | None = None,
        record_ids: Sequence[int] | None = None,
    ) -> AsyncGenerator[dict[str, Any]]:
        """Yield change rows after change `after` (None: from now on), forever.

        Args:
            after: the last change id the client saw; every later change is yielded once.
            kinds: only changes of these record kinds.
            record_ids: only changes of these records.
        """
        last = await settled_change_id(self.pool) if after is None else after
        kind_list = list(kinds) if kinds else None
        id_list = list(record_ids) if record_ids else None
        wanted_kinds = set(kind_list or ())
        wanted_ids = set(id_list or ())
        follower = await self._join()
        try:
            while True:
                if follower.dropped:
                    self._leave(follower)
                    follower = await self._join()
                # What came before the reader's position when we joined: from the database.
                while last < follower.joined_at:
                    self.catch_up_reads += 1
                    changes = settled_prefix(
                        await self.pool.fetch(
                            query("live", "changes_after"), last, kind_list, id_list, BATCH
                        )
                    )
                    for change in changes:
                        last = change["id"]
                        yield change
                    if len(changes) < BATCH:
                        # Every wanted change up to joined_at is out: the reader had passed
                        # it, so it was settled, and a page stops only past it.
                        last = max(last, follower.joined_at)
                # Then what the reader hands on.
                while follower.changes:
                    change = follower.changes.popleft()
                    if change["id"] <= last:
                        continue  # already read from the database
                    last = change["id"]
                    if (not wanted_kinds or change["kind"] in wanted_kinds) and (
                        not wanted_ids or change["record_id"] in wanted_ids
                    ):
                        yield dict(change)
                if not follower.dropped:
                    follower.arrived.clear()
                    await follower.arrived.wait()
        finally:
            self._leave(follower)

    @property
    def following(self) -> int:
        """How many subscriptions follow the reader now."""
        return len(self._followers)

    @property
    def reading(self) -> bool:
        """Whether the reader runs (only while someone follows)."""
        return self._reader is not None and not self._reader.done()

    async def stop(self) -> None:
        """Stop the reader (at shutdown)."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _join(self) -> _Follower:
        async with self._starting:
            if self._reader is None or self._reader.done():
                self._head = await settled_change_id(self.pool)
                # While nobody followed, changes went unheard: the rows kept may be stale.
                # After reading the head: every change past it will be heard, and forget.
                self.rows.clear()
                self._reader = asyncio.create_task(self._read(), name="change-feed-reader")
                self._reader.add_done_callback(_report_end)
        # No await from here on: the reader cannot move between reading its position and
        # counting us in, so every change after `joined_at` reaches us.
        follower = _Follower(joined_at=self._head)
        self._followers.add(follower)
        return follower

    def _leave(self, follower: _Follower) -> None:
        self._followers.discard(follower)
        if not self._followers and self._reader is not None:
            self._reader.cancel()  # nobody follows: no reads until someone does
            self._reader = None

    async def _read(self) -> None:
        failures = 0
        held_back_since: float | None = None  # waiting at the same change since then
        polls = 0
        warned = False
        with self.listener.subscribe() as wake:
            while True:
                wake.clear()  # before reading: a change committed meanwhile sets it again
                try:
                    self.reads += 1
                    rows = await self.pool.fetch(
                        query("live", "changes_after"), self._head, None, None, BATCH
                    )
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    # A database outage: subscriptions wait, then get everything they missed.
                    delay = RETRY_DELAYS_S[min(failures, len(RETRY_DELAYS_S) - 1)]
                    failures += 1
                    log.warning("change feed unreadable: %s; retrying in %.1fs", exc, delay)
                    await asyncio.sleep(delay)
                    continue
                failures = 0
                changes = settled_prefix(rows)
                self._hand_on(changes)
                if len(changes) == len(rows):
                    held_back_since = None
                    if len(rows) < BATCH:
                        await wake.wait()
                    continue
                # Held back: the one in flight wakes us when it commits, not if it rolls back.
                self.held_back += 1
                if changes or held_back_since is None:
                    held_back_since, polls, warned = time.monotonic(), 0, False
                waited = time.monotonic() - held_back_since
                if waited >= HELD_BACK_WARNING_S and not warned:
                    warned = True
                    await self._report_held_back(waited)
                delay = HELD_BACK_POLL_S[min(polls, len(HELD_BACK_POLL_S) - 1)]
                polls += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=delay)

    async def _report_held_back(self, seconds: float) -> None:
        """Say that the feed is held back, naming the oldest transaction running: what
        holds it back, most likely (one that began before the next change was written)."""
        try:
            oldest = await self.pool.fetchrow(query("live", "oldest_running_transaction"))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            oldest = None
        log.warning(
            "change feed held back for %.0f s after change %d by a transaction still "
            "running (oldest: %s); see docs/OPERATIONS.md, long transactions",
            seconds,
            self._head,
            dict(oldest) if oldest is not None else "unknown",
        )

    def _hand_on(self, changes: list[dict[str, Any]]) -> None:
        if not changes:
            return
        self._head = changes[-1]["id"]
        for change in changes:
            self.rows.forget(change["kind"], change["record_id"])
        for follower in self._followers:
            if follower.dropped:
                continue
            if len(follower.changes) + len(changes) > FOLLOWER_BACKLOG:
                # Its client reads slower than changes come: it reads from the database.
                follower.dropped = True
                follower.changes.clear()
                self.drops += 1
            else:
                follower.changes.extend(changes)
            follower.arrived.set()


def _report_end(reader: asyncio.Task[None]) -> None:
    # The reader only ends by cancellation; anything else is a bug worth a loud line (the
    # next subscription to join starts a new reader).
    if not reader.cancelled() and reader.exception() is not None:
        log.error("change feed reader failed", exc_info=reader.exception())
