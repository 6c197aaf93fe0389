"""The benchmark, end to end (bench/run.py is its command line).

1. a throwaway PostgreSQL (or BENCH_DATABASE_URL), migrated and filled by the generator;
2. our service with production settings, one worker, and PostGraphile v5 on Node 22
   (installed into a temporary folder), both on that database;
3. each operation checked, warmed up, loaded (20 keep-alive connections, fixed duration)
   and its costs read, on our service and then at once on PostGraphile, with the
   equivalent operation and the same load: the reads, then the writes (whose targets are
   made once the reads are measured: bench/targets.py);
4. the tables, and our throughput over PostGraphile's per operation; the exit status is 1
   when any answer was not a success.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench import procstat, profile, report, targets
from bench.database import Database, bench_database
from bench.engines import ROUND_TRIP_ATTEMPTS, Running, ours_running, postgraphile_running
from bench.gen.scale import SCALES
from bench.measure import Load, Measurement, Statements, measure, one_request
from bench.operations import Engine, Operation
from bench.servers import PostGraphileInstall, Server, install_postgraphile
from bench.setup import ensure_wrk, prepare_database, say, versions


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
    parser.add_argument(
        "--write-rate",
        type=int,
        default=5000,
        help="req/s an update or delete can reach before its targets run out (default 5000)",
    )
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
    parser.add_argument(
        "--save",
        "--json",
        dest="save",
        type=Path,
        metavar="PATH",
        help="also save the raw results as JSON, with the machine, versions, commit and time",
    )
    parser.add_argument("--markdown", action="store_true", help="also print Markdown tables")
    return parser.parse_args(argv)


def measure_operation(
    running: Running,
    op: Operation,
    *,
    args: argparse.Namespace,
    run_id: str,
    statements: Statements,
    db_pid: int | None,
    log_dir: Path,
) -> Measurement:
    """One operation on one engine: checked, warmed up, loaded, its costs read."""
    server = running.server
    if op.name in running.skip:
        return Measurement(op.name, server.name, skipped=running.skip[op.name])
    profiler = _profiler(args, server, op.name) if running.engine == "ours" else None
    m = measure(
        server,
        op.name,
        op.body(running.engine, run_id),
        load=_load(args),
        token=running.token if op.mutation else running.reads_token,
        statements=statements,
        db_pid=db_pid,
        targets=running.targets.get(op.name),
        profiler=profiler,
        log_dir=log_dir,
    )
    m.round_trips = running.round_trips.get(op.name)
    if m.load:
        short = f" ({m.load.exhausted} past the last target)" if m.load.exhausted else ""
        say(
            f"  [{running.engine}] {op.name}: {m.load.rps:,.0f} req/s, "
            f"p50 {m.load.p50_ms:.1f} ms, p99 {m.load.p99_ms:.1f} ms, bad {m.load.bad}{short}"
        )
    else:
        say(f"  [{running.engine}] {op.name}: skipped: {m.skipped}")
    return m


def _load(args: argparse.Namespace) -> Load:
    return Load(args.connections, args.duration, args.warmup, args.write_rate)


def prepare_writes(
    database: Database,
    args: argparse.Namespace,
    run_id: str,
    running: list[Running],
    writes: list[Operation],
) -> None:
    """Once the reads are measured: the targets of every targeted write on every engine, in
    one statement, then our round-trips of the writes (which need targets of their own)."""
    targeted = [op for op in writes if op.targeted]
    needed = _load(args).targets_needed()
    wanted: dict[tuple[Engine, str], int] = {
        (r.engine, op.name): needed + (len(ROUND_TRIP_ATTEMPTS) if r.probe else 0)
        for r in running
        for op in targeted
    }
    by_engine = {r.engine: r for r in running}
    if wanted:
        started = time.monotonic()
        made = targets.make(database.dsn, run_id, wanted)
        for (engine, name), ids in made.items():
            by_engine[engine].targets[name] = targets.Targets(targets.api_ids(engine, ids))
        say(
            f"made {sum(wanted.values()):,} target actors for "
            f"{', '.join(op.name for op in targeted)} in {time.monotonic() - started:.1f} s"
        )
    for r in running:
        if r.probe is None:
            continue
        say("our service: round-trips of the writes from a non-production instance")
        bodies = {}
        for op in writes:
            body = op.body(r.engine, run_id)
            found = r.targets.get(op.name)
            bodies[op.name] = [one_request(body, a, found) for a in ROUND_TRIP_ATTEMPTS]
        r.round_trips.update(r.probe(bodies))


def _profiler(
    args: argparse.Namespace, server: Server, name: str
) -> Callable[[float], AbstractContextManager[object]] | None:
    if args.profile is None:
        return None
    folder: Path = args.profile
    folder.mkdir(parents=True, exist_ok=True)
    return lambda seconds: profile.recording(server.pid, folder / f"{name}.txt", seconds)


def run_interleaved(
    database: Database,
    args: argparse.Namespace,
    workdir: Path,
    run_id: str,
    install: PostGraphileInstall | None,
) -> tuple[list[Measurement], list[Measurement], dict[str, str]]:
    """Both engines serving at once, each operation loaded on ours then on PostGraphile.

    The machine's speed drifts by a fifth or more within minutes: measured back to back,
    the two sides of a ratio are seconds apart rather than the length of a whole run.
    The reads come first for both engines, the writes last, so every read on either
    engine sees the generated record as it was made; the writes' targets are made, and
    our round-trips of the writes measured, between the two.
    """
    ours: list[Measurement] = []
    theirs: list[Measurement] = []
    statements = Statements(database.dsn)
    with ExitStack() as stack:
        running = [
            stack.enter_context(
                ours_running(database, workdir, run_id, anonymous_reads=args.anonymous_reads)
            )
        ]
        if install is not None:
            running.append(stack.enter_context(postgraphile_running(database, workdir, install)))
        say("measuring each operation on " + " then ".join(r.server.name for r in running))
        selected = report.operations(args)
        writes = [op for op in selected if op.mutation]
        for op in selected:
            if writes and op is writes[0]:
                prepare_writes(database, args, run_id, running, writes)
            for engine in running:
                m = measure_operation(
                    engine,
                    op,
                    args=args,
                    run_id=run_id,
                    statements=statements,
                    db_pid=database.pid,
                    log_dir=workdir,
                )
                (ours if engine.engine == "ours" else theirs).append(m)
        notes = running[0].notes
    return ours, theirs, notes


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark; prints the machine, versions and result tables."""
    args = parse_args(argv)
    started = time.monotonic()
    started_at = datetime.now(UTC)
    run_id = secrets.token_hex(3)
    workdir = Path(tempfile.mkdtemp(prefix="bench-run-"))
    ensure_wrk()
    machine = procstat.machine()
    say(
        f"machine: {machine['cores']} cores, {machine['cpu']}, {machine['memory']}; "
        f"logs in {workdir}"
    )
    install = None
    with bench_database() as database:
        prepare_database(database, args.scale, args.seed)
        found = versions(database.dsn)
        if not args.skip_postgraphile:
            say("installing PostGraphile v5 and Node 22 from the npm registry")
            install = install_postgraphile(workdir / "postgraphile")
            found.update(install.versions)
        ours, theirs, notes = run_interleaved(database, args, workdir, run_id, install)
    if install is not None:
        shutil.rmtree(install.folder, ignore_errors=True)
    report.print_run(args, machine, found, notes, ours, theirs)
    if args.save:
        run = procstat.run_description(list(argv if argv is not None else sys.argv[1:]), started_at)
        report.write_json(args, args.save, machine, found, notes, ours, theirs, run)
        say(f"raw results saved to {args.save}")
    say(f"done in {time.monotonic() - started:.0f} s")
    failed = report.failures([*ours, *theirs])
    if failed:
        say("answers that were not a success (the figures measured errors): " + failed)
        return 1
    return 0
