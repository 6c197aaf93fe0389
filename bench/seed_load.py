"""Seed loading at scale: generate N records as seed files, then `seed load` them over TCP.

Measures what `python -m service seed load` does, in its phases: reading and validating
every file (nothing written yet), then writing everything in one transaction through the
writer (a batch of records per statement), then loading the same files again (nothing
changes: every record is compared, none written). Prints each phase's time and the SQL
round trips the writes took.

    .venv/bin/python bench/seed_load.py                     # 100,000 records, YAML
    .venv/bin/python bench/seed_load.py --records 20000 --format json

The database is the benchmark's (bench/database.py): a throwaway embedded PostgreSQL
reached over TCP on 127.0.0.1, or BENCH_DATABASE_URL (an empty database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Sources, actors and the rest; each statement comes with one citation of its source.
SOURCES = 200
ACTORS = 800


def seed_document(records: int) -> dict[str, Any]:
    """About `records` records: sources, actors, and statements each with a citation."""
    statements = max(1, (records - SOURCES - ACTORS) // 2)
    return {
        "sources": [
            {"slug": f"source-{i}", "url": f"https://example.org/{i}", "publisher": f"P{i % 17}",
             "kind": "wire"}
            for i in range(SOURCES)
        ],
        "actors": [
            {"slug": f"actor-{i}", "kind": "person", "name": f"Person {i}", "country_code": "EE"}
            for i in range(ACTORS)
        ],
        "statements": [
            {
                "slug": f"statement-{i}", "speaker": f"actor-{i % ACTORS}",
                "said": f"2026-01-{1 + i % 28:02d}", "channels": ["x"],
                "quote": f"Quote number {i}.", "about": [f"actor-{(i + 1) % ACTORS}"],
                "citations": [{"source": f"source-{i % SOURCES}", "quote": f"Quote number {i}"}],
            }
            for i in range(statements)
        ],
    }  # fmt: skip


def write_seed(folder: Path, records: int, file_format: str) -> tuple[Path, int]:
    """The seed file; returns it and its record count."""
    document = seed_document(records)
    total = SOURCES + ACTORS + 2 * len(document["statements"])
    path = folder / f"generated.{file_format}"
    if file_format == "json":
        path.write_text(json.dumps(document), encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path, total


async def measure(dsn: str, path: Path) -> dict[str, Any]:
    """Validate, load, reload; the times and the round trips of the load."""
    from bench.database import connect, migrate
    from service.seeds import load_seeds
    from service.seeds.parse import collect_seeds

    await migrate(dsn)
    started = time.perf_counter()
    collect_seeds([path])
    validated = time.perf_counter() - started

    conn = await connect(dsn)
    trips = 0

    def count(_: object) -> None:
        nonlocal trips
        trips += 1

    try:
        conn.add_query_logger(count)
        started = time.perf_counter()
        report = await load_seeds(conn, [path])
        loaded = time.perf_counter() - started
        load_trips = trips
        started = time.perf_counter()
        again = await load_seeds(conn, [path])
        reloaded = time.perf_counter() - started
    finally:
        await conn.close()
    return {
        "created": report.totals.created,
        "validate_s": validated,
        "load_s": loaded,
        "load_round_trips": load_trips,
        "reload_s": reloaded,
        "reload_unchanged": again.totals.unchanged,
        "reload_round_trips": trips - load_trips,
    }


def main(argv: list[str]) -> int:
    """Generate, validate, load and reload; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--save", type=Path, metavar="PATH", help="also save the figures as JSON")
    args = parser.parse_args(argv)
    started_at = datetime.now(UTC)

    from bench import procstat
    from bench.database import bench_database
    from bench.setup import versions

    with tempfile.TemporaryDirectory() as folder, bench_database() as database:
        started = time.perf_counter()
        path, total = write_seed(Path(folder), args.records, args.format)
        generated = time.perf_counter() - started
        size_mib = path.stat().st_size / 2**20
        figures = asyncio.run(measure(database.dsn, path))
        found = versions(database.dsn)
    per_second = figures["created"] / figures["load_s"]
    print(
        f"{total:,} records in one {args.format.upper()} file of {size_mib:.1f} MiB "
        f"(generated in {generated:.1f} s)\n"
        f"  read and validate: {figures['validate_s']:.1f} s (nothing written)\n"
        f"  seed load (read, validate, write in one transaction): {figures['load_s']:.1f} s, "
        f"{figures['load_round_trips']} round trips, {per_second:,.0f} records/s\n"
        f"  load again (all {figures['reload_unchanged']:,} unchanged): "
        f"{figures['reload_s']:.1f} s, {figures['reload_round_trips']} round trips"
    )
    if args.save is not None:
        document = {
            "run": procstat.run_description(argv, started_at),
            "machine": procstat.machine(),
            "versions": found,
            "records": total,
            "format": args.format,
            "file_mib": size_mib,
            **figures,
        }
        args.save.write_text(json.dumps(document, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main(sys.argv[1:]))
