"""The executor's answer to failing resolvers: every sibling settles, the errors are fixed.

graphql-core 3.3 gathers sibling fields and list items "with cancel": the first to fail
cancels the others. A cancelled resolver waiting on a DataLoader cancels the loader's
shared future too (a task's cancel cancels what it awaits), so an unrelated resolver
waiting on the same key got `asyncio.CancelledError`, which no error handler catches,
and the request answered 500. Which errors came back also depended on timing: a
sibling's error recorded before its parent was nulled stayed, one after was dropped.

This executor never cancels: each sibling's awaitable settles into its value or its
failure, and the failure raised to the parent is the first in field (or item) order.
The errors kept are those at the positions nulled by the end, not below another
nulled position, sorted by where they are in the document: one answer per request.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLError
from graphql.execution.executor import CollectedErrors
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class _Failure:
    """A sibling's exception, held until every sibling has settled."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


async def _settled(awaitable: Awaitable[Any]) -> Any:
    try:
        return await awaitable
    except Exception as error:  # raised again, in order, by _first_failure
        return _Failure(error)


def _first_failure(values: Any) -> Any:
    """`values` (a field dict or item list), or the first failure among them raised."""
    for value in values.values() if isinstance(values, dict) else values:
        if isinstance(value, _Failure):
            raise value.error
    return values


async def _raising(awaitable: Awaitable[Any]) -> Any:
    return _first_failure(await awaitable)


class SettledErrors(CollectedErrors):
    """Every error recorded; the answer's are chosen once execution is over."""

    __slots__ = ("_paths",)

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[Path | None] = []

    @property
    def errors(self) -> list[GraphQLError]:
        """The errors at nulled positions not below another, in document order."""
        recorded = self._errors
        if not recorded:
            return recorded
        positions = self._error_positions
        kept = [
            e for e, path in zip(recorded, self._paths, strict=True) if not _below(path, positions)
        ]
        return sorted(kept, key=_document_order)

    def add(self, error: GraphQLError, path: Path | None) -> None:
        """Record an error raised at `path`, whatever was nulled before it."""
        self._error_positions.add(path)
        self._errors.append(error)
        self._paths.append(path)


def _below(path: Path | None, positions: set[Path | None]) -> bool:
    if path is None:
        return False
    if None in positions:
        return True
    parent = path.prev
    while parent is not None:
        if parent in positions:
            return True
        parent = parent.prev
    return False


def _document_order(error: GraphQLError) -> tuple[Any, ...]:
    places = tuple((loc.line, loc.column) for loc in error.locations or ())
    keys = tuple((0, k, "") if isinstance(k, int) else (1, 0, k) for k in error.path or ())
    return places, keys, error.message


class SettlingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, where failing resolvers neither cancel nor race their siblings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collected_errors = SettledErrors()
        # How many `execute_fields` are starting their fields right now (they start them
        # all before returning): only fields run side by side settle. A mutation's root
        # fields run one after another, and a failing one must stop the next.
        self._starting = 0

    def build_per_event_executor(self, payload: Any) -> Any:
        """Each subscription event's executor settles the same way."""
        executor = super().build_per_event_executor(payload)
        executor.collected_errors = SettledErrors()
        return executor

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        """The field's value; beside siblings, an awaitable that settles instead of raising."""
        result = super().execute_field(*args, **kwargs)
        return _settled(result) if self._starting and self.is_awaitable(result) else result

    def execute_fields(self, *args: Any, **kwargs: Any) -> Any:
        """The fields' values once all have settled; the first failure in field order."""
        self._starting += 1
        try:
            result = super().execute_fields(*args, **kwargs)
        finally:
            self._starting -= 1
        return self._in_order(result)

    def complete_list_item_value(self, item: Any, complete_results: list[Any], *args: Any) -> bool:
        """Append the item's value, or an awaitable that settles instead of raising."""
        awaitable: bool = super().complete_list_item_value(item, complete_results, *args)
        if awaitable:
            complete_results[-1] = _settled(complete_results[-1])
        return awaitable

    async def complete_awaitable_list_item_value(self, *args: Any, **kwargs: Any) -> Any:
        """An awaitable item's value, or its failure, held for the list."""
        return await _settled(super().complete_awaitable_list_item_value(*args, **kwargs))

    def complete_iterable_value(self, *args: Any, **kwargs: Any) -> Any:
        """The items once all have settled; the first failure in list order."""
        return self._in_order(super().complete_iterable_value(*args, **kwargs))

    def _in_order(self, result: Any) -> Any:
        return _raising(result) if self.is_awaitable(result) else result
