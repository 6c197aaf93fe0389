"""The Python load generator, for machines without wrk: run in its own process.

    python bench/load/pyload.py URL BODY_FILE --connections 20 --duration 10 [--targets FILE]

Each connection is a raw asyncio stream speaking HTTP/1.1 with keep-alive (an HTTP client
library would cost more CPU than the server under test on this two-core machine). The
token, if any, comes from the BENCH_TOKEN environment variable, not the command line.
Prints the same `BENCH_JSON` line as the wrk script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bench.load.result import LoadResult

# The same markers as bench/load/wrk.py (this file runs without the `bench` package).
UNIQUE = "__N__"
TARGET = "__TARGET__"
EXHAUSTED = "no-target-left"


class Stats:
    """Latencies (ns) of completed requests in the window, failures, and the targets (one
    per request, shared by the connections) with how many have been handed out."""

    def __init__(self, targets: Sequence[str] = ()) -> None:
        self.latencies: list[int] = []
        self.bad = 0
        self.socket_errors = 0
        self.bytes = 0
        self.targets = targets
        self.taken = 0
        self.exhausted = 0

    def next_target(self) -> str:
        """The next target, each handed out once (the connections share one event loop)."""
        self.taken += 1
        if self.taken > len(self.targets):
            self.exhausted += 1
            return EXHAUSTED
        return self.targets[self.taken - 1]


def _request(host: str, path: str, body: bytes, token: str | None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"{auth}Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, int]:
    """Status, body and bytes read of one response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:  # chunked
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(parts)
    return status, body, len(head) + len(body)


async def _worker(
    n: int, url: str, body: str, token: str | None, deadline: float, stats: Stats
) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    counter = 0
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            stats.socket_errors += 1
            await asyncio.sleep(0.01)
            continue
        try:
            while time.perf_counter() < deadline:
                counter += 1
                text = body.replace(UNIQUE, f"{n}x{counter}")
                if TARGET in text:
                    text = text.replace(TARGET, stats.next_target())
                payload = text.encode()
                started = time.perf_counter_ns()
                writer.write(_request(parts.netloc, parts.path or "/", payload, token))
                status, answer, size = await _read_response(reader)
                stats.latencies.append(time.perf_counter_ns() - started)
                stats.bytes += size
                if status != 200 or b'"errors":[{' in answer:
                    stats.bad += 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            stats.socket_errors += 1
        finally:
            writer.close()


def _percentile(sorted_ns: list[int], share: float) -> float:
    if not sorted_ns:
        return 0.0
    return sorted_ns[min(len(sorted_ns) - 1, int(share * len(sorted_ns)))] / 1000


async def load(
    url: str,
    body: str,
    token: str | None,
    connections: int,
    duration: float,
    targets: Sequence[str] = (),
) -> dict[str, Any]:
    """Run the load; returns the result as the BENCH_JSON fields."""
    stats = Stats(targets)
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(
        *(_worker(n, url, body, token, deadline, stats) for n in range(connections))
    )
    elapsed = time.perf_counter() - started
    latencies = sorted(stats.latencies)
    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1e6),
        "bytes": stats.bytes,
        "p50_us": _percentile(latencies, 0.50),
        "p99_us": _percentile(latencies, 0.99),
        "max_us": latencies[-1] / 1000 if latencies else 0,
        "socket_errors": stats.socket_errors,
        "bad": stats.bad,
        "exhausted": stats.exhausted,
    }


def run(
    url: str,
    body: str,
    *,
    token: str | None,
    connections: int,
    duration_s: float,
    targets: Sequence[str] | None = None,
) -> LoadResult:
    """Run this module in a child process (so it does not share the runner's core); each
    request gets its own of `targets`, when given, for TARGET in `body`."""
    from bench.load.result import parse  # the child process needs no `bench` import

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(body)
        path = Path(handle.name)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(targets or ()))
        targets_path = Path(handle.name)
    try:
        command = [
            sys.executable, __file__, url, str(path),
            "--connections", str(connections), "--duration", str(duration_s),
        ]  # fmt: skip
        if targets is not None:
            command += ["--targets", str(targets_path)]
        env = {**os.environ, "BENCH_TOKEN": token or ""}
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=duration_s + 60, check=False
        )
        return parse(done.stdout + done.stderr)
    finally:
        path.unlink(missing_ok=True)
        targets_path.unlink(missing_ok=True)


def main() -> None:
    """Entry point: see the module docstring."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("body_file")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--targets", help="a file of targets for TARGET, one a line")
    args = parser.parse_args()
    with open(args.body_file, encoding="utf-8") as handle:
        body = handle.read()
    targets: list[str] = []
    if args.targets:
        with open(args.targets, encoding="utf-8") as handle:
            targets = handle.read().split()
    token = os.environ.get("BENCH_TOKEN") or None
    result = asyncio.run(load(args.url, body, token, args.connections, args.duration, targets))
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
