"""Fill a fresh, migrated database with a large, realistic record, and time it.

    python bench/generate.py [--database-url URL] [--migrate] [--scale default] [--seed 42]

Without a URL (nor BENCH_DATABASE_URL) it starts a throwaway embedded PostgreSQL,
migrates it, fills it, prints the timings and removes it: a quick check of the generator.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--migrate", action="store_true", help="apply migrations first")
    parser.add_argument("--scale", default="default", help="small, default or large")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


async def fill(dsn: str, scale_name: str, seed: int, *, migrate: bool) -> None:
    """Migrate (if asked), generate, and print what was written and how fast."""
    from bench.database import connect
    from bench.database import migrate as apply_migrations
    from bench.gen.load import generate
    from bench.gen.scale import SCALES

    if migrate:
        started = time.perf_counter()
        applied = await apply_migrations(dsn)
        print(f"migrated ({len(applied)} migrations) in {time.perf_counter() - started:.2f} s")
    conn = await connect(dsn)
    try:
        report = await generate(conn, SCALES[scale_name], seed)
    finally:
        await conn.close()
    for table, count in report.rows.items():
        print(f"  {table:<18} {count:>9,}")
    rate = report.total / report.seconds
    print(
        f"generated {report.total:,} rows ({scale_name}, seed {seed}) in {report.seconds:.2f} s "
        f"({rate:,.0f} rows/s); vacuum analyze {report.analyze_seconds:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: see the module docstring."""
    sys.path.insert(0, str(ROOT))  # `bench.*` is not an installed package
    from bench.database import bench_database
    from bench.gen.scale import SCALES

    args = parse_args(argv)
    if args.scale not in SCALES:
        print(f"unknown scale {args.scale!r}: one of {', '.join(SCALES)}", file=sys.stderr)
        return 2
    if args.database_url:
        asyncio.run(fill(args.database_url, args.scale, args.seed, migrate=args.migrate))
        return 0
    with bench_database() as database:
        asyncio.run(fill(database.dsn, args.scale, args.seed, migrate=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
