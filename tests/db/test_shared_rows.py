"""SharedRows on a real database: one read of a changed record for all its subscriptions,
read anew after the record's next change, and robust to a subscription leaving mid-read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from service.live.feed import SharedFeed
from service.live.rows import SharedRows
from tests.db.test_shared_feed import commit_changes, started, until

pytestmark = pytest.mark.db


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(db_url, min_size=1, max_size=5) as created:
        await created.execute(
            "create table thing (id bigint primary key, name text);"
            "insert into thing values (1, 'first'), (2, 'other')"
        )
        yield created


class CountedLoads:
    """Reads of `thing` rows, counted, optionally slow or failing once."""

    def __init__(self, pool: asyncpg.Pool, delay_s: float = 0.0, fail_first: bool = False):
        self.pool = pool
        self.delay_s = delay_s
        self.fail_first = fail_first
        self.count = 0

    def of(self, record_id: int) -> Any:
        async def load() -> Any:
            self.count += 1
            if self.fail_first and self.count == 1:
                raise asyncpg.PostgresConnectionError("the database went away")
            return await self.pool.fetchrow(
                "select id, name, pg_sleep($2) from thing where id = $1", record_id, self.delay_s
            )

        return load


async def test_every_subscription_shares_one_read_of_a_changed_record(
    pool: asyncpg.Pool,
) -> None:
    rows = SharedRows()
    loads = CountedLoads(pool, delay_s=0.05)
    got = await asyncio.gather(*(rows.get("actor", 1, loads.of(1)) for _ in range(50)))
    assert {row["name"] for row in got} == {"first"}
    assert loads.count == 1
    # Later readers of the same change share it too; another record is its own read.
    assert (await rows.get("actor", 1, loads.of(1)))["name"] == "first"
    assert (await rows.get("actor", 2, loads.of(2)))["name"] == "other"
    assert loads.count == rows.loads == 2


async def test_the_next_change_of_a_record_makes_it_read_anew(
    feed: SharedFeed, pool: asyncpg.Pool
) -> None:
    loads = CountedLoads(pool)
    following = await started(feed, [_first_change(feed)])
    assert (await feed.rows.get("actor", 1, loads.of(1)))["name"] == "first"
    await pool.execute("update thing set name = 'renamed' where id = 1")
    await commit_changes(pool, ["actor"], record_id=1)
    await asyncio.gather(*following)  # the feed has handed the change on
    assert (await feed.rows.get("actor", 1, loads.of(1)))["name"] == "renamed"
    assert loads.count == 2


async def _first_change(feed: SharedFeed) -> list[int]:
    stream = feed.follow(after=None)
    change = await anext(stream)
    await stream.aclose()
    return [change["id"]]


async def test_a_subscription_leaving_mid_read_does_not_cancel_it_for_the_others(
    pool: asyncpg.Pool,
) -> None:
    rows = SharedRows()
    loads = CountedLoads(pool, delay_s=0.3)
    leaving = asyncio.ensure_future(rows.get("actor", 1, loads.of(1)))
    staying = asyncio.ensure_future(rows.get("actor", 1, loads.of(1)))
    await until(lambda: loads.count == 1)  # the shared read has started
    leaving.cancel()
    assert (await staying)["name"] == "first"
    assert loads.count == 1


async def test_a_failed_read_is_not_kept(pool: asyncpg.Pool) -> None:
    rows = SharedRows()
    loads = CountedLoads(pool, fail_first=True)
    with pytest.raises(asyncpg.PostgresConnectionError):
        await rows.get("actor", 1, loads.of(1))
    assert (await rows.get("actor", 1, loads.of(1)))["name"] == "first"
    assert loads.count == 2


async def test_rows_kept_while_nobody_followed_are_read_anew(
    feed: SharedFeed, pool: asyncpg.Pool
) -> None:
    loads = CountedLoads(pool)
    await asyncio.gather(*await started(feed, [_first_change_after_one(feed, pool)]))
    assert (await feed.rows.get("actor", 1, loads.of(1)))["name"] == "first"
    assert not feed.reading  # nobody follows: the next change goes unheard
    await pool.execute("update thing set name = 'changed unheard' where id = 1")
    await commit_changes(pool, ["actor"], record_id=1)
    # A subscription resuming from before that change: its reader starts afresh.
    resumed = feed.follow(after=0)
    await anext(resumed)
    assert (await feed.rows.get("actor", 1, loads.of(1)))["name"] == "changed unheard"
    await resumed.aclose()


async def _first_change_after_one(feed: SharedFeed, pool: asyncpg.Pool) -> list[int]:
    stream = feed.follow(after=None)
    waiting = asyncio.ensure_future(anext(stream))
    await until(lambda: feed.following == 1)  # joined: it gets every later change
    await commit_changes(pool, ["statement"], record_id=2)
    change = await waiting
    await stream.aclose()
    return [change["id"]]
