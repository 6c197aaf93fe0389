"""One LISTEN connection per process, waking subscribers on every committed change.

Notifications are only wake-up calls: subscribers read the change feed (the `change`
table, in id order) themselves. So a lost notification, a dropped connection or a
database restart costs latency, never a change: on every (re)connect all subscribers
are woken and re-read the feed from where they stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import msgspec

CHANNEL = "record_changes"
REVOCATION_CHANNEL = "api_token_changes"

log = logging.getLogger("service.live")


class ChangeListener:
    """Listens on the change channel with a dedicated connection and reconnects by itself.

    Args:
        dsn: a direct connection to PostgreSQL (not through PgBouncer in transaction
            mode: LISTEN needs a session of its own).
        health_interval: seconds between liveness checks of the connection, which also
            wake subscribers as a safety net.
        retry_delay: first pause before reconnecting (doubles up to 5 s).
    """

    def __init__(self, dsn: str, *, health_interval: float = 10.0, retry_delay: float = 0.2):
        self._dsn = dsn
        self._health_interval = health_interval
        self._retry_delay = retry_delay
        self._waiters: set[asyncio.Event] = set()
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self.latest_change_id = 0
        self.observers: list[Callable[[int], None]] = []
        """Called with each announced change id (the response cache empties itself)."""
        self.token_observers: list[Callable[[], None]] = []
        """Called when a token was revoked or changed (the token cache empties itself)."""
        self.listening_observers: list[Callable[[bool], None]] = []
        """Called with True once both channels are heard, False when the connection is
        lost: what is announced meanwhile is not heard (the token cache turns off)."""

    def start(self) -> None:
        """Start listening in the background."""
        self._task = asyncio.create_task(self._run(), name="change-listener")

    async def stop(self) -> None:
        """Stop listening and release every subscriber."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._wake_all()

    @contextmanager
    def subscribe(self) -> Iterator[asyncio.Event]:
        """An event set whenever changes may have been committed; clear it before reading."""
        event = asyncio.Event()
        event.set()  # read the feed once right away
        self._waiters.add(event)
        try:
            yield event
        finally:
            self._waiters.discard(event)

    def _wake_all(self) -> None:
        for event in self._waiters:
            event.set()

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        try:
            change_id = msgspec.json.decode(payload, type=dict[str, Any])["id"]
        except (msgspec.DecodeError, KeyError, TypeError):
            change_id = 0
        self.latest_change_id = max(self.latest_change_id, int(change_id))
        for observer in self.observers:
            observer(self.latest_change_id)
        self._wake_all()

    def _on_token_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        for observer in self.token_observers:
            observer()

    def _on_terminate(self, conn: Any) -> None:
        self._lost.set()
        self._tell_listening(False)

    def _tell_listening(self, heard: bool) -> None:
        for observer in self.listening_observers:
            observer(heard)

    async def _run(self) -> None:
        delay = self._retry_delay
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": "position-record-listener"}
                )
                self._lost.clear()
                conn.add_termination_listener(self._on_terminate)
                await conn.add_listener(CHANNEL, self._on_notify)
                await conn.add_listener(REVOCATION_CHANNEL, self._on_token_notify)
                self._tell_listening(True)
                delay = self._retry_delay
                # Whatever was committed while we were away is in the feed: re-read it.
                self._wake_all()
                await self._watch(conn)
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                log.warning(
                    "change listener lost its connection: %s; retrying in %.1fs", exc, delay
                )
            finally:
                self._tell_listening(False)
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _watch(self, conn: asyncpg.Connection) -> None:
        """Return when the connection is gone; check it periodically (a silent drop)."""
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), timeout=self._health_interval)
                return
            except TimeoutError:
                pass
            await asyncio.wait_for(conn.fetchval("select 1"), timeout=self._health_interval)
            self._wake_all()
