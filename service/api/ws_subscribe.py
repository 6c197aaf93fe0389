"""What the mixins of our graphql-transport-ws handler share (trusted documents, rate limit).

Each looks at a `subscribe` message before Strawberry runs it, and may answer it with an
`error` message for that operation instead.
"""

from __future__ import annotations

from typing import Any


def is_new_operation(handler: Any, message: Any) -> bool:
    """A `subscribe` message the graphql-transport-ws handler would run: the connection is
    acknowledged and its id is not running already (Strawberry closes the socket for
    either, 4401 or 4409, and no operation-level answer should come before that)."""
    return bool(handler.connection_acknowledged) and message.get("id") not in handler.operations
