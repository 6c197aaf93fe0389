"""Operations sent over a websocket spend the caller's rate budget, as HTTP requests do.

A graphql-transport-ws `subscribe` message starts a subscription, a query or a mutation.
Each spends one operation of the budget HTTP requests spend (RATE_LIMIT a minute per
token, per address for anonymous callers: see access/rate_limit.py). Once it is spent,
the operation is refused with an `error` message carrying RATE_LIMITED and the seconds
to wait; the socket and the subscriptions already running stay open.
"""

from __future__ import annotations

from typing import Any

from service.access.rate_limit import Budget, address_of, caller_key
from service.http.websocket.subscribe import is_new_operation


class RateLimitedSubscribeMessages:
    """Mixin for the graphql-transport-ws handler (before Strawberry's in the MRO)."""

    async def handle_subscribe(self, message: Any) -> None:
        budget: Budget | None = self.view.config.rate_budget  # type: ignore[attr-defined]
        # Left to Strawberry, which runs nothing and closes the socket: a message before
        # the connection is acknowledged (4401), and an id already running (4409).
        if budget is not None and is_new_operation(self, message):
            context: Any = self.context  # type: ignore[attr-defined]
            websocket = getattr(context, "websocket", None)
            address = None if websocket is None else address_of(websocket.scope)
            spent = budget.spend(caller_key(context.caller, address))
            if not spent.allowed:
                await self.send_message(  # type: ignore[attr-defined]
                    {"id": message.get("id"), "type": "error", "payload": [spent.refusal().error()]}
                )
                return
        await super().handle_subscribe(message)  # type: ignore[misc]
