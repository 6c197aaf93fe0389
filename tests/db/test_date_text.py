"""The compiled answers write dates as service.record.dates.write_date does, early years
included."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import asyncpg
import pytest

from service.graphql.compiled.sql_json import precise_date_text
from service.record.dates import EARLIEST, LATEST, write_date
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
