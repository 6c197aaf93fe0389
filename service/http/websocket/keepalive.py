"""Server pings on graphql-transport-ws connections (Strawberry only answers clients' pings).

Proxies and load balancers close websockets that stay silent; a subscription waiting for
the next change is silent. A ping every WS_PING_INTERVAL_S seconds (TransportConfig)
keeps it open and lets the client notice a dead server.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)


class KeepAliveTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws with periodic server pings once the connection is acknowledged."""

    _pinger: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._pinger is None:
            self._pinger = asyncio.create_task(self._ping_forever())

    async def _ping_forever(self) -> None:
        interval: float = self.view.config.ws_ping_interval_s  # type: ignore[attr-defined]
        # A closed socket ends the loop: there is nobody left to ping.
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pinger
        await super().shutdown()
