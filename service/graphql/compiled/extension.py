"""The schema extension answering compilable queries with one SQL statement."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
from graphql import DocumentNode, ExecutionResult, GraphQLError, OperationType
from graphql.execution import Executor
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType as StrawberryOperationType

from service.graphql.compiled.catalog import SchemaCatalog
from service.graphql.compiled.compiler import CompiledStatement, NotCompilable, compile_operation
from service.graphql.compiled.mutations import MutationPlans
from service.http.operation_caches import OperationKey, operation_key
from service.lru import Lru
from service.observability.request_info import COMPILED, note_answer

log = logging.getLogger(__name__)


class QueryCompiler:
    """Compiles operations of one schema, and remembers the statements it made.

    A statement depends on the document, the operation and the variables only (not on
    the caller or the data), so it is kept per (query text, operation name, variables),
    least recently used first out, as PostGraphile keeps its operation plans. A
    document it cannot compile is remembered too: it goes to the executor at once.
    """

    def __init__(
        self, catalog: SchemaCatalog, page_sizes: tuple[int, int], entries: int = 1000
    ) -> None:
        """The schema's catalog, page sizes as the resolvers apply them (default, max),
        and how many statements to keep."""
        self.catalog = catalog
        self.page_sizes = page_sizes
        self.statements: Lru[OperationKey, CompiledStatement | None] = Lru(entries)
        # Mutation documents answered without the executor once kept (mutations.py).
        self.mutations = MutationPlans(catalog, page_sizes, entries)

    def statement(
        self,
        document: DocumentNode,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> CompiledStatement | None:
        """The statement answering the operation, or None when the executor must."""
        key = operation_key(query, operation_name, variables)
        if key is None:
            return self._compile(document, operation_name, variables)
        if key in self.statements:
            found: CompiledStatement | None = self.statements.get(key)
            return found
        statement = self._compile(document, operation_name, variables)
        self.statements.put(key, statement)
        return statement

    def kept(
        self, query: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> CompiledStatement | None:
        """The statement already made for this operation, if any (nothing is compiled)."""
        key = operation_key(query, operation_name, variables)
        found: CompiledStatement | None = None if key is None else self.statements.get(key, None)
        return found

    def _compile(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> CompiledStatement | None:
        schema = self.catalog.schema
        executor = Executor.build(
            schema, document, raw_variable_values=variables, operation_name=operation_name
        )
        if isinstance(executor, list) or executor.operation.operation != OperationType.QUERY:
            return None  # errors in the variables, or not a query: the executor says so
        try:
            return compile_operation(
                schema,
                self.catalog,
                executor.fragments,
                executor.operation,
                executor.variable_values,
                self.page_sizes,
            )
        except NotCompilable as reason:
            log.debug("executor answers %s: %s", operation_name, reason)
            return None


class CompiledQueries(SchemaExtension):
    """Answer a query operation from one SQL statement when every field it selects has SQL.

    Runs after parsing, validation and the limits (it is the last extension), so a
    compiled query is refused for the same reasons as any other. Anything else, and any
    database error (the executor then reports it the usual way, with paths), goes to the
    executor.
    """

    def __init__(self, compiler: QueryCompiler) -> None:
        """Compile with `compiler` (one per schema: it keeps the statements)."""
        self.compiler = compiler

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        # Mutations and subscriptions never compile: keep them out of the statement cache,
        # where each one's fresh variables would push out the queries' statements.
        if (
            context.result is None
            and context.graphql_document is not None
            and context.operation_type is StrawberryOperationType.QUERY
        ):
            result = await self._answer()
            if result is not None:
                context.result = result
        yield

    async def _answer(self) -> ExecutionResult | None:
        context = self.execution_context
        assert context.graphql_document is not None
        statement = self.compiler.statement(
            context.graphql_document,
            context.query,
            _sent_operation_name(context),
            context.variables,
        )
        if statement is None:
            return None
        timed_out = getattr(context.context, "statement_timeout", None)
        if timed_out is not None:
            # This very statement timed out in CompiledView's direct answer: report that
            # rather than wait out the timeout a second time.
            return failed_at_roots(statement, timed_out)
        try:
            text: str = await context.context.pool.fetchval(statement.sql, *statement.params)
        except asyncpg.QueryCanceledError as error:
            # STATEMENT_TIMEOUT_MS: the executor would only wait as long again. The error
            # at each root field, as the executor gives it (failures.py words it).
            return failed_at_roots(statement, error)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            log.debug("executor answers %s after %r", context.operation_name, error)
            return None
        note_answer(COMPILED)
        # msgspec writes Raw as it is: the view's encoder (HTTP and websockets) puts the
        # JSON PostgreSQL built into the answer without decoding and re-encoding it.
        return ExecutionResult(data=msgspec.Raw(text.encode()))  # type: ignore[arg-type]


def _sent_operation_name(context: Any) -> str | None:
    """The operationName the client sent (None if none), which keys the statement as
    CompiledView looks it up; `operation_name` falls back to the document's first one."""
    sent: str | None = getattr(context, "_provided_operation_name", context.operation_name)
    return sent


def failed_at_roots(statement: CompiledStatement, error: Exception) -> ExecutionResult:
    """The answer of a statement that failed: the error at each root field, and data as
    the executor leaves it (null where a root may be null, none if one may not)."""
    errors = [
        GraphQLError(str(error), path=[key], original_error=error) for key, _ in statement.roots
    ]
    if all(nullable for _, nullable in statement.roots):
        return ExecutionResult(data={key: None for key, _ in statement.roots}, errors=errors)
    return ExecutionResult(data=None, errors=errors)  # a non-null root: no data at all
