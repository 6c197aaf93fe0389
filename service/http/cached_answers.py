"""The response cache's step of the answer pipeline: which requests may use it, and how."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from litestar import Request, Response

from service.access.gate import context_refusal
from service.database.named_queries import query
from service.http.document_shape import operation_shapes
from service.http.operation_caches import KEPT_TEXT_MAX
from service.http.operation_request import OperationRequest
from service.http.refusals import media_type_for
from service.http.response_cache import DataVersion, Entry, ResponseCache, cache_key
from service.observability.request_info import CACHE, note_answer


@lru_cache(maxsize=512)
def _parsed(document: str, max_tokens: int) -> DocumentNode | None:
    try:
        # At most the tokens Strawberry will parse: without the limit, a 1 MiB document
        # held the event loop for seconds here, before any limit was checked.
        return parse(document, max_tokens=max_tokens)
    except GraphQLError:
        return None


def is_cacheable_query(document: str, operation_name: str | None, max_tokens: int) -> bool:
    """A query (never a mutation or subscription) that reads nothing caller-specific;
    parsed with at most `max_tokens` tokens (MAX_QUERY_TOKENS), and never a text longer
    than the parsed-document caches keep (512 of them, a megabyte each, would be kept)."""
    if len(document) > KEPT_TEXT_MAX:
        return False
    parsed = _parsed(document, max_tokens)
    if parsed is None:
        return False  # Strawberry reports the syntax error
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return False
    # The operation's own shape: fragments are measured once each (document_shape.py).
    shapes = operation_shapes(parsed)
    return not next(shape for op, shape in shapes if op is operations[0]).caller_specific


# Changes waiting behind a long transaction, past which nothing is cached: counting
# them is what the version costs, and while that many wait, answers would not last.
WAITING_COUNTED = 1000


async def data_version(pool: Any) -> DataVersion | None:
    """The version of the data now (sql/queries/live.sql, data_version): the newest
    settled change and how many were committed after it; None when WAITING_COUNTED or
    more changes wait for a transaction still running (then nothing is cached)."""
    row = await pool.fetchrow(query("live", "data_version"), WAITING_COUNTED)
    if row["waiting"] >= WAITING_COUNTED:
        return None
    return (row["settled_id"], row["waiting"])


@dataclass(frozen=True)
class CacheSlot:
    """Where the answer to one request is kept in the response cache, at one version of
    the data: its entry, if any, answers; else the answer made is kept there."""

    cache: ResponseCache
    key: bytes
    version: DataVersion

    def hit(self) -> Response[bytes] | None:
        entry = self.cache.get(self.key, self.version)
        if entry is None:
            return None
        note_answer(CACHE)
        return Response(entry.body, media_type=entry.media_type, headers={"X-Cache": "hit"})

    def keep(self, response: Response[Any]) -> None:
        """Keep a successful answer (200, no errors), and say it was a miss."""
        body = getattr(response, "content", None)
        if response.status_code == 200 and isinstance(body, bytes) and b'"errors"' not in body:
            # Litestar's MediaType is a str Enum: str() of it is "MediaType.JSON".
            media_type = str(getattr(response.media_type, "value", response.media_type))
            self.cache.put(self.key, Entry(self.version, body, media_type))
        response.headers["X-Cache"] = "miss"


async def cache_slot(
    cache: ResponseCache,
    request: Request[Any, Any, Any],
    context: Any,
    operation: tuple[OperationRequest, str],
    max_query_tokens: int,
) -> CacheSlot | None:
    """The slot of a cacheable query from a caller who may run it; None for any other."""
    data, document = operation
    if not is_cacheable_query(document, data.operation_name, max_query_tokens):
        return None
    if context_refusal(context) is not None:
        return None
    version = await data_version(context.pool)
    if version is None:
        return None
    key = cache_key(context.caller_role, document, data.operation_name, data.variables)
    # The media type the answer will have, not the Accept header as sent: any other
    # spelling of the same choice (or a random one) would make an entry of its own.
    key += media_type_for(request.headers.get("accept", "")).encode()
    return CacheSlot(cache, key, version)
