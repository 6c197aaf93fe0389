"""Change ids follow commit order: a reader resuming from the last id it saw misses nothing.

Resumable subscriptions and the response cache's invalidation read the change log as
"every change after id N". That holds only if no transaction can commit a change with an
id below one already visible: the write lock (service/record/history.py) is held from the
transaction's start to its commit. Without it, a writer that drew id 10 and commits after
the writer that drew id 11 is skipped by a reader that already moved past 11.

Here writers on their own connections write through the service's writer, each
transaction kept open a random few milliseconds after its change (a slow transaction,
which the lock must serialize), while a reader pages through the feed's own query,
resuming each time from the last id it saw.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import asyncpg
import pytest

from service.database.named_queries import query
from service.database.pool import init_connection
from service.kinds.actors.description import ACTOR
from service.record import writer
from service.record.history import write_transaction

pytestmark = pytest.mark.db

WRITERS = 8
TRANSACTIONS = 30  # per writer
RECORDS = 2  # per transaction: the first change id is drawn well before the commit
PAGE = 7  # the reader's page: small, so it resumes often


@pytest.fixture
async def wide_pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A connection per writer and one for the reader."""
    pool = await asyncpg.create_pool(
        db_url, min_size=WRITERS + 1, max_size=WRITERS + 1, init=init_connection
    )
    assert pool is not None
    yield pool
    await pool.close()


async def write(pool: asyncpg.Pool, number: int, rng: random.Random) -> None:
    async with pool.acquire() as conn:
        for t in range(TRANSACTIONS):
            async with write_transaction(conn):
                for r in range(RECORDS):
                    await writer.insert(
                        conn,
                        ACTOR,
                        {"slug": f"w{number}-{t}-{r}", "kind": "state", "name": "Writer"},
                        actor_name="test",
                    )
                # Still open after its changes: a slow transaction.
                await asyncio.sleep(rng.random() * 0.004)


async def read_resuming(pool: asyncpg.Pool, writers: asyncio.Future[list[None]]) -> list[int]:
    """Every change id, read page by page from the last id seen, until writers are done."""
    seen: list[int] = []
    last = 0
    async with pool.acquire() as conn:
        while True:
            done = writers.done()
            rows = await conn.fetch(query("live", "changes_after"), last, None, None, PAGE)
            seen += [row["id"] for row in rows]
            if rows:
                last = rows[-1]["id"]
            elif done:
                return seen
            else:
                await asyncio.sleep(0)


async def test_a_reader_resuming_from_its_last_change_id_misses_nothing(
    wide_pool: asyncpg.Pool,
) -> None:
    rng = random.Random(23)
    writers = asyncio.gather(
        *(write(wide_pool, n, random.Random(rng.random())) for n in range(WRITERS))
    )
    seen = await asyncio.wait_for(read_resuming(wide_pool, writers), timeout=120)
    await writers
    committed = [r["id"] for r in await wide_pool.fetch("select id from change order by id")]
    assert len(committed) == WRITERS * TRANSACTIONS * RECORDS
    assert len(seen) == len(set(seen)), "a change was read twice"
    missed = sorted(set(committed) - set(seen))
    assert not missed, f"{len(missed)} changes committed below an id already read: {missed[:10]}"
    assert seen == committed
