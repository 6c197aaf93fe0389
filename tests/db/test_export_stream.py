"""An export's stream on real PostgreSQL (#19): a failure after the first piece is logged
and masked as the API masks it, and cuts the transfer short; however the stream ends (to
the last line, failed, left by its client midway or before it began), its snapshot ends
and its connection and slot go back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import msgspec
import pytest

from service.exports.catalog import export_catalog, find_exports
from service.exports.formats import Csv, Ndjson
from service.exports.statement import Exporter, Statement
from service.graphql.schema import build_schema
from service.http.exports import FLUSH_BYTES, ExportStream, Slots
from service.settings import load_settings

pytestmark = [pytest.mark.db]

SETTINGS = load_settings({"ENVIRONMENT": "production"})
SCHEMA = build_schema(SETTINGS)
EXPORTER = Exporter(
    SCHEMA,
    export_catalog(SCHEMA),
    find_exports(SCHEMA)["actors"],
    (SETTINGS.default_page_size, SETTINGS.max_page_size),
)
LINE = "x" * 200
# 1,199 lines, then a division by zero: after the first pieces went out.
FAILING = Statement(
    f"select case when n < 1200 then '\"{LINE}\"' else (1 / (n - n))::text end as line "
    "from generate_series(1, 2000) as n",
    [],
)
ENDLESS = Statement(
    f"select '\"{LINE}\"' as line from generate_series(1, 1000000) as n order by n", []
)


async def open_stream(
    pool: asyncpg.Pool, statement: Statement, slots: Slots, *, ndjson: bool = True
) -> ExportStream:
    format = Ndjson() if ndjson else Csv((), with_deleted=False)
    stream = ExportStream(pool, EXPORTER, statement, format, slots)
    await stream.open()
    return stream


async def drain(chunks: AsyncIterator[bytes], into: list[bytes]) -> None:
    """Read a stream to its end, keeping its pieces."""
    async for piece in chunks:
        into.append(piece)


async def all_idle(pool: asyncpg.Pool) -> bool:
    """Every connection the pool opened is back (none held by a stream)."""
    return bool(pool.get_idle_size() == pool.get_size())


async def test_a_failure_midway_is_masked_logged_and_cuts_the_transfer(
    pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    slots = Slots(2)
    stream = await open_stream(pool, FAILING, slots)
    assert slots.taken == 1
    pieces: list[bytes] = []
    with pytest.raises(asyncpg.DivisionByZeroError):
        await drain(stream.chunks(None), pieces)
    assert len(pieces) >= 2  # lines went out before the failure
    assert len(pieces[0]) >= FLUSH_BYTES
    *lines, last = b"".join(pieces).splitlines()
    assert lines
    assert all(line == f'"{LINE}"'.encode() for line in lines)
    (error,) = msgspec.json.decode(last)["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert "division by zero" not in last.decode()
    logged = [r for r in caplog.records if getattr(r, "error_id", None) == error_id]
    assert logged, "the failure is logged under the errorId the client got"
    assert slots.taken == 0
    assert await all_idle(pool)


async def test_a_csv_failure_midway_ends_without_a_last_line(pool: asyncpg.Pool) -> None:
    slots = Slots(1)
    stream = await open_stream(pool, FAILING, slots, ndjson=False)
    pieces: list[bytes] = []
    with pytest.raises(asyncpg.DivisionByZeroError):
        await drain(stream.chunks(None), pieces)
    assert b"errors" not in b"".join(pieces)
    assert slots.taken == 0
    assert await all_idle(pool)


async def test_a_client_leaving_midway_gives_everything_back(pool: asyncpg.Pool) -> None:
    slots = Slots(1)
    stream = await open_stream(pool, ENDLESS, slots)
    chunks = stream.chunks(None)
    assert await anext(chunks)
    assert slots.taken == 1
    assert not await all_idle(pool)
    await chunks.aclose()  # as the server does when the client goes
    assert slots.taken == 0
    assert await all_idle(pool)
    await stream.close()  # the response's background task: nothing left to do
    assert slots.taken == 0


async def test_a_stream_never_read_gives_everything_back(pool: asyncpg.Pool) -> None:
    slots = Slots(1)
    stream = await open_stream(pool, ENDLESS, slots)
    with pytest.raises(Exception, match="exports are running"):
        await open_stream(pool, ENDLESS, slots)  # the one slot is taken
    await stream.close()  # the response's background task, its client gone at once
    assert slots.taken == 0
    assert await all_idle(pool)
    again = await open_stream(pool, ENDLESS, slots)
    await again.close()


async def test_a_snapshot_holds_no_write_made_after_it_began(pool: asyncpg.Pool) -> None:
    statement = Statement("select id::text as line from record order by id", [])
    stream = await open_stream(pool, statement, Slots(1))
    async with pool.acquire() as conn:
        await conn.execute("insert into record (kind) values ('actor')")
    seen = b"".join([piece async for piece in stream.chunks(None)])
    async with pool.acquire() as conn:
        now = await conn.fetchval("select count(*) from record")
    assert len(seen.splitlines()) == now - 1
