"""SharedFeed on a real database: one read per change for every subscription of a process,
no gap and no duplicate when resuming, slow subscriptions dropped to the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from service.live import feed as feed_module
from service.live.feed import BATCH, SharedFeed
from service.live.listener import ChangeListener

pytestmark = pytest.mark.db


async def commit_changes(pool: asyncpg.Pool, kinds: list[str], record_id: int = 1) -> list[int]:
    """One committed change per kind, each in its own transaction (and NOTIFY)."""
    ids = []
    for kind in kinds:
        ids.append(
            await pool.fetchval(
                "insert into change (record_id, kind, operation, version, actor_name)"
                " values ($1, $2, 'create', 1, 'test') returning id",
                record_id,
                kind,
            )
        )
    return ids


async def collect(
    stream: AsyncIterator[dict[str, Any]], count: int, timeout: float = 10.0
) -> list[int]:
    """The ids of the next `count` changes of a subscription."""
    ids: list[int] = []
    async with asyncio.timeout(timeout):
        async for change in stream:
            ids.append(change["id"])
            if len(ids) == count:
                break
    return ids


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a state of the feed (it has no event to wait on: polled, bound generously)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the feed never got there in {timeout} s")
        await asyncio.sleep(0.01)


async def started(
    feed: SharedFeed, followers: list[Awaitable[list[int]]]
) -> list[asyncio.Task[list[int]]]:
    """Tasks following the feed, once every one has joined it."""
    tasks = [asyncio.ensure_future(f) for f in followers]
    await until(lambda: feed.following == len(tasks))
    return tasks


async def test_every_subscription_gets_its_changes_for_one_read_per_change(
    feed: SharedFeed, pool: asyncpg.Pool
) -> None:
    actors = [collect(feed.follow(after=None, kinds=["actor"]), 3) for _ in range(30)]
    statements = [collect(feed.follow(after=None, kinds=["statement"]), 2) for _ in range(30)]
    one_record = [collect(feed.follow(after=None, record_ids=[7]), 1) for _ in range(10)]
    everything = [collect(feed.follow(after=None), 6) for _ in range(10)]
    tasks = await started(feed, [*actors, *statements, *one_record, *everything])
    reads_before = feed.reads
    kinds = ["actor", "statement", "actor", "statement", "actor"]
    ids = await commit_changes(pool, kinds)
    ids += await commit_changes(pool, ["warning"], record_id=7)
    results = await asyncio.gather(*tasks)

    actor_ids = [i for i, k in zip(ids, kinds, strict=False) if k == "actor"]
    statement_ids = [i for i, k in zip(ids, kinds, strict=False) if k == "statement"]
    assert results[:30] == [actor_ids] * 30
    assert results[30:60] == [statement_ids] * 30
    assert results[60:70] == [[ids[-1]]] * 10
    assert results[70:] == [ids] * 10
    # 80 subscriptions, 6 changes: the reader read at most twice a change (a wake-up may
    # come while it reads), where each subscription used to read once a change itself.
    # (Not counting reads held back: on a server others share, their transactions may
    # hold a change back for a moment, and the reader reads again.)
    assert feed.reads - feed.held_back - reads_before <= 2 * len(ids)
    assert feed.catch_up_reads == 0
    await until(lambda: not feed.reading)  # all done: nobody follows, nothing reads


async def test_resuming_reads_what_was_missed_then_live_changes_no_gap_no_duplicate(
    feed: SharedFeed, pool: asyncpg.Pool
) -> None:
    # Someone is following already, so the reader stands at the feed's end when we join.
    live_follower = await started(feed, [collect(feed.follow(after=None), BATCH + 60)])
    last_seen = (await commit_changes(pool, ["actor"]))[0]
    missed = await commit_changes(pool, ["actor"] * (BATCH + 50))  # more than a batch
    await until(lambda: feed.reads > 2)

    async def write_while_resuming() -> list[int]:
        return await commit_changes(pool, ["statement"] * 10)

    resumed = collect(feed.follow(after=last_seen), BATCH + 60)
    got, written = await asyncio.gather(resumed, write_while_resuming())
    assert got == [*missed, *written]
    assert feed.catch_up_reads >= 2  # the missed part came from the database
    assert (await asyncio.gather(*live_follower))[0] == [last_seen, *missed, *written][: BATCH + 60]


async def test_a_subscription_reading_too_slowly_is_dropped_and_loses_nothing(
    feed: SharedFeed, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_module, "FOLLOWER_BACKLOG", 5)
    slow = feed.follow(after=None)
    fast = await started(feed, [collect(feed.follow(after=None), 20)])
    first = asyncio.ensure_future(anext(slow))  # joins, then waits for a change
    await until(lambda: feed.following == 2)
    ids = await commit_changes(pool, ["actor"])
    assert (await first)["id"] == ids[0]
    # The slow subscription reads nothing while 19 more changes come, one at a time.
    ids += await commit_changes(pool, ["actor"] * 19)
    assert (await asyncio.gather(*fast))[0] == ids
    # The slow one was dropped (the fast one too, when the reader read more than 5 changes
    # at once: with the real backlog of 2,000 a batch of 200 never does that).
    assert feed.drops >= 1
    rest = await collect(slow, 19)
    assert rest == ids[1:]
    assert feed.catch_up_reads >= 1
    await slow.aclose()
    assert feed.following == 0
    assert not feed.reading


async def test_the_reader_reads_only_while_someone_follows(
    feed: SharedFeed, pool: asyncpg.Pool
) -> None:
    assert not feed.reading
    stream = feed.follow(after=None)
    waiting = asyncio.ensure_future(anext(stream))
    await until(lambda: feed.reading)
    ids = await commit_changes(pool, ["actor"])
    assert (await waiting)["id"] == ids[0]
    await stream.aclose()
    assert not feed.reading
    reads = feed.reads
    unheard = await commit_changes(pool, ["actor"] * 3)
    # The listener heard them (what would wake a reader), and a moment passes: no read.
    await until(lambda: feed.listener.latest_change_id >= unheard[-1])
    await asyncio.sleep(0.3)  # a window for a wrong read, not a signal
    assert feed.reads == reads
    # A new subscription starts it again, from the feed's end.
    again = await started(feed, [collect(feed.follow(after=None), 1)])
    newer = await commit_changes(pool, ["actor"])
    assert (await asyncio.gather(*again))[0] == newer


async def test_the_reader_retries_while_the_feed_cannot_be_read(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Reads give up after 300 ms: a table locked by another session makes them fail.
    async with asyncpg.create_pool(
        db_url, min_size=1, max_size=3, server_settings={"statement_timeout": "300"}
    ) as impatient:
        # Its health check wakes the reader every 0.2 s, as a NOTIFY would.
        listener = ChangeListener(db_url, health_interval=0.2)
        listener.start()
        feed = SharedFeed(impatient, listener)
        blocker = await asyncpg.connect(db_url)
        try:
            stream = feed.follow(after=None)
            waiting = asyncio.ensure_future(anext(stream))
            await until(lambda: feed.reading and feed.reads >= 1)
            transaction = blocker.transaction()
            await transaction.start()
            await blocker.execute("lock table change in access exclusive mode")
            reads = feed.reads
            await until(lambda: feed.reads >= reads + 2)  # it failed, waited, tried again
            assert not waiting.done()
            change_id = await blocker.fetchval(
                "insert into change (record_id, kind, operation, version, actor_name)"
                " values (1, 'actor', 'create', 1, 'test') returning id"
            )
            await transaction.commit()
            assert (await asyncio.wait_for(waiting, 10))["id"] == change_id
            assert "change feed unreadable" in caplog.text
            await stream.aclose()
        finally:
            await blocker.close()
            await feed.stop()
            await listener.stop()
