"""The schema extension answering compilable queries with one SQL statement."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import asyncpg
from graphql import ExecutionResult, OperationType
from graphql.execution import Executor
from strawberry.extensions import SchemaExtension

from service.api.compiled.catalog import SchemaCatalog
from service.api.compiled.compiler import NotCompilable, compile_operation

log = logging.getLogger(__name__)


class CompiledQueries(SchemaExtension):
    """Answer a query operation from one SQL statement when every field it selects has SQL.

    Runs after parsing, validation and the limits (it is the last extension), so a
    compiled query is refused for the same reasons as any other. Anything else, and any
    database error (the executor then reports it the usual way, with paths), goes to the
    executor.
    """

    def __init__(self, catalog: SchemaCatalog, page_sizes: tuple[int, int]) -> None:
        """The schema's catalog, and page sizes as the resolvers apply them (default, max)."""
        self.catalog = catalog
        self.page_sizes = page_sizes

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.result is None and context.graphql_document is not None:
            result = await self._answer()
            if result is not None:
                context.result = result
        yield

    async def _answer(self) -> ExecutionResult | None:
        context = self.execution_context
        schema = context.schema._schema
        executor = Executor.build(
            schema,
            context.graphql_document,  # type: ignore[arg-type]
            raw_variable_values=context.variables,
            operation_name=context.operation_name,
        )
        if isinstance(executor, list) or executor.operation.operation != OperationType.QUERY:
            return None  # errors in the variables, or not a query: the executor says so
        try:
            sql, params = compile_operation(
                schema,
                self.catalog,
                executor.fragments,
                executor.operation,
                executor.variable_values,
                self.page_sizes,
            )
        except NotCompilable as reason:
            log.debug("executor answers %s: %s", context.operation_name, reason)
            return None
        try:
            data = await context.context.pool.fetchval(sql, *params)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
            log.debug("executor answers %s after %r", context.operation_name, error)
            return None
        return ExecutionResult(data=data)
