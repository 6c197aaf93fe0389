"""An export of 100,000 statements from the benchmark's generated record streams in flat
memory, and from one snapshot (#19).

The service process's resident memory is read (from /proc) every few megabytes the
client receives: it must stay within a few MB of where it was before the export, from
the first quarter of the transfer to its end. Midway, a statement is written: the export,
reading one snapshot, never shows it. Adds about a minute to the suite (the generated
record: about 30 s; the two exports: about 25 s).
"""

from __future__ import annotations

import csv
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace

import asyncpg
import httpx
import pytest

from bench.gen.load import generate
from bench.gen.scale import SCALES
from bench.procstat import rss_mb
from service.database.pool import init_connection
from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.tokens import auth
from tests.conftest import clone_database, drop_database
from tests.pg import with_database
from tests.server import RunningService

pytestmark = [pytest.mark.db, pytest.mark.slow]

STATEMENTS = 100_000
SAMPLE_EVERY_BYTES = 4 * 1024 * 1024
GROWTH_ALLOWED_MB = 25.0
"""Above the memory before the export (CPython's arenas, the cursor's batch, the pieces
in flight): tens of MB less than the export itself, whatever its size."""
DRIFT_ALLOWED_MB = 8.0
"""From the first quarter of the transfer to its end: flat."""


@pytest.fixture(scope="module")
async def module_db_url(pg_dsn: str, template_db: str) -> AsyncIterator[str]:
    """A database holding a generated record of 100,000 statements (and their citations)."""
    name = await clone_database(pg_dsn, template_db)
    url = with_database(pg_dsn, name)
    conn = await asyncpg.connect(url)
    try:
        await init_connection(conn)
        scale = replace(SCALES["small"], statements=STATEMENTS)
        await generate(conn, scale, seed=19, progress=False)
    finally:
        await conn.close()
    yield url
    await drop_database(pg_dsn, name)


@dataclass
class Transfer:
    """What a client saw of one export, and the service's memory meanwhile."""

    change_id: int
    rows: int
    bytes: int
    seconds: float
    samples: list[tuple[int, float]]
    """(bytes received, service RSS in MiB)."""
    slugs_last: list[str]


def lines_of(chunks: Iterator[bytes]) -> Iterator[str]:
    """The lines of a byte stream, each with its `\n` (as csv.reader takes a file opened
    with newline=""): split at `\n` only, not at the other line ends of str.splitlines."""
    pending = b""
    for chunk in chunks:
        *lines, pending = (pending + chunk).split(b"\n")
        yield from (line.decode("utf-8") + "\n" for line in lines)
    if pending:
        yield pending.decode("utf-8")


def export(service: RunningService, path: str, during: object = None) -> Transfer:
    pid = service.process.pid
    samples: list[tuple[int, float]] = [(0, rss_mb(pid))]
    received = 0
    next_sample = SAMPLE_EVERY_BYTES
    rows = 0
    last: list[str] = []
    started = time.perf_counter()
    with httpx.stream("GET", f"{service.url}{path}", timeout=120) as response:
        assert response.status_code == 200, response.read()
        change_id = int(response.headers["x-change-id"])

        def chunks() -> Iterator[bytes]:
            nonlocal received, next_sample
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received >= next_sample:
                    samples.append((received, rss_mb(pid)))
                    next_sample += SAMPLE_EVERY_BYTES
                    if callable(during) and len(samples) == 4:
                        during()
                yield chunk

        if path.endswith(".csv"):
            reader = csv.reader(lines_of(chunks()))
            header = next(reader)
            slug = header.index("slug")
            for row in reader:
                rows += 1
                last = [*last[-2:], row[slug]]
        else:
            rows = sum(1 for _ in lines_of(chunks()))
    samples.append((received, rss_mb(pid)))
    return Transfer(change_id, rows, received, time.perf_counter() - started, samples, last)


def assert_flat(transfer: Transfer, before: float) -> None:
    peak = max(rss for _, rss in transfer.samples)
    quarter = next(rss for got, rss in transfer.samples if got >= transfer.bytes / 4)
    late = max(rss for got, rss in transfer.samples if got >= transfer.bytes / 4)
    report = (
        f"{transfer.rows} rows, {transfer.bytes / 2**20:.0f} MiB in {transfer.seconds:.1f} s; "
        f"RSS before {before:.1f} MiB, at a quarter {quarter:.1f}, peak {peak:.1f}"
    )
    print(report)
    assert peak - before < GROWTH_ALLOWED_MB, report
    assert late - quarter < DRIFT_ALLOWED_MB, report
    assert transfer.bytes / 2**20 > 4 * GROWTH_ALLOWED_MB, report  # far more than it grew


def test_an_export_of_100_000_statements_keeps_memory_flat_and_one_snapshot(
    service: RunningService, client: Client, editor_token: str
) -> None:
    editor = Client(service.url, token=editor_token)
    # Warm up: the code paths of an export and a write, loaded once.
    assert (
        httpx.get(
            f"{service.url}/exports/statements.csv?text=nothing-matches", timeout=30
        ).status_code
        == 200
    )
    speaker = ok(
        editor.mutate("createActor", {"slug": "memory-speaker", "kind": "PERSON", "name": "M"})
    )
    before = rss_mb(service.process.pid)
    written: list[str] = []

    def write_midway() -> None:
        made = editor.mutate(
            "createStatement",
            {"slug": "written-during-the-export", "speakerId": speaker["id"],
             "said": "1901-01-01", "channel": "OTHER", "summary": "Written midway."},
        )  # fmt: skip
        written.append(ok(made)["id"])

    as_csv = export(service, "/exports/statements.csv", during=write_midway)
    assert as_csv.rows == STATEMENTS  # not the statement written midway
    assert written, "the export was over before the write"
    assert "written-during-the-export" not in as_csv.slugs_last  # the oldest: it would be last
    assert_flat(as_csv, before)
    newest = client.data("{ changes(last: 1) { nodes { id } } }")["changes"]["nodes"][0]["id"]
    assert as_csv.change_id < int(newest)

    before = rss_mb(service.process.pid)
    as_ndjson = export(service, "/exports/statements.ndjson", during=None)
    assert as_ndjson.rows == STATEMENTS + 1  # a new snapshot: the statement is there now
    assert as_ndjson.change_id == int(newest)
    assert_flat(as_ndjson, before)
    assert (
        httpx.get(
            f"{service.url}/exports/statements.csv", headers=auth("bad"), timeout=30
        ).status_code
        == 401
    )
