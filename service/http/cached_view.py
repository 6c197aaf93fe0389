"""The controller side of the response cache: which requests may use it, and how."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from litestar import Request, Response

from service.access.gate import context_refusal
from service.db import query
from service.http.document_shape import operation_shapes
from service.http.operation_caches import KEPT_TEXT_MAX
from service.http.refusals import media_type_for
from service.http.response_cache import Entry, ResponseCache, cache_key
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


class CachedView:
    """Mixin for the GraphQL controller: serve repeated queries from the response cache."""

    response_cache: ClassVar[ResponseCache | None] = None
    max_query_tokens: ClassVar[int] = 2000

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        run = super().run  # type: ignore[misc]
        cache = self.response_cache
        if cache is None or not isinstance(request, Request) or context is None:
            return await run(request, context=context, root_value=root_value)
        found = await self._early_operation(request)  # type: ignore[attr-defined]
        if found is None or not is_cacheable_query(
            found[1], found[0].operation_name, self.max_query_tokens
        ):
            return await run(request, context=context, root_value=root_value)
        data, document = found
        if context_refusal(context) is not None:
            return await run(request, context=context, root_value=root_value)
        key = cache_key(context.caller_role, document, data.operation_name, data.variables)
        version: int = await context.pool.fetchval(query("live", "latest_change_id"))
        # The media type the answer will have, not the Accept header as sent: any other
        # spelling of the same choice (or a random one) would make an entry of its own.
        key += media_type_for(request.headers.get("accept", "")).encode()
        entry = cache.get(key, version)
        if entry is not None:
            note_answer(CACHE)
            return Response(entry.body, media_type=entry.media_type, headers={"X-Cache": "hit"})
        response = await run(request, context=context, root_value=root_value)
        body = getattr(response, "content", None)
        if response.status_code == 200 and isinstance(body, bytes) and b'"errors"' not in body:
            # Litestar's MediaType is a str Enum: str() of it is "MediaType.JSON".
            media_type = str(getattr(response.media_type, "value", response.media_type))
            cache.put(key, Entry(version, body, media_type))
        response.headers["X-Cache"] = "miss"
        return response
