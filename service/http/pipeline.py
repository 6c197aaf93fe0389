"""The answer to an HTTP GraphQL request: one ordered pipeline, the first step that can
answer wins.

1. Admission (admission.py): a POST body must be JSON (415), and the rest runs within
   REQUEST_TIMEOUT_MS (504). Authentication and the rate limit ran before, as the
   route's middleware; the body size limit too (Litestar, 413).
2. The response cache (cached_answers.py): a query's answer kept for the caller's role,
   at the current version of the data.
3. A kept statement (kept_statements.py): the compiled SQL kept for this text, operation
   and variables, run without any GraphQL work; or, for a POSTed mutation, its kept
   plan: one statement writes and builds the answer (compiled/mutations.py).
4. The executor: Strawberry parses and validates (limits.py, cost.py, document_shape.py),
   then the operation runs, from a statement compiled now or through the resolvers.
5. The media type the client accepts (GraphQL over HTTP's graphql-response+json).

With tracing on (OTEL_*), steps 2 to 4 run inside the operation's span, which says which
of them answered (service/observability/tracing.py); off, that costs one test of None.

Steps 2 and 3 read the request early (operation_request.py, trusted_documents.py) and
only when they are configured; a request they cannot read (a batch, a malformed body, a
GET answered with the playground) goes to the executor, which answers or refuses it.
Any Refusal raised on the way is answered by the controller (refusals.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Request, Response

from service.http.admission import refuse_unless_json, within_deadline
from service.http.cached_answers import cache_slot
from service.http.config import TransportConfig
from service.http.kept_statements import kept_mutation_response, kept_statement_answer
from service.http.refusals import GRAPHQL_RESPONSE_JSON
from service.http.trusted_documents import early_operation

Executor = Callable[[], Awaitable[Response[Any]]]


async def answer(
    request: Request[Any, Any, Any],
    context: Any,
    config: TransportConfig,
    *,
    shows_playground: bool,
    executor: Executor,
) -> Response[Any]:
    """The response to `request`.

    Args:
        context: the request's GraphQL context (caller, pool, sub-response).
        shows_playground: a GET that Strawberry answers with the playground page.
        executor: runs the request through Strawberry (step 4).

    Raises:
        Refusal: a request refused on the way (the controller answers it).
    """
    refuse_unless_json(request)
    if config.tracing is None or shows_playground:
        answering = _first_answer(request, context, config, shows_playground, executor)
    else:
        first_answer = partial(_first_answer, request, context, config, shows_playground, executor)
        answering = config.tracing.operation(request, first_answer)
    response = await within_deadline(config.request_timeout_s, answering)
    return _in_accepted_media_type(request, response)


async def _first_answer(
    request: Request[Any, Any, Any],
    context: Any,
    config: TransportConfig,
    shows_playground: bool,
    executor: Executor,
) -> Response[Any]:
    cache, compiler = config.response_cache, config.query_compiler
    operation = None
    if (cache is not None or compiler is not None) and not shows_playground:
        operation = await early_operation(request, config.documents)
    if operation is None:
        return await executor()
    slot = None
    if cache is not None:
        slot = await cache_slot(cache, request, context, operation, config.max_query_tokens)
        hit = None if slot is None else slot.hit()
        if hit is not None:
            return hit
    response = None
    if compiler is not None:
        response = await kept_statement_answer(
            compiler, config.documents, context, operation, config.report_round_trips
        )
        if response is None and request.method == "POST":
            response = await kept_mutation_response(
                compiler, config.documents, context, operation, config.report_round_trips
            )
    if response is None:
        response = await executor()
    if slot is not None:
        slot.keep(response)
    return response


def _in_accepted_media_type(
    request: Request[Any, Any, Any], response: Response[Any]
) -> Response[Any]:
    """The response as `application/graphql-response+json` when the client accepts it:
    then a request error (nothing ran) is a 400, unless a 401/403/504 says more."""
    if GRAPHQL_RESPONSE_JSON not in request.headers.get("accept", ""):
        return response
    body = getattr(response, "content", None)
    if isinstance(body, bytes):
        response.media_type = GRAPHQL_RESPONSE_JSON
        if body.startswith(b'{"errors"') and response.status_code == 200:
            response.status_code = 400
    return response
