"""The two engines under test, each started ready to be loaded: our service and PostGraphile.

Both run at once, idle while the other is loaded, so that the runner can measure them
operation by operation, one right after the other (see runner.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx
from graphql import build_client_schema, get_introspection_query, parse, print_schema, validate

from bench.database import Database, connect, free_port
from bench.measure import check
from bench.operations import OPERATIONS, Engine
from bench.servers import (
    PostGraphileInstall,
    Server,
    create_token,
    start_ours,
    start_postgraphile,
    stop,
    tokens_command_exists,
)
from bench.setup import say
from bench.targets import Targets

RoundTripProbe = Callable[[Mapping[str, Sequence[str]]], dict[str, int]]
"""Round-trips per operation, given each operation's bodies (see `_round_trips`)."""

BENCH = Path(__file__).resolve().parent


@dataclass
class Running:
    """An engine serving, with what its requests need and what the report says of it."""

    engine: Engine
    server: Server
    token: str | None = None
    reads_token: str | None = None
    """The token reads send (None with --anonymous-reads); mutations send `token`."""
    skip: dict[str, str] = field(default_factory=dict)
    """Operations this engine cannot run, and why."""
    round_trips: dict[str, int] = field(default_factory=dict)
    probe: RoundTripProbe | None = None
    """Ours only: measures round-trips (reads at start, writes once their targets exist)."""
    targets: dict[str, Targets] = field(default_factory=dict)
    """A targeted write's targets on this engine, by operation (made after the reads)."""
    notes: dict[str, str] = field(default_factory=dict)


ROUND_TRIP_ATTEMPTS = ("rt1", "rt2")


def _round_trips(
    dsn: str,
    workdir: Path,
    token: str | None,
    extra: dict[str, str],
    bodies: Mapping[str, Sequence[str]],
) -> dict[str, int]:
    """`extensions.sqlRoundTrips` per operation, from a non-production instance (production
    does not report it). Each operation is sent with each of its bodies (one per attempt
    of ROUND_TRIP_ATTEMPTS); the last answer counts (the first may pay one-off costs such
    as asyncpg's type introspection)."""
    server = start_ours(dsn, free_port(), workdir, environment="test", extra_env=extra)
    found: dict[str, int] = {}
    try:
        for name, sent in bodies.items():
            for body in sent:
                _, _, payload = check(server.url, body, token)
            extensions = payload.get("extensions")
            if isinstance(extensions, dict) and "sqlRoundTrips" in extensions:
                found[name] = int(extensions["sqlRoundTrips"])
    finally:
        stop(server)
    return found


@contextmanager
def ours_running(
    database: Database, workdir: Path, run_id: str, *, anonymous_reads: bool
) -> Iterator[Running]:
    """Our service in production settings, one worker, with an editor token."""
    notes: dict[str, str] = {}
    # One load generator from one address would hit the per-client rate limit at once.
    extra = {"RATE_LIMIT": "0"}
    token = None
    if tokens_command_exists():
        token = create_token(database.dsn, f"bench-{run_id}")
        notes["auth"] = "every request sends an editor token (Authorization: Bearer)"
        if anonymous_reads:
            extra["ALLOW_ANONYMOUS_READS"] = "true"
            notes["auth"] = "reads without a token (ALLOW_ANONYMOUS_READS=true), mutations with"
    else:
        # Production refuses anonymous reads by default; no token can be made yet.
        extra["ALLOW_ANONYMOUS_READS"] = "true"
        notes["auth"] = (
            "no `python -m service tokens` command yet: anonymous reads allowed "
            "(ALLOW_ANONYMOUS_READS=true), mutations cannot be measured"
        )
    notes["settings"] = "ENVIRONMENT=production WORKERS=1 " + " ".join(
        f"{k}={v}" for k, v in extra.items()
    )
    # The writes' round-trips are measured after the reads (the runner calls `probe` once
    # their targets exist): nothing is written before every read has been measured.
    say("our service: round-trips of the reads from a non-production instance")
    probe = partial(_round_trips, database.dsn, workdir, token, extra)
    trips = probe({
        op.name: [op.body("ours", run_id, attempt) for attempt in ROUND_TRIP_ATTEMPTS]
        for op in OPERATIONS
        if not op.mutation
    })  # fmt: skip
    say("our service: production settings, one worker")
    server = start_ours(
        database.dsn, free_port(), workdir, environment="production", extra_env=extra
    )
    try:
        reads_token = None if anonymous_reads else token
        yield Running(
            "ours", server, token, reads_token, round_trips=trips, probe=probe, notes=notes
        )
    finally:
        stop(server)


@contextmanager
def postgraphile_running(
    database: Database, workdir: Path, install: PostGraphileInstall
) -> Iterator[Running]:
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
        yield Running("postgraphile", server, skip=_check_documents(server, workdir))
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
