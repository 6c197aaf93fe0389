"""Writers do not wait on each other, and readers do not pass a change in flight.

Writer A holds its transaction open after its change; writer B, on another record,
commits meanwhile (it used to wait for A's commit, behind one global lock). B's change
has the larger id: readers of the feed stop before it until A commits or rolls back,
then deliver every change once. One record's history shows B at once: its own changes
are ordered by the record's row lock.

Settling waits for every transaction of the server holding a transaction id that began
before the change was drawn, other databases' too: on a server other tests share, a
change settles a moment later. So "settled" is waited for (briefly), "held back" is not.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from service.database.named_queries import query
from service.graphql.history import BY_ID, CHANGES, RECORD_CHANGES
from service.http.cached_answers import data_version
from service.kinds.actors.description import ACTOR
from service.live import feed as feed_module
from service.live.feed import SharedFeed, settled_change_id, settled_prefix
from service.record import writer
from service.record.history import write_transaction
from service.record.paging import PageRequest

pytestmark = pytest.mark.db


class Held:
    """A write transaction kept open after its change, ended when the test says."""

    def __init__(self, pool: asyncpg.Pool, slug: str) -> None:
        self.pool = pool
        self.slug = slug
        self.written: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        """Its change id, once drawn (its transaction sees its own change)."""
        self.end = asyncio.Event()
        self.commit = True
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        async with self.pool.acquire() as conn:
            try:
                async with write_transaction(conn):
                    self.written.set_result(await change_of(conn, await create(conn, self.slug)))
                    await self.end.wait()
                    if not self.commit:
                        raise RollBack
            except RollBack:
                pass

    async def finish(self, *, commit: bool) -> None:
        self.commit = commit
        self.end.set()
        await self.task


class RollBack(Exception):
    """Ends a held transaction with a rollback."""


@pytest.fixture
async def held(pool: asyncpg.Pool) -> AsyncIterator[Held]:
    """Writer A: an actor created, its transaction open."""
    a = Held(pool, "writer-a")
    await a.written
    yield a
    if not a.task.done():
        await a.finish(commit=False)


async def create(conn: asyncpg.Connection, slug: str) -> int:
    values = {"slug": slug, "kind": "state", "name": slug}
    record_id: int = (await writer.insert(conn, ACTOR, values, actor_name="test"))["id"]
    return record_id


async def change_of(conn: asyncpg.Connection | asyncpg.Pool, record_id: int) -> int:
    change_id: int = await conn.fetchval("select id from change where record_id = $1", record_id)
    return change_id


async def commit_a_write(pool: asyncpg.Pool, slug: str) -> int:
    """Writer B: an actor created and committed; returns its change id."""
    async with pool.acquire() as conn:
        async with write_transaction(conn):
            record_id = await create(conn, slug)
        return await change_of(conn, record_id)


async def until_settled(pool: asyncpg.Pool, change_id: int) -> None:
    """Wait for `change_id` to settle (at once, unless others' transactions hold it)."""
    deadline = time.monotonic() + 8
    while await settled_change_id(pool) < change_id:
        assert time.monotonic() < deadline, f"change {change_id} never settled"
        await asyncio.sleep(0.01)


async def feed_page(pool: asyncpg.Pool, after: int) -> tuple[list[int], list[int]]:
    """The ids a feed reader may hand on after `after`, and those it reads in all."""
    rows = await pool.fetch(query("live", "changes_after"), after, None, None, 100)
    return [c["id"] for c in settled_prefix(rows)], [r["id"] for r in rows]


async def changes_since(pool: asyncpg.Pool, after: int) -> list[int]:
    """The ids the `changes(since:)` query lists."""
    params = CHANGES.bind({"after_id": after})
    page = await CHANGES.fetch_page(pool, params, BY_ID, PageRequest(first=100), 100)
    return [row["id"] for row in page.rows]


async def history(pool: asyncpg.Pool, change_id: int) -> list[int]:
    """The ids `history(id)` lists for the record of change `change_id`."""
    record_id = await pool.fetchval("select record_id from change where id = $1", change_id)
    params = RECORD_CHANGES.bind({"record_id": record_id, "kinds": ["actor"]})
    page = await RECORD_CHANGES.fetch_page(pool, params, BY_ID, PageRequest(first=10), 10)
    return [row["id"] for row in page.rows]


async def test_a_writer_commits_while_another_holds_its_transaction_open(
    pool: asyncpg.Pool, held: Held
) -> None:
    head = await settled_change_id(pool)
    a = await held.written
    started = time.perf_counter()
    b = await asyncio.wait_for(commit_a_write(pool, "writer-b"), timeout=5)
    assert time.perf_counter() - started < 1.0  # it did not wait for A
    assert a < b  # A drew its id first, and is still in flight

    # B is committed, but A may still commit below it: readers of the feed stop before B.
    assert await feed_page(pool, head) == ([], [b])
    assert await changes_since(pool, head) == []
    assert await settled_change_id(pool) == head
    assert await data_version(pool) == (head, 1)  # B counts: the cache sees it landed
    assert await history(pool, b) == [b]  # one record's history needs no wait

    await held.finish(commit=True)
    await until_settled(pool, b)
    assert await feed_page(pool, head) == ([a, b], [a, b])
    assert await changes_since(pool, head) == [a, b]
    assert await settled_change_id(pool) == b
    assert await data_version(pool) == (b, 0)


async def test_the_feed_moves_on_when_the_transaction_below_rolls_back(
    pool: asyncpg.Pool, feed: SharedFeed, held: Held
) -> None:
    subscription = feed.follow(after=None)
    first = asyncio.ensure_future(anext(subscription))
    b = await commit_a_write(pool, "writer-b")
    await asyncio.sleep(0.3)
    assert not first.done()  # held back: A's id is below B's
    assert feed.held_back > 0
    # A rollback announces nothing: the reader, held back, reads again by itself (long
    # before the listener's 10 s health check would wake it).
    await held.finish(commit=False)
    change: dict[str, Any] = await asyncio.wait_for(first, timeout=8)
    assert change["id"] == b
    assert await feed_page(pool, 0) == ([b], [b])  # A's change never was
    await subscription.aclose()


async def test_only_a_transaction_holding_a_transaction_id_holds_readers_back(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as idle:
        # Idle in a transaction that wrote nothing: it has no transaction id, holds nothing.
        await idle.execute("begin")
        await idle.fetchval("select count(*) from actor")
        first = await commit_a_write(pool, "first")
        await until_settled(pool, first)

        # One holding a transaction id (it wrote something, anywhere) holds back every
        # change drawn after it began, until it ends: docs/OPERATIONS.md says so.
        await idle.fetchval("select pg_current_xact_id()")
        second = await commit_a_write(pool, "second")
        assert await feed_page(pool, first) == ([], [second])
        await idle.execute("rollback")
        await until_settled(pool, second)
        assert await feed_page(pool, first) == ([second], [second])


async def test_the_feed_says_what_holds_it_back(
    pool: asyncpg.Pool,
    feed: SharedFeed,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(feed_module, "HELD_BACK_WARNING_S", 0.1)
    subscription = feed.follow(after=None)
    first = asyncio.ensure_future(anext(subscription))
    async with pool.acquire() as idle:
        await idle.execute("begin")
        await idle.fetchval("select pg_current_xact_id()")
        pid = await idle.fetchval("select pg_backend_pid()")
        change_id = await commit_a_write(pool, "held")
        deadline = time.monotonic() + 8
        while "change feed held back" not in caplog.text:
            assert time.monotonic() < deadline, "no warning"
            await asyncio.sleep(0.05)
        # The oldest transaction running: this one (or, on a server others share, theirs).
        assert f"'pid': {pid}," in caplog.text or os.environ.get("TEST_DATABASE_URL")
        await idle.execute("rollback")
    assert (await asyncio.wait_for(first, timeout=8))["id"] == change_id
    await subscription.aclose()
