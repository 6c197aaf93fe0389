"""Readers resuming from the last change id they saw miss nothing, while writers run at once.

Resumable subscriptions, the `changes` query and the response cache read the change log
as "every change after id N". Writers do not wait on each other (migration 0013), so a
change may commit while one with a smaller id is still in flight: a reader that passed
the committed one would never see the other. Readers pass settled changes only (see
sql/queries/live.sql).

Here writers write through the service's writer, several changes a transaction, on
records of their own and on records they share (row locks, version conflicts), pausing
at random before, between and after their changes, and rolling a fifth of their
transactions back. Meanwhile three readers resume over and over from the last id they
saw: the feed reader's query, the `changes(since:)` query's page, and subscriptions of a
SharedFeed that stop every few changes and resume with the last id. Each must see every
committed change exactly once, in id order: none missed, none twice, none rolled back.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import pytest

from service.database.named_queries import query
from service.database.pool import init_connection
from service.errors import Conflict
from service.graphql.history import BY_ID, CHANGES
from service.kinds.actors.description import ACTOR
from service.live.feed import SharedFeed, settled_prefix
from service.live.listener import ChangeListener
from service.record import writer
from service.record.history import write_transaction
from service.record.paging import PageRequest

pytestmark = pytest.mark.db

WRITERS = 8
TRANSACTIONS = 30  # per writer
SHARED = 3  # records every writer may update: row locks and version conflicts
PAGE = 7  # the readers' page: small, so they resume often
RESUME_EVERY = 11  # a subscription stops after this many changes, and resumes


class RollBack(Exception):
    """Raised inside a write transaction on purpose."""


@dataclass
class Writes:
    """What the writers did."""

    committed: int = 0
    """Changes committed."""
    rolled_back: int = 0
    """Transactions rolled back after writing at least one change."""


@dataclass
class Reading:
    """What one reader saw, in the order it saw it."""

    seen: list[int] = field(default_factory=list)
    held_back: int = 0
    """Pages that stopped at a committed change not settled yet."""

    @property
    def last(self) -> int:
        return self.seen[-1] if self.seen else 0


@pytest.fixture
async def wide_pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A connection per writer, per reader and for the SharedFeed."""
    size = WRITERS + 4
    pool = await asyncpg.create_pool(db_url, min_size=size, max_size=size, init=init_connection)
    assert pool is not None
    yield pool
    await pool.close()


async def pause(rng: random.Random) -> None:
    """A few milliseconds, or none: transactions overlap in every way."""
    if rng.random() < 0.6:
        await asyncio.sleep(rng.random() * 0.004)


async def create(conn: asyncpg.Connection, slug: str) -> int:
    values = {"slug": slug, "kind": "state", "name": "Writer"}
    record_id: int = (await writer.insert(conn, ACTOR, values, actor_name="test"))["id"]
    return record_id


async def write(
    pool: asyncpg.Pool, number: int, shared: list[int], rng: random.Random, writes: Writes
) -> None:
    own: list[int] = []
    async with pool.acquire() as conn:
        for t in range(TRANSACTIONS):
            changes, created = 0, []
            # At most one shared record a transaction: two in opposite orders would deadlock.
            targets = [rng.choice(shared)]
            try:
                async with write_transaction(conn):
                    await pause(rng)  # open before its first change
                    for w in range(rng.randint(1, 3)):
                        if rng.random() < 0.5 or not (own or targets):
                            created.append(await create(conn, f"w{number}-{t}-{w}"))
                        else:
                            record_id = targets.pop() if targets else rng.choice(own)
                            version = await conn.fetchval(
                                "select version from actor where id = $1", record_id
                            )
                            await writer.update(
                                conn,
                                ACTOR,
                                record_id,
                                version,
                                {"summary": f"{number}-{t}-{w}"},
                                actor_name="test",
                            )
                        changes += 1
                        await pause(rng)  # its change id drawn, its commit not yet made
                    if rng.random() < 0.2:
                        raise RollBack
            except (RollBack, Conflict):
                writes.rolled_back += changes > 0
                continue
            writes.committed += changes
            own += created


async def read_feed_query(pool: asyncpg.Pool, writing: asyncio.Future[Any]) -> Reading:
    """The feed reader's own query, resumed after every page from the last id seen."""
    reading = Reading()
    async with pool.acquire() as conn:
        while True:
            done = writing.done()
            rows = await conn.fetch(query("live", "changes_after"), reading.last, None, None, PAGE)
            changes = settled_prefix(rows)
            reading.seen += [change["id"] for change in changes]
            reading.held_back += len(changes) < len(rows)
            if done and not rows:
                return reading
            if not changes:
                await asyncio.sleep(0.001)


async def read_changes_query(pool: asyncpg.Pool, writing: asyncio.Future[Any]) -> Reading:
    """The `changes` query's pages, each asked `since` the last id seen."""
    reading = Reading()
    async with pool.acquire() as conn:
        while True:
            done = writing.done()
            params = CHANGES.bind({"after_id": reading.last})
            page = await CHANGES.fetch_page(conn, params, BY_ID, PageRequest(first=PAGE), PAGE)
            reading.seen += [row["id"] for row in page.rows]
            if done and not page.rows:
                return reading
            if not page.rows:
                await asyncio.sleep(0.001)


async def read_subscriptions(feed: SharedFeed, newest: asyncio.Future[int]) -> Reading:
    """Subscriptions of the shared feed, each ending after a few changes (or a quiet
    moment) and the next resuming after the last id seen, until the newest change."""
    reading = Reading()
    while not (newest.done() and reading.last >= newest.result()):
        subscription = feed.follow(after=reading.last)
        try:
            for _ in range(RESUME_EVERY):
                change = await asyncio.wait_for(anext(subscription), timeout=0.2)
                reading.seen.append(change["id"])
        except TimeoutError:
            pass
        finally:
            await subscription.aclose()
    return reading


async def test_readers_resuming_from_their_last_change_id_miss_nothing(
    wide_pool: asyncpg.Pool, db_url: str
) -> None:
    async with wide_pool.acquire() as conn, write_transaction(conn):
        shared = [await create(conn, f"shared-{n}") for n in range(SHARED)]
    listener = ChangeListener(db_url)
    listener.start()
    feed = SharedFeed(wide_pool, listener)
    rng = random.Random(23)
    writes = Writes(committed=SHARED)
    writing = asyncio.ensure_future(
        asyncio.gather(
            *(
                write(wide_pool, n, shared, random.Random(rng.random()), writes)
                for n in range(WRITERS)
            )
        )
    )
    newest: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    readers = asyncio.gather(
        read_feed_query(wide_pool, writing),
        read_changes_query(wide_pool, writing),
        read_subscriptions(feed, newest),
    )
    try:
        await asyncio.wait_for(asyncio.shield(writing), timeout=120)
        newest.set_result(await wide_pool.fetchval("select max(id) from change"))
        readings = await asyncio.wait_for(readers, timeout=60)
    finally:
        await feed.stop()
        await listener.stop()

    committed = [r["id"] for r in await wide_pool.fetch("select id from change order by id")]
    assert len(committed) == writes.committed
    drawn = await wide_pool.fetchval("select last_value from change_id_seq")
    assert writes.rolled_back > 0
    assert drawn > len(committed)  # ids drawn, then rolled back
    for name, reading in zip(("feed query", "changes", "subscriptions"), readings, strict=True):
        assert len(reading.seen) == len(set(reading.seen)), f"{name}: a change seen twice"
        missed = sorted(set(committed) - set(reading.seen))
        assert not missed, f"{name}: {len(missed)} committed changes missed: {missed[:10]}"
        assert reading.seen == committed, f"{name}: not in id order"
    # The case at stake happened: a change committed while one below it was in flight.
    assert readings[0].held_back > 0
