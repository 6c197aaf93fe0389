"""Measure one operation on one server: check it answers, warm up, load, and read what the
load cost (server CPU and RSS, PostgreSQL CPU, SQL statements per request)."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from bench import procstat
from bench.load import pyload, wrk
from bench.load.result import LoadResult
from bench.servers import Server
from bench.targets import Targets

# Statements sent by clients (top level: not those run inside SQL functions), except the
# runner's own reads of pg_stat_statements: the round-trips to PostgreSQL.
_COUNT = """
select coalesce(sum(calls), 0)::bigint from pg_stat_statements
where toplevel and query not ilike '%pg_stat_statements%'
"""
_PROBES = 10  # sequential requests whose statements are counted
_TOP = """
select calls, toplevel, regexp_replace(query, '\\s+', ' ', 'g') from pg_stat_statements
where query not ilike '%pg_stat_statements%' order by calls desc, query limit 30
"""


@dataclass(frozen=True)
class Load:
    """How hard and how long to push each operation; `target_rate`: how many requests per
    second a targeted write's targets are made for (each request takes one)."""

    connections: int
    duration_s: float
    warmup_s: float
    target_rate: int = 5000

    def run(
        self,
        url: str,
        body: str,
        token: str | None,
        duration_s: float,
        targets: Targets | None = None,
    ) -> LoadResult:
        """One load run with wrk when installed, else the Python load process; a targeted
        write's requests take their targets from `targets`' share for this run."""
        runner = wrk.run if wrk.available() else pyload.run
        share = targets.take(self.targets_for(duration_s)) if targets else None
        return runner(
            url,
            body,
            token=token,
            connections=self.connections,
            duration_s=duration_s,
            targets=share,
        )

    def targets_for(self, duration_s: float) -> int:
        """Targets one load run of `duration_s` gets: wrk runs whole seconds, at least one;
        the requests still in flight when it stops are answered too."""
        return self.target_rate * max(1, math.ceil(duration_s)) + self.connections

    def targets_needed(self) -> int:
        """Targets `measure` takes for one operation: the checked request, the warm-up, the
        measured run and the requests whose statements are counted."""
        warmup = self.targets_for(self.warmup_s) if self.warmup_s > 0 else 0
        return 1 + warmup + self.targets_for(self.duration_s) + _PROBES


@dataclass
class Measurement:
    """What one operation cost on one server (None: not measured, `skipped` says why)."""

    operation: str
    engine: str
    load: LoadResult | None = None
    statements_per_request: float | None = None
    round_trips: int | None = None
    cpu_percent: float | None = None
    db_cpu_percent: float | None = None
    cpu_ms_per_request: float | None = None
    rss_mb: float | None = None
    response_bytes: int | None = None
    fields: int | None = None
    """Fields in the answer's `data` (objects and values): the work a GraphQL executor does."""
    skipped: str | None = None

    @property
    def cpu_us_per_field(self) -> float | None:
        """Server CPU per field of the answer, in microseconds."""
        if self.cpu_ms_per_request is None or not self.fields:
            return None
        return 1000 * self.cpu_ms_per_request / self.fields


class Statements:
    """Counts statements PostgreSQL executes, with pg_stat_statements (when it is loaded)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.enabled = self._run("create extension if not exists pg_stat_statements") is not None

    def _run(self, sql: str) -> int | None:
        async def go() -> int | None:
            conn = await asyncpg.connect(self.dsn)
            try:
                value = await conn.fetchval(sql)
                return int(value) if isinstance(value, int) else 0
            finally:
                await conn.close()

        try:
            return asyncio.run(go())
        except (asyncpg.PostgresError, OSError):
            return None

    def reset(self) -> None:
        """Forget the counts so far."""
        if self.enabled:
            self._run("select pg_stat_statements_reset()")

    def count(self) -> int | None:
        """Statements executed since the last reset."""
        return self._run(_COUNT) if self.enabled else None

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until the server has finished the requests still queued when the load
        generator stopped (it closes its connections, the server still answers them)."""
        if not self.enabled:
            time.sleep(1.0)
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.reset()
            time.sleep(0.3)
            if not self.count():
                return

    def listing(self) -> str:
        """The statements executed since the last reset, most frequent first (for a log)."""
        if not self.enabled:
            return ""

        async def go() -> str:
            conn = await asyncpg.connect(self.dsn)
            try:
                rows = await conn.fetch(_TOP)
            finally:
                await conn.close()
            return "\n".join(f"{r[0]:>6} {'top' if r[1] else 'nested'} {r[2]}" for r in rows)

        return asyncio.run(go())


def count_fields(value: object) -> int:
    """Keys of every object in a GraphQL answer's data (each is a field resolved)."""
    if isinstance(value, dict):
        return sum(1 + count_fields(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_fields(v) for v in value)
    return 0


def check(url: str, body: str, token: str | None) -> tuple[str | None, int, dict[str, object]]:
    """Send the operation once: (why it failed or None, response size, parsed response)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = httpx.post(url, content=body, headers=headers, timeout=30)
    try:
        payload = response.json()
    except json.JSONDecodeError:
        return f"HTTP {response.status_code}: {response.text[:200]}", len(response.content), {}
    if response.status_code != 200 or b'"errors":[{' in response.content.replace(b" ", b""):
        message = json.dumps(payload.get("errors") or payload)[:300]
        return f"HTTP {response.status_code}: {message}", len(response.content), payload
    return None, len(response.content), payload


def one_request(body: str, unique: str, targets: Targets | None) -> str:
    """`body` for one request sent by itself: `unique` for UNIQUE, the next target for
    TARGET."""
    body = body.replace(wrk.UNIQUE, unique)
    return body.replace(wrk.TARGET, targets.take(1)[0]) if targets else body


def measure(
    server: Server,
    operation: str,
    body: str,
    *,
    load: Load,
    token: str | None,
    statements: Statements,
    db_pid: int | None,
    targets: Targets | None = None,
    profiler: Callable[[float], AbstractContextManager[object]] | None = None,
    log_dir: Path | None = None,
) -> Measurement:
    """Check, warm up, then load `body` on `server` and read the costs of the measured run.

    A targeted write takes `load.targets_needed()` of `targets`, one per request. With
    `log_dir`, the statements of the counted requests are listed in a file there.
    """
    result = Measurement(operation, server.name)
    problem, size, answer = check(server.url, one_request(body, "check", targets), token)
    result.response_bytes = size
    result.fields = count_fields(answer.get("data"))
    if problem:
        result.skipped = problem
        return result
    # Each phase gets its own prefix for the per-request unique slugs of a create, and its
    # own share of a targeted write's targets.
    if load.warmup_s > 0:
        warmup = body.replace(wrk.UNIQUE, f"w{wrk.UNIQUE}")
        load.run(server.url, warmup, token, load.warmup_s, targets)
    cpu_before = procstat.cpu_seconds(server.pid)
    db_before = procstat.tree_cpu_seconds(db_pid) if db_pid else None
    with profiler(load.duration_s) if profiler else nullcontext():
        outcome = load.run(
            server.url, body.replace(wrk.UNIQUE, f"m{wrk.UNIQUE}"), token, load.duration_s, targets
        )
    cpu = procstat.cpu_seconds(server.pid) - cpu_before
    result.load = outcome
    result.rss_mb = procstat.rss_mb(server.pid)
    seconds = outcome.duration_s or load.duration_s
    result.cpu_percent = 100 * cpu / seconds
    result.cpu_ms_per_request = 1000 * cpu / outcome.requests if outcome.requests else None
    if db_before is not None and db_pid:
        result.db_cpu_percent = 100 * (procstat.tree_cpu_seconds(db_pid) - db_before) / seconds
    result.statements_per_request = count_statements(server, body, token, statements, targets)
    if log_dir is not None:
        name = f"statements-{server.name.split()[0].lower()}-{operation}.txt"
        (log_dir / name).write_text(f"{_PROBES} requests\n{statements.listing()}\n")
    return result


def count_statements(
    server: Server,
    body: str,
    token: str | None,
    statements: Statements,
    targets: Targets | None = None,
) -> float | None:
    """Statements per request, counted over a few requests sent one at a time.

    Counting during the load would also count the statements of the requests still in
    flight when it stops (20 connections' worth), which the load generator does not count.
    """
    if not statements.enabled:
        return None
    statements.settle()
    statements.reset()
    for n in range(_PROBES):
        check(server.url, one_request(body, f"p{n}", targets), token)
    executed = statements.count()
    return None if executed is None else executed / _PROBES
