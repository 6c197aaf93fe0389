"""A generated seed of thousands of records: one transaction, progress, summary.

The load time is printed, not asserted: timings belong to the benchmark (bench/), and a
busy machine would fail a time limit that says nothing about the code."""

from __future__ import annotations

import io
import time
from pathlib import Path

import asyncpg
import pytest
import yaml

from service.seeds import load_seeds
from service.seeds.report import ProgressLine

pytestmark = pytest.mark.db

STATEMENTS = 3000


def _write_large_seed(folder: Path) -> int:
    """3,000 statements, each about an actor and with a citation; returns the record count."""
    data = {
        "sources": [
            {"slug": "wire", "url": "https://example.org", "publisher": "W", "kind": "wire"}
        ],
        "actors": [{"slug": "speaker", "kind": "person", "name": "Speaker"}],
        "statements": [
            {
                "slug": f"statement-{i}", "speaker": "speaker", "said": f"2026-01-{1 + i % 28:02d}",
                "channels": ["x"], "quote": f"Quote number {i}.", "about": ["speaker"],
                "citations": [{"source": "wire", "quote": f"Quote number {i}"}],
            }
            for i in range(STATEMENTS)
        ],
    }  # fmt: skip
    (folder / "large.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return 2 + 2 * STATEMENTS


async def test_large_seed_loads_in_one_transaction(pool: asyncpg.Pool, tmp_path: Path) -> None:
    total = _write_large_seed(tmp_path)
    stream = io.StringIO()
    started = time.perf_counter()

    trips = 0

    def count(_: object) -> None:
        nonlocal trips
        trips += 1

    async with pool.acquire() as conn:
        conn.add_query_logger(count)
        try:
            report = await load_seeds(conn, [tmp_path], progress=ProgressLine(stream, every=1000))
        finally:
            conn.remove_query_logger(count)

    elapsed = time.perf_counter() - started
    assert report.totals.created == total
    # now() is the transaction's start: one value means one transaction wrote every change.
    assert await pool.fetchval("select count(distinct changed_at) from change") == 1
    assert await pool.fetchval("select count(*) from change") == total
    # Batches of records per statement: a handful of round trips per kind, not 3 or 4 per
    # record as when each record was written alone (about 21,000 here).
    assert trips < 60, trips
    lines = stream.getvalue().splitlines()
    done = [int(line.split()[2].split("/")[0]) for line in lines]
    assert done == sorted(done)
    assert len(done) > 2
    assert lines[-1] == f"loading seeds: {total}/{total} records (100%)"
    table = report.summary_table()
    assert any(line.split()[:2] == ["statement", str(STATEMENTS)] for line in table.splitlines())
    assert "total" in table
    print(f"\n{table}\nloaded {total} records in {elapsed:.2f} s, {trips} round trips")

    started = time.perf_counter()
    again = await load_seeds(pool, [tmp_path])
    print(f"reloaded unchanged in {time.perf_counter() - started:.2f} s")
    assert again.totals.unchanged == total


def test_progress_stays_quiet_for_short_loads() -> None:
    stream = io.StringIO()
    progress = ProgressLine(stream)
    for done in range(1, 301):
        progress(done, 300)
    assert stream.getvalue() == ""
