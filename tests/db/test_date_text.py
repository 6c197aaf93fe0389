"""The compiled answers write dates as service.record.dates.write_date does, early years
included, and PostgreSQL computes a date's latest instant as Python does."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from service.graphql.compiled.sql_json import dated_text, precise_date_text
from service.record.dates import EARLIEST, LATEST, PreciseDate, latest_instant, write_date
from service.vocab import DatePrecision

pytestmark = [pytest.mark.db]


async def test_postgresql_writes_every_precision_as_python_does(pg_dsn: str) -> None:
    rng = random.Random(1204)
    start, end = EARLIEST.timestamp(), LATEST.timestamp()
    moments = [datetime.fromtimestamp(rng.uniform(start, end), UTC) for _ in range(4000)]
    moments += [datetime(y, 3, 1, tzinfo=UTC) for y in (2, 50, 999, 1000, 9999)]
    moments += [EARLIEST, LATEST, datetime.combine(date(999, 12, 31), datetime.min.time(), UTC)]
    rows = [(m, p.value) for m in moments for p in DatePrecision]
    conn = await asyncpg.connect(pg_dsn)
    try:
        # The session's time zone must not matter: the text is written in UTC.
        await conn.execute("set time zone 'Asia/Kathmandu'")
        written = await conn.fetch(
            f"select {precise_date_text('at', 'precision')} as text "
            "from unnest($1::timestamptz[], $2::text[]) with ordinality as t (at, precision, n) "
            "order by n",
            [m for m, _ in rows],
            [p for _, p in rows],
        )
    finally:
        await conn.close()
    different = [
        (m, p, r["text"], write_date(m, p))
        for (m, p), r in zip(rows, written, strict=True)
        if r["text"] != write_date(m, p)
    ]
    assert not different, different[:5]


def _period_starts(rng: random.Random, count: int) -> list[tuple[datetime, str]]:
    """Dates as stored: each precision's period start (any microsecond for a time)."""
    found = []
    first, last = date(2, 1, 1).toordinal(), date(9999, 12, 30).toordinal()
    for _ in range(count):
        day = date.fromordinal(rng.randint(first, last))
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        found += [
            (midnight.replace(month=1, day=1), "year"),
            (midnight.replace(day=1), "month"),
            (midnight, "day"),
            (midnight + timedelta(microseconds=rng.randrange(86_400_000_000)), "time"),
        ]
    # Leap years' Februaries, and the last year the record keeps.
    found += [(datetime(y, 2, 1, tzinfo=UTC), "month") for y in (1900, 2000, 2024, 2026)]
    found += [
        (datetime(9999, 1, 1, tzinfo=UTC), "year"),
        (datetime(9999, 12, 1, tzinfo=UTC), "month"),
    ]
    return found


async def test_postgresql_computes_the_latest_instant_as_python_does(db_url: str) -> None:
    # date_latest (migration 0011) makes the `<name>_latest` columns lists sort and filter
    # by; latest_instant makes FuzzyDate.latest on the executor's path.
    starts = _period_starts(random.Random(1801), 2000)
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute("set time zone 'America/St_Johns'")  # a half-hour offset, and DST
        rows = await conn.fetch(
            "select date_latest(at, unit::date_precision) as latest "
            "from unnest($1::timestamptz[], $2::text[]) with ordinality as t (at, unit, n) "
            "order by n",
            [at for at, _ in starts],
            [unit for _, unit in starts],
        )
    finally:
        await conn.close()
    different = [
        (at, unit, r["latest"], latest_instant(at, unit))
        for (at, unit), r in zip(starts, rows, strict=True)
        if r["latest"] != latest_instant(at, unit)
    ]
    assert not different, different[:5]


async def test_postgresql_writes_a_range_as_python_does(pg_dsn: str) -> None:

    dates = [
        PreciseDate(
            datetime(2026, 1, 7, tzinfo=UTC), DatePrecision.DAY, datetime(2026, 1, 8, tzinfo=UTC)
        ),
        PreciseDate(
            datetime(999, 12, 1, tzinfo=UTC), DatePrecision.MONTH, datetime(1000, 1, 1, tzinfo=UTC)
        ),
        PreciseDate(
            datetime(2025, 1, 1, tzinfo=UTC), DatePrecision.YEAR, datetime(2026, 1, 1, tzinfo=UTC)
        ),
        PreciseDate(
            datetime(2026, 1, 6, 14, tzinfo=UTC),
            DatePrecision.TIME,
            datetime(2026, 1, 6, 17, 0, 0, 1, UTC),
        ),
        PreciseDate(datetime(2026, 1, 6, tzinfo=UTC), DatePrecision.DAY),
    ]
    conn = await asyncpg.connect(pg_dsn)
    try:
        await conn.execute("set time zone 'Asia/Kathmandu'")
        written = await conn.fetch(
            f"select {dated_text('at', 'unit', 'until')} as text from unnest($1::timestamptz[], "
            "$2::text[], $3::timestamptz[]) with ordinality as t (at, unit, until, n) order by n",
            [d.at for d in dates],
            [d.precision.value for d in dates],
            [d.until for d in dates],
        )
    finally:
        await conn.close()
    assert [r["text"] for r in written] == [d.text() for d in dates]
