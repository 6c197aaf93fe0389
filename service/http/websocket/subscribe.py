"""What the mixins of our graphql-transport-ws handler share (trusted documents, rate limit).

Each looks at a `subscribe` message before Strawberry runs it, and may answer it with an
`error` message for that operation instead.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.exceptions import WebSocketDisconnect

from service.database.pool import database_unavailable
from service.http.refusals import database_unavailable_refusal

log = logging.getLogger("service.api")


def is_new_operation(handler: Any, message: Any) -> bool:
    """A `subscribe` message the graphql-transport-ws handler would run: the connection is
    acknowledged and its id is not running already (Strawberry closes the socket for
    either, 4401 or 4409, and no operation-level answer should come before that)."""
    return bool(handler.connection_acknowledged) and message.get("id") not in handler.operations


class WellFormedMessages:
    """Mixin for the graphql-transport-ws handler (first in the MRO): a message of the
    wrong shape closes the socket with 4400, as the protocol says for an invalid message.

    Strawberry checks that a message is JSON, not that it is an object, nor the types of
    a `subscribe` message's fields: `42`, a string payload or a list of variables failed
    inside it as a server error (4500, or an INTERNAL_SERVER_ERROR for the operation).
    """

    async def handle_message(self, message: Any) -> None:
        problem = _malformed(message)
        if problem is not None:
            await self.handle_invalid_message(problem)  # type: ignore[attr-defined]
            return
        await super().handle_message(message)  # type: ignore[misc]


_OPTIONAL_FIELDS = (("query", str), ("operationName", str), ("variables", dict),
                    ("extensions", dict), ("documentId", str))  # fmt: skip


def _malformed(message: Any) -> str | None:
    """Why `message` is no graphql-transport-ws message we can read; None when it is."""
    if not isinstance(message, dict):
        return "a message must be a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str):
        return "a message needs a `type` string"
    if kind in ("subscribe", "complete") and not (
        isinstance(message.get("id"), str) and message["id"]
    ):
        return f"a {kind} message needs a non-empty string `id`"
    if kind == "subscribe":
        payload = message.get("payload")
        if not isinstance(payload, dict):
            return "a subscribe message's `payload` must be an object"
        for name, wanted in _OPTIONAL_FIELDS:
            value = payload.get(name)
            if value is not None and not isinstance(value, wanted):
                return f"a subscribe message's `payload.{name}` must be a {_NAMES[wanted]}"
    return None


_NAMES = {str: "string", dict: "JSON object"}


# RFC 6455's "Try Again Later": the close code of a socket whose `connection_init` could
# not be checked because the database cannot be reached (a token is looked up there).
TRY_AGAIN_LATER = 1013


class OutageClosesSocket:
    """Mixin for the graphql-transport-ws handler: a `connection_init` whose token cannot
    be looked up (the database is unreachable) closes the socket with 1013 and a reason
    naming DATABASE_UNAVAILABLE, instead of an internal error."""

    async def handle_connection_init(self, message: Any) -> None:
        try:
            await super().handle_connection_init(message)  # type: ignore[misc]
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            refusal = database_unavailable_refusal(exc)  # logged under its errorId
            reason = f"{refusal.code}: {refusal.reason}"
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=reason)  # type: ignore[attr-defined]


class QuietWhenClientLeaves:
    """Mixin for the graphql-transport-ws handler: a client that closes its socket while
    an answer is being sent (a `complete` after its last `next`, say) is no server error.

    uvicorn raises ClientDisconnected (an OSError), which Strawberry's send does not
    translate: it was logged at ERROR with a traceback, for every such client.
    """

    async def handle_task_exception(self, error: Exception) -> None:
        if isinstance(error, OSError | WebSocketDisconnect):
            log.info("websocket client left before its answer was sent")
            return
        await super().handle_task_exception(error)  # type: ignore[misc]
