"""GET /exports/<name>.csv and /exports/<name>.ndjson: the record for spreadsheets and
pipelines, streamed.

Each export (service/exports/: one per kind, the timeline, the stance matrix) runs one
statement in a read-only REPEATABLE READ transaction of its own: every line comes from
one snapshot, whose newest change id the `X-Change-Id` header gives before the first
line; `since=<that id>` later pulls what changed after it (and tombstones of what was
deleted). The rows come through a cursor a batch at a time and go out as they come, so
the process holds one batch whatever the export's size.

The API's rules apply as they are: the caller is authenticated as for /graphql (a bad
token, or no token when reads need one: 401 UNAUTHENTICATED), an export spends one
operation of the caller's rate budget (429 RATE_LIMITED), a refusal has the API's one
shape (`{"errors": [{"message", "extensions": {"code"}}]}`), and an unexpected error is
logged under an errorId and shown as "Internal server error".
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator
from functools import partial
from typing import Annotated, Any, Literal

import anyio
import asyncpg
from graphql import get_named_type
from litestar import Request, Response, Router, get
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from litestar.response import Stream

from service.access.gate import refusal
from service.access.middleware import AuthenticationMiddleware, authentication_of
from service.access.permissions import UNAUTHENTICATED
from service.access.rate_limit import Budget, RateLimitMiddleware
from service.database.named_queries import parameters, query
from service.errors import DomainError, Invalid
from service.exports.formats import NDJSON, Csv, Format, Ndjson
from service.exports.parameters import SINCE, QueryParameter
from service.exports.statement import Exporter, Statement
from service.graphql.history import change_id_of
from service.http.admission import within_deadline
from service.http.refusals import (
    TIMEOUT,
    Refusal,
    answer_exception,
    refusal_of,
    refusal_response,
)
from service.settings import Settings

PATH = "/exports"
CHANGE_ID_HEADER = "X-Change-Id"
CURSOR = "export_lines"
ROWS_PER_FETCH = 500
"""Rows a cursor fetch brings: the most the process holds of an export at a time."""
FLUSH_BYTES = 64 * 1024
"""Lines are sent in pieces of about this size (not one write per row)."""
IDLE_IN_TRANSACTION_MS = 60_000
"""A client that stops reading for this long loses its export (PostgreSQL ends the
transaction): a stalled download must not hold a snapshot, and a connection, for ever."""
BUSY_RETRY_AFTER_S = 5
INVALID = Invalid.code
EXPORTS_BUSY = "EXPORTS_BUSY"
SINCE_DESCRIPTION = (
    "Only what changed after this change id (the `X-Change-Id` of an earlier export, or a "
    "change's id or cursor from `changes`): the lines of records created or updated since, "
    "and a tombstone (`deleted`: true) for each record deleted since. The stance matrix "
    "gives the cells of the actor-subject pairs a change touched, an empty one where "
    "nothing is held any more."
)
FORMATS = {
    Csv.extension: "as CSV: a header, then a row per line, lists' first items numbered "
    "(UTF-8, RFC 4180)",
    Ndjson.extension: "as NDJSON: the API's JSON of each line, one a line",
}
# Litestar adds the charset to a text/* type.
MEDIA_TYPES = {Csv.extension: "text/csv", Ndjson.extension: NDJSON}
QUERY_NAMES = "query_names"
"""In a route's `opt`: the query parameter of each of its handler's Python parameters (the
API's names may be Python keywords: the timeline's `from`)."""
_WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="position-record"'}


class Slots:
    """How many exports this process streams at once: each holds a pooled connection for
    as long as it lasts, and the API needs the rest of the pool."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.taken = 0

    def take(self) -> None:
        """Take a slot, or refuse the export (503, retry later)."""
        if self.taken >= self.limit:
            raise Refusal(
                503,
                f"{self.limit} exports are running on this instance: retry in "
                f"{BUSY_RETRY_AFTER_S} s",
                EXPORTS_BUSY,
                headers={"Retry-After": str(BUSY_RETRY_AFTER_S)},
                extensions={"retryAfter": BUSY_RETRY_AFTER_S},
            )
        self.taken += 1

    def give_back(self) -> None:
        """Free a slot."""
        self.taken -= 1


class ExportStream:
    """One export being sent: its connection, its snapshot and its lines."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        exporter: Exporter,
        statement: Statement,
        format: Format,
        slots: Slots,
    ) -> None:
        self._pool = pool
        self._exporter = exporter
        self._statement = statement
        self._format = format
        self._slots = slots
        self._conn: asyncpg.Connection | None = None
        self._transaction: Any = None
        self._holds_slot = False
        self._closed = False

    async def open(self) -> int:
        """Take a slot and a connection, begin the snapshot; its newest change id."""
        self._slots.take()
        self._holds_slot = True
        self._conn = await self._pool.acquire()
        transaction = self._conn.transaction(isolation="repeatable_read", readonly=True)
        await transaction.start()
        self._transaction = transaction
        # The first statement of the REPEATABLE READ transaction takes the snapshot; the
        # newest settled change it holds is where an incremental pull (`since`) resumes
        # without missing anything (the live feed's own "from now", sql/queries/live.sql).
        change_id: int = await self._conn.fetchval(query("live", "settled_change_id"))
        await self._conn.execute(
            f"set local idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_MS}"
        )
        return change_id

    async def chunks(self, since: int | None) -> AsyncGenerator[bytes, None]:
        """The export's bytes, a piece at a time; the snapshot ends with them."""
        conn = self._conn
        assert conn is not None
        statement, format = self._statement, self._format
        try:
            pending: list[bytes] = [format.start()]
            size = len(pending[0])
            # A cursor of SQL's own (not asyncpg's, whose named statements PgBouncer's
            # transaction mode cannot keep apart): each FETCH one batch, one statement.
            await conn.execute(
                f"declare {CURSOR} no scroll cursor for {statement.sql}", *statement.params
            )
            while batch := await conn.fetch(f"fetch {ROWS_PER_FETCH} from {CURSOR}"):
                piece = format.lines([record["line"] for record in batch])
                pending.append(piece)
                size += len(piece)
                if size >= FLUSH_BYTES:
                    yield b"".join(pending)
                    pending, size = [], 0
            if statement.deleted:
                named = {"after_id": since, "kinds": [k.value for k in statement.deleted]}
                values = [named[n] for n in parameters("exports", "deleted_since")]
                rows = await conn.fetch(query("exports", "deleted_since"), *values)
                tombstones = [self._exporter.tombstone(r["kind"], r["record_id"]) for r in rows]
                pending.append(format.tombstones(tombstones))
            yield b"".join(pending)
        except Exception as exc:
            # The status went out with the first piece: the failure is logged under an
            # errorId, NDJSON gets it as a last line, and the transfer is cut short so
            # that no client takes a part for the whole.
            error = refusal_of(exc).error()
            if isinstance(format, Ndjson):
                yield format.tombstones([{"errors": [error]}])
            raise
        finally:
            await self.close()

    async def close(self) -> None:
        """End the snapshot, give the connection and the slot back (once; safe to call
        again, and after a failed `open`)."""
        if self._closed:
            return
        self._closed = True
        conn, transaction = self._conn, self._transaction
        # Shielded: a client that leaves cancels the stream, and the connection must go
        # back to the pool all the same.
        with anyio.CancelScope(shield=True):
            try:
                if transaction is not None:
                    await transaction.rollback()
            except Exception:
                if conn is not None:
                    conn.terminate()  # broken mid-export (a lost database, a killed backend)
            if conn is not None:
                await self._pool.release(conn)
        if self._holds_slot:
            self._slots.give_back()


def export_router(settings: Settings, exporters: list[Exporter], budget: Budget | None) -> Router:
    """The exports' routes, behind the API's authentication and rate limit."""
    middleware: list[Any] = [AuthenticationMiddleware()]
    if budget is not None:
        middleware.append(RateLimitMiddleware(budget))
    slots = Slots(max(1, settings.db_pool_max_size // 2))
    return Router(
        path=PATH,
        route_handlers=[
            _handler(settings, exporter, slots, extension)
            for exporter in exporters
            for extension in FORMATS
        ],
        middleware=middleware,
        exception_handlers={
            ValidationException: _parameter_refused,
            asyncpg.QueryCanceledError: partial(_timed_out, settings.statement_timeout_ms),
            Exception: answer_exception,
        },
    )


def _parameter_refused(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """A parameter of the wrong type (an enum value it does not have): 400 INVALID,
    naming the parameter, as the API names an argument."""
    extra = getattr(exc, "extra", None) or [{}]
    problem = extra[0] if isinstance(extra, list) and isinstance(extra[0], dict) else {}
    declared = request.route_handler.opt.get(QUERY_NAMES, {})
    name = declared.get(str(problem.get("key", "")), str(problem.get("key", "")))
    message = f"`{name}`: {problem.get('message', 'not a value it takes')}"
    extensions = {"field": name} if name else {}
    return refusal_response(request, Refusal(400, message, INVALID, extensions=extensions))


def _timed_out(limit_ms: int, request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """The snapshot's first statement cancelled by STATEMENT_TIMEOUT_MS (504, as the API)."""
    message = f"the database gave up on this export after {limit_ms} ms: retry later"
    return refusal_response(request, Refusal(504, message, TIMEOUT))


async def _answer(
    request: Request[Any, Any, Any],
    settings: Settings,
    exporter: Exporter,
    slots: Slots,
    extension: str,
) -> Response[Any]:
    problem = refusal(authentication_of(request.scope), settings)
    if problem is not None:
        raise Refusal(401, problem, UNAUTHENTICATED, headers=_WWW_AUTHENTICATE)
    given = {name: request.query_params.getall(name) for name in request.query_params}
    try:
        since_text = given.pop(SINCE, None)
        if since_text is not None and len(since_text) != 1:
            raise DomainError(f"give `{SINCE}` once", field=SINCE)
        since = None if since_text is None else change_id_of(since_text[0])
        statement = exporter.statement(given, since)
    except DomainError as error:
        extensions = {"field": error.field} if error.field else {}
        raise Refusal(400, error.message, error.code, extensions=extensions) from None
    format: Format = (
        Ndjson()
        if extension == Ndjson.extension
        else Csv(exporter.columns, with_deleted=bool(statement.deleted))
    )
    stream = ExportStream(request.app.state.pool, exporter, statement, format, slots)
    try:
        change_id = await within_deadline(settings.request_timeout_ms / 1000, stream.open())
    except BaseException:
        await stream.close()
        raise
    name = f"{exporter.export.name}-{change_id}.{format.extension}"
    return Stream(
        stream.chunks(since),
        media_type=format.media_type,
        headers={
            CHANGE_ID_HEADER: str(change_id),
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
        # After the response, however it ended: even when no piece was ever asked for
        # (a client gone at once), the snapshot ends and the connection goes back.
        background=BackgroundTask(stream.close),
    )


def _handler(
    settings: Settings, exporter: Exporter, slots: Slots, extension: str
) -> HTTPRouteHandler:
    """The route of one export in one format, its parameters declared for the OpenAPI
    document (and checked by Litestar), then read again, as the API reads its arguments."""
    export = exporter.export

    async def answer_export(request: Request[Any, Any, Any], **_: Any) -> Response[Any]:
        return await _answer(request, settings, exporter, slots, extension)

    declared = {
        "since": Annotated[
            str | None, Parameter(query=SINCE, description=SINCE_DESCRIPTION, required=False)
        ],
        **{f"p{i}": _declared(p, export.root) for i, p in enumerate(exporter.parameters)},
    }
    keyword = inspect.Parameter.KEYWORD_ONLY
    answer_export.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", keyword, annotation=Request[Any, Any, Any]),
            *(
                inspect.Parameter(n, keyword, default=None, annotation=t)
                for n, t in declared.items()
            ),
        ],
        return_annotation=Response[Any],
    )
    answer_export.__annotations__ = {
        "request": Request[Any, Any, Any],
        **declared,
        "return": Response[Any],
    }
    function = f"export_{export.name.replace('-', '_')}_{extension}"
    answer_export.__name__ = answer_export.__qualname__ = function
    filtered = f", filtered as `{export.root}` is" if export.root and exporter.parameters else ""
    return get(
        f"/{export.name}.{extension}",
        name=f"export-{export.name}-{extension}",
        summary=f"{export.summary} ({FORMATS[extension]})",
        description=(
            f"{export.summary} {FORMATS[extension]}{filtered}. One snapshot: the "
            f"`{CHANGE_ID_HEADER}` header names its newest change."
        ),
        tags=["exports"],
        media_type=MEDIA_TYPES[extension],
        opt={QUERY_NAMES: {f"p{i}": p.name for i, p in enumerate(exporter.parameters)}},
    )(answer_export)


def _declared(parameter: QueryParameter, root: str | None) -> Any:
    """The annotation a parameter is declared with: its values' type, its description
    (the schema's, else where it comes from)."""
    choices = parameter.choices
    single: Any = Literal[choices] if choices else _PYTHON.get(_named(parameter), str)
    value = list[single] if parameter.listed else single
    where = (
        f"{parameter.argument}.{parameter.input_field}"
        if parameter.input_field
        else parameter.argument
    )
    description = parameter.description or f"As `{where}` of `{root}` in the API."
    return Annotated[
        value | None,
        Parameter(query=parameter.name, description=description, required=False),
    ]


_PYTHON: dict[str, type] = {"Int": int, "Boolean": bool, "Float": float}


def _named(parameter: QueryParameter) -> str:
    return get_named_type(parameter.type).name
