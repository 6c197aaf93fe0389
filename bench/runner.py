"""The benchmark, end to end (bench/run.py is its command line).

1. a throwaway PostgreSQL (or BENCH_DATABASE_URL), migrated and filled by the generator;
2. our service with production settings, one worker: each operation is checked, warmed up,
   loaded (20 keep-alive connections, fixed duration) and its costs read;
3. PostGraphile v5 on Node 22, installed into a temporary folder, on the same database,
   with the equivalent operations and the same load;
4. the tables, and our throughput over PostGraphile's per operation.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
from graphql import build_client_schema, get_introspection_query, parse, print_schema, validate

from bench import procstat, profile, report
from bench.database import Database, bench_database, connect, free_port
from bench.gen.scale import SCALES
from bench.measure import Load, Measurement, Statements, check, measure
from bench.operations import OPERATIONS, Engine
from bench.servers import (
    PostGraphileInstall,
    Server,
    create_token,
    install_postgraphile,
    start_ours,
    start_postgraphile,
    stop,
    tokens_command_exists,
)
from bench.setup import ensure_wrk, prepare_database, say, versions

BENCH = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line of bench/run.py."""
    parser = argparse.ArgumentParser(
        prog="python bench/run.py", description="Benchmark our service against PostGraphile v5."
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="default")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per operation")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each run")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--skip-postgraphile", action="store_true")
    parser.add_argument("--only", help="comma-separated operation names (default: all)")
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="py-spy our service; raw profiles go to DIR"
    )
    parser.add_argument(
        "--anonymous-reads",
        action="store_true",
        help="send reads without a token (ALLOW_ANONYMOUS_READS=true): isolates auth's cost",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    return parser.parse_args(argv)


def round_trips(
    dsn: str, workdir: Path, token: str | None, extra: dict[str, str], run_id: str
) -> dict[str, int]:
    """`extensions.sqlRoundTrips` per operation, from a non-production instance (production
    does not report it). Each operation is sent twice; the second answer counts (the first
    may pay one-off costs such as asyncpg's type introspection)."""
    server = start_ours(dsn, free_port(), workdir, environment="test", extra_env=extra)
    found: dict[str, int] = {}
    try:
        for op in OPERATIONS:
            for attempt in ("rt1", "rt2"):
                _, _, payload = check(server.url, op.body("ours", run_id, attempt), token)
            extensions = payload.get("extensions")
            if isinstance(extensions, dict) and "sqlRoundTrips" in extensions:
                found[op.name] = int(extensions["sqlRoundTrips"])
    finally:
        stop(server)
    return found


def run_engine(
    engine: Engine,
    server: Server,
    *,
    args: argparse.Namespace,
    run_id: str,
    token: str | None,
    statements: Statements,
    db_pid: int | None,
    skip: dict[str, str] | None = None,
    log_dir: Path | None = None,
) -> list[Measurement]:
    """Every selected operation on one server."""
    load = Load(args.connections, args.duration, args.warmup)
    results = []
    for op in report.operations(args):
        if skip and op.name in skip:
            results.append(Measurement(op.name, server.name, skipped=skip[op.name]))
            continue
        profiler = _profiler(args, server, op.name) if engine == "ours" else None
        # With --anonymous-reads only mutations carry the token.
        sent = token if op.mutation or not args.anonymous_reads else None
        m = measure(
            server,
            op.name,
            op.body(engine, run_id),
            load=load,
            token=sent,
            statements=statements,
            db_pid=db_pid,
            profiler=profiler,
            log_dir=log_dir,
        )
        results.append(m)
        if m.load:
            say(
                f"  [{engine}] {op.name}: {m.load.rps:,.0f} req/s, p50 {m.load.p50_ms:.1f} ms, "
                f"p99 {m.load.p99_ms:.1f} ms, bad {m.load.bad}"
            )
        else:
            say(f"  [{engine}] {op.name}: skipped: {m.skipped}")
    return results


def _profiler(
    args: argparse.Namespace, server: Server, name: str
) -> Callable[[float], AbstractContextManager[object]] | None:
    if args.profile is None:
        return None
    folder: Path = args.profile
    folder.mkdir(parents=True, exist_ok=True)
    return lambda seconds: profile.recording(server.pid, folder / f"{name}.txt", seconds)


def run_ours(
    database: Database, args: argparse.Namespace, workdir: Path, run_id: str
) -> tuple[list[Measurement], dict[str, str]]:
    """Our service in production settings; returns the measurements and notes."""
    notes: dict[str, str] = {}
    # One load generator from one address would hit the per-client rate limit at once.
    extra = {"RATE_LIMIT": "0"}
    token = None
    if tokens_command_exists():
        token = create_token(database.dsn, f"bench-{run_id}")
        notes["auth"] = "every request sends an editor token (Authorization: Bearer)"
        if args.anonymous_reads:
            extra["ALLOW_ANONYMOUS_READS"] = "true"
            notes["auth"] = "reads without a token (ALLOW_ANONYMOUS_READS=true), mutations with"
    else:
        # Production refuses anonymous reads by default; no token can be made yet.
        extra["ALLOW_ANONYMOUS_READS"] = "true"
        notes["auth"] = (
            "no `python -m service tokens` command yet: anonymous reads allowed "
            "(ALLOW_ANONYMOUS_READS=true), mutations cannot be measured"
        )
    say("our service: round-trips from a non-production instance")
    trips = round_trips(database.dsn, workdir, token, extra, run_id)
    say("our service: production settings, one worker")
    server = start_ours(
        database.dsn, free_port(), workdir, environment="production", extra_env=extra
    )
    try:
        results = run_engine(
            "ours",
            server,
            args=args,
            run_id=run_id,
            token=token,
            statements=Statements(database.dsn),
            db_pid=database.pid,
            log_dir=workdir,
        )
    finally:
        stop(server)
    for m in results:
        m.round_trips = trips.get(m.operation)
    notes["settings"] = "ENVIRONMENT=production WORKERS=1 " + " ".join(
        f"{k}={v}" for k, v in extra.items()
    )
    return results, notes


def run_postgraphile(
    database: Database,
    args: argparse.Namespace,
    workdir: Path,
    run_id: str,
    install: PostGraphileInstall,
) -> list[Measurement]:
    """PostGraphile on the same database, with its equivalent operations."""

    async def add_functions() -> None:
        conn = await connect(database.dsn)
        try:
            if not await conn.fetchval("select to_regnamespace('bench_pg') is not null"):
                await conn.execute((BENCH / "postgraphile" / "schema.sql").read_text())
        finally:
            await conn.close()

    asyncio.run(add_functions())
    say(f"PostGraphile {install.versions['postgraphile']} on Node {install.versions['node']}")
    server = start_postgraphile(install, database.dsn, free_port(), workdir)
    try:
        skip = _check_documents(server, workdir)
        return run_engine(
            "postgraphile",
            server,
            args=args,
            run_id=run_id,
            token=None,
            statements=Statements(database.dsn),
            db_pid=database.pid,
            skip=skip,
            log_dir=workdir,
        )
    finally:
        stop(server)


def _check_documents(server: Server, workdir: Path) -> dict[str, str]:
    """Validate our PostGraphile operations against the schema it generated (introspection);
    the schema is saved beside the logs for reference."""
    answer = httpx.post(server.url, json={"query": get_introspection_query()}, timeout=30)
    schema = build_client_schema(answer.json()["data"])
    (workdir / "postgraphile-schema.graphql").write_text(print_schema(schema))
    problems = {}
    for op in OPERATIONS:
        errors = validate(schema, parse(op.document("postgraphile")))
        if errors:
            problems[op.name] = "invalid for PostGraphile's schema: " + "; ".join(
                e.message for e in errors
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark; prints the machine, versions and result tables."""
    args = parse_args(argv)
    started = time.monotonic()
    run_id = secrets.token_hex(3)
    workdir = Path(tempfile.mkdtemp(prefix="bench-run-"))
    ensure_wrk()
    machine = procstat.machine()
    say(
        f"machine: {machine['cores']} cores, {machine['cpu']}, {machine['memory']}; "
        f"logs in {workdir}"
    )
    theirs: list[Measurement] = []
    install = None
    with bench_database() as database:
        prepare_database(database, args.scale, args.seed)
        found = versions(database.dsn)
        if not args.skip_postgraphile:
            say("installing PostGraphile v5 and Node 22 from the npm registry")
            install = install_postgraphile(workdir / "postgraphile")
            found.update(install.versions)
        ours, notes = run_ours(database, args, workdir, run_id)
        if install is not None:
            theirs = run_postgraphile(database, args, workdir, run_id, install)
    if install is not None:
        shutil.rmtree(install.folder, ignore_errors=True)
    report.print_run(args, machine, found, notes, ours, theirs)
    if args.json:
        report.write_json(args, args.json, machine, found, notes, ours, theirs)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0
