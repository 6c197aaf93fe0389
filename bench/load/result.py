"""What one load run measured; both load generators print it as one `BENCH_JSON {...}` line."""

from __future__ import annotations

import json
from dataclasses import dataclass

MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class LoadResult:
    """Requests completed in the measured window, latency percentiles, failures.

    `bad` counts answers that were not a success: a status other than 200, or a body with
    a GraphQL error or a mutation's user error (`"errors":[{`). `exhausted` counts requests
    sent after the run's targets ran out (those answered in the window count as `bad` too).
    """

    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    bad: int
    bytes: int
    exhausted: int = 0

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0


def parse(output: str) -> LoadResult:
    """The result line of a load generator's output.

    Raises:
        ValueError: no result line (the generator failed: its output says why).
    """
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            return LoadResult(
                requests=int(data["requests"]),
                duration_s=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                socket_errors=int(data["socket_errors"]),
                bad=int(data["bad"]),
                bytes=int(data["bytes"]),
                exhausted=int(data.get("exhausted", 0)),
            )
    raise ValueError(f"no result line in the load generator's output:\n{output[-2000:]}")
