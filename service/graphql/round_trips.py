"""Reports the SQL round-trips of each GraphQL operation (in `extensions.sqlRoundTrips`).

It lets a test (and the benchmark) show that nested lists cost one round-trip per level,
not one per row. Off in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension

from service.database.pool import RoundTrips, count_round_trips


class SqlRoundTrips(SchemaExtension):
    """Counts the statements the operation sends to PostgreSQL."""

    counter: RoundTrips | None = None

    async def on_operation(self) -> AsyncIterator[None]:
        with count_round_trips() as counter:
            self.counter = counter
            yield
            # asyncpg reports each query through loop.call_soon: let the last one land.
            await asyncio.sleep(0)

    def get_results(self) -> dict[str, Any]:
        if self.counter is None:
            return {}
        # A kept statement that timed out before execution (compiled/view.py) counts too.
        before: int = getattr(self.execution_context.context, "round_trips_before", 0)
        return {"sqlRoundTrips": self.counter.count + before}
