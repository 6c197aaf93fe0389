"""Subscriptions fan-out: what one write costs as the number of subscriptions grows.

python bench/fanout.py [--subscribers 20,200,1000] [--writes 30] [--save PATH]

Our service in production settings (one worker) on a throwaway embedded PostgreSQL with
pg_stat_statements. For each count N, N `recordChanged(kinds: [ACTOR])` subscriptions
selecting the changed record's name, 20 to a websocket, from this process; then writes
one actor at a time and waits until every subscription has its event. Per write it
prints the delay from the mutation's answer to the last subscription's event (p50,
p99), the statements PostgreSQL ran (the feed reads and the row reads among them) and
the server's CPU. Figures are for comparing the rows of one run (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

PER_SOCKET = 20
SUBSCRIPTION = """subscription { recordChanged(kinds: [ACTOR]) {
  changeId record { ... on Actor { name } } } }"""
MUTATION = (Path(__file__).resolve().parent / "operations" / "create-actor.graphql").read_text()
STATEMENT_CALLS = """
select coalesce(sum(calls) filter (where query like '%from change%where id >%'), 0)::bigint,
       coalesce(sum(calls) filter (where query like '%from actor%id = any%'), 0)::bigint,
       coalesce(sum(calls), 0)::bigint
from pg_stat_statements
where query not like '%pg_stat_statements%'
"""


@dataclass
class Row:
    """One line of the report: N subscriptions, per write."""

    subscribers: int
    p50_ms: float
    p99_ms: float
    feed_reads: float
    row_reads: float
    statements: float
    cpu_ms: float


class Subscribers:
    """N subscriptions over websockets, counting the events of each change id."""

    def __init__(self, url: str, token: str, count: int) -> None:
        self.url = url.replace("http://", "ws://")
        self.token = token
        self.count = count
        self.seen: dict[str, int] = {}
        self.complete: dict[str, asyncio.Event] = {}
        self._sockets: list[Any] = []
        self._readers: list[asyncio.Task[None]] = []

    async def open(self) -> None:
        """Open the sockets and start every subscription."""
        left = self.count
        while left:
            batch = min(PER_SOCKET, left)
            socket = await websockets.connect(self.url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
            init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {self.token}"}}
            await socket.send(json.dumps(init))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            for n in range(batch):
                start = {"id": str(n), "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
                await socket.send(json.dumps(start))
            self._sockets.append(socket)
            self._readers.append(asyncio.create_task(self._read(socket)))
            left -= batch

    def expect(self, change_id: str) -> asyncio.Event:
        """The event set once every subscription has had change `change_id`."""
        return self.complete.setdefault(change_id, asyncio.Event())

    async def _read(self, socket: Any) -> None:
        async for raw in socket:
            message = json.loads(raw)
            if message["type"] == "ping":
                await socket.send(json.dumps({"type": "pong"}))
            elif message["type"] == "next":
                change = message["payload"]["data"]["recordChanged"]
                assert change["record"]["name"], message
                seen = self.seen[change["changeId"]] = self.seen.get(change["changeId"], 0) + 1
                if seen == self.count:
                    self.expect(change["changeId"]).set()
            elif message["type"] != "pong":
                raise AssertionError(f"unexpected message: {message}")

    async def close(self) -> None:
        """Close every socket."""
        for reader in self._readers:
            reader.cancel()
        for socket in self._sockets:
            await socket.close()


async def measure(url: str, dsn: str, pid: int, token: str, count: int, writes: int) -> Row:
    """Open `count` subscriptions, make `writes` changes one at a time, measure each.

    `url`: the GraphQL endpoint (http://.../graphql), for the mutation and the sockets."""
    from bench.database import connect
    from bench.procstat import cpu_seconds

    subscribers = Subscribers(url, token, count)
    await subscribers.open()
    await asyncio.sleep(1.0)  # every subscription has joined the feed
    delays: list[float] = []
    admin = await connect(dsn)
    headers = {"authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(headers=headers, timeout=30) as client:
            await admin.execute("create extension if not exists pg_stat_statements")
            await admin.execute("select pg_stat_statements_reset()")
            cpu_before = cpu_seconds(pid)
            for n in range(writes):
                variables = {"slug": f"fanout-{count}-{n}-{time.monotonic_ns()}"}
                body = {"query": MUTATION, "variables": variables}
                answer = await client.post(url, json=body)
                answered = time.perf_counter()
                assert not answer.json()["data"]["createActor"]["errors"], answer.text
                change_id = str(await admin.fetchval("select max(id) from change"))
                await asyncio.wait_for(subscribers.expect(change_id).wait(), timeout=60)
                delays.append(1000 * (time.perf_counter() - answered))
            cpu = cpu_seconds(pid) - cpu_before
            feed, rows, total = await admin.fetchrow(STATEMENT_CALLS)
    finally:
        await admin.close()
        await subscribers.close()
    delays.sort()
    return Row(
        subscribers=count,
        p50_ms=statistics.median(delays),
        p99_ms=delays[min(len(delays) - 1, int(len(delays) * 0.99))],
        feed_reads=feed / writes,
        row_reads=rows / writes,
        # Less the statement reading max(change.id) after each write, which is ours.
        statements=(total - writes) / writes,
        cpu_ms=1000 * cpu / writes,
    )


def report(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| subscriptions | event after the write's answer: p50 ms | p99 ms "
        "| feed reads / write | row reads / write | statements / write | server CPU ms / write |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.subscribers:,} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.feed_reads:.1f} "
            f"| {r.row_reads:.1f} | {r.statements:.1f} | {r.cpu_ms:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the fan-out measurement and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--subscribers", default="20,200,1000")
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument(
        "--save",
        "--json",
        dest="save",
        type=Path,
        metavar="PATH",
        help="also save the rows as JSON, with the machine, versions, commit and time",
    )
    args = parser.parse_args(argv)
    started_at = datetime.now(UTC)
    counts = [int(c) for c in args.subscribers.split(",")]

    from bench import procstat
    from bench.database import bench_database, free_port, migrate
    from bench.servers import create_token, start_ours, stop
    from bench.setup import versions

    rows: list[Row] = []
    with bench_database() as database, tempfile.TemporaryDirectory() as workdir:
        asyncio.run(migrate(database.dsn))
        found = versions(database.dsn)
        token = create_token(database.dsn, "bench-fanout")
        extra = {"RATE_LIMIT": "0", "MAX_WEBSOCKETS_PER_ADDRESS": "0"}
        server = start_ours(
            database.dsn, free_port(), Path(workdir), environment="production", extra_env=extra
        )
        try:
            for count in counts:
                try:
                    row = asyncio.run(
                        measure(server.url, database.dsn, server.pid, token, count, args.writes)
                    )
                except Exception:
                    print(f"our service's log ends:\n{server.log_tail()}", file=sys.stderr)
                    raise
                print(f"{count} subscriptions: p50 {row.p50_ms:.1f} ms", file=sys.stderr)
                rows.append(row)
        finally:
            stop(server)
    print(report(rows))
    if args.save is not None:
        document = {
            "run": procstat.run_description(argv, started_at),
            "machine": procstat.machine(),
            "versions": found,
            "args": {"subscribers": counts, "writes": args.writes},
            "rows": [dataclasses.asdict(row) for row in rows],
        }
        args.save.write_text(json.dumps(document, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main(sys.argv[1:]))
