"""Answer a query from its kept compiled statement, or a mutation from its kept plan,
before any GraphQL work.

Kept mutations (service/graphql/compiled/mutations.py) follow the same rule: a plan is
kept only once the same text and operation went the whole way and succeeded; anything
unusual goes the whole way again. They come by POST only (GraphQL over HTTP).

The first request for a (query text, operation name, variables) goes the whole way:
Strawberry parses and validates it, the limits count it, and CompiledQueries compiles
it, answers it and keeps the statement. A statement is kept only after the same text,
operation and variables passed every check, and those checks depend on nothing else
(limits.py, cost.py; the caller is checked below, per request). So a later request for
it can skip Strawberry: run the statement and send its JSON. GET and POST alike: only a
query's statement is ever kept, and queries may come by either. Measured under load, that
halves the service's CPU per compiled read (bench/README.md).

Anything else goes the whole way, as if this step were not there: a request it cannot
read, a batch, a caller who may not run anything, a statement not kept yet, and a
database error (the executor then answers, or reports it). A statement timeout is handed
on to CompiledQueries, which reports it without waiting for a second one.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import msgspec
from litestar import Response

from service.access.gate import context_refusal
from service.database.pool import count_round_trips
from service.graphql.compiled.extension import QueryCompiler
from service.graphql.compiled.mutations import kept_mutation_answer
from service.http.operation_request import OperationRequest
from service.http.trusted_documents import DocumentRules
from service.observability.request_info import STATEMENT, note_answer

_encode = msgspec.json.Encoder().encode


async def kept_statement_answer(
    compiler: QueryCompiler,
    rules: DocumentRules,
    context: Any,
    operation: tuple[OperationRequest, str],
    report_round_trips: bool,
) -> Response[bytes] | None:
    """The answer of the request's kept statement; None when it has none (or its caller
    may run nothing, or the database failed): the executor answers then."""
    data, document = operation
    if rules.untrusted(data.query):
        return None  # refused the whole way (a statement is kept per text, however run)
    statement = compiler.kept(document, data.operation_name, data.variables)
    if statement is None or context_refusal(context) is not None:
        return None
    with count_round_trips() as round_trips:
        text: str | None = None
        try:
            text = await context.pool.fetchval(statement.sql, *statement.params)
        except asyncpg.QueryCanceledError as error:
            context.statement_timeout = error
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            pass
        if report_round_trips:
            await asyncio.sleep(0)  # asyncpg counts a query in a call_soon
    if text is None:  # the whole way reports the failure (or the executor answers)
        context.round_trips_before = round_trips.count
        return None
    note_answer(STATEMENT)
    # The body Strawberry would write for this result, PostgreSQL's JSON as it is.
    body = b'{"data":' + text.encode()
    if report_round_trips:
        # As SqlRoundTrips adds `extensions.sqlRoundTrips` outside production.
        body += b',"extensions":' + _encode({"sqlRoundTrips": round_trips.count})
    # The status is explicit: a Response without one gets it only when sent, and the
    # response cache (the step before, pipeline.py) keeps 200s only.
    return Response(body + b"}", status_code=200, media_type="application/json")


async def kept_mutation_response(
    compiler: QueryCompiler,
    rules: DocumentRules,
    context: Any,
    operation: tuple[OperationRequest, str],
    report_round_trips: bool,
) -> Response[bytes] | None:
    """The answer of a POSTed mutation from its kept plan; None: the whole way answers."""
    data, document = operation
    if rules.untrusted(data.query):
        return None
    body = await kept_mutation_answer(
        compiler.mutations,
        context,
        document,
        data.operation_name,
        data.variables,
        report_round_trips,
    )
    if body is None:
        return None
    return Response(body, status_code=200, media_type="application/json")
