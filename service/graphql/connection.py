"""Relay connections: one generic type, filled by keyset pages (top-level or per parent)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from service.database.named_queries import parameters, query
from service.graphql.context import Info
from service.record.paging import (
    Order,
    Page,
    PageRequest,
    count_rows,
    count_rows_by_parent,
    fetch_page,
    fetch_pages_by_parent,
    fetch_union_page,
    union_branches,
)

T = TypeVar("T")
Row = dict[str, Any]


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="An item of a list and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after`/`before` to page from here.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay connection, keyset cursors).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with cursors.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]
    # A plain value, not a resolver: Strawberry resolves plain fields on a fast path (no
    # Info object, no argument parsing), and every list of every answer has one.
    nodes: list[T] = strawberry.field(description="The items of this page.")

    @strawberry.field(description="How many items the whole list holds (all pages).")
    async def total_count(self) -> int:
        return await self._count()


@dataclass(frozen=True)
class ListQuery:
    """A named list query (sql/queries/<feature>.sql) and how its rows become nodes.

    Attributes:
        feature: the .sql file.
        name: the query's name; its filters are named parameters (`:speakers`).
        to_node: builds the GraphQL object from a row.
        parent_column: for lists under a parent, the column holding the parent's id.
        union: the query is a union of branches (`union all` lines) that top-level pages
            cut branch by branch (paging.fetch_union_page).
        decorate: a query of the same file adding costly columns to a page's rows only
            (paging.fetch_page's `decorate`).
        lateral: each parent's page is read with its own limit, through an index on the
            parent column (paging.fetch_pages_by_parent's `lateral`). Turn it off for a
            parent column the query computes, which no index can find.
    """

    feature: str
    name: str
    to_node: Callable[[Row], Any]
    parent_column: str | None = None
    union: bool = False
    decorate: str | None = None
    lateral: bool = True

    @property
    def sql(self) -> str:
        """The query text, its parameters numbered."""
        return query(self.feature, self.name)

    def bind(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The values of the query's parameters in their numbered order; a parameter
        not given is None (a filter left out is off). A name the query does not have is
        a mistake in the caller, not a filter to ignore: KeyError."""
        names = parameters(self.feature, self.name)
        if unknown := set(values) - set(names):
            raise KeyError(f"{self.feature}.{self.name} has no parameter {sorted(unknown)}")
        return tuple(values.get(name) for name in names)

    async def fetch_page(
        self, executor: Any, params: Sequence[Any], order: Order, page: PageRequest, limit: int
    ) -> Page:
        """One top-level page of this list."""
        if self.union:
            branches = union_branches(self.sql)
            return await fetch_union_page(executor, branches, params, order, page, limit)
        decorate = None if self.decorate is None else query(self.feature, self.decorate)
        return await fetch_page(executor, self.sql, params, order, page, limit, decorate=decorate)


@dataclass(frozen=True)
class ListRead:
    """What a list field reads for its arguments: the query, the order, the parameters.

    Built by one function per list field, which its resolver and the query compiler
    (service/graphql/compiled) both call: filters and orderings mean the same on both paths.
    """

    query: ListQuery
    order: Order
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def bound(self) -> tuple[Any, ...]:
        """The parameters in the query's numbered order."""
        return self.query.bind(self.params)


# The paging arguments of every connection field, described once.
First = Annotated[
    int | None,
    strawberry.argument(
        description="At most this many items from the start (after `after`); without "
        "`first` or `last`, the default page size."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Start after the item of this cursor (an `endCursor`)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(description="At most this many items from the end (before `before`)."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="End before the item of this cursor (a `startCursor`)."),
]


def page_request(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> PageRequest:
    """The paging arguments as one hashable value."""
    return PageRequest(first=first, after=after, last=last, before=before)


def _to_connection(
    page: Page, to_node: Callable[[Row], Any], count: Callable[[], Awaitable[int]]
) -> Connection[Any]:
    nodes = [to_node(r) for r in page.rows]
    edges = [Edge(cursor=c, node=n) for n, c in zip(nodes, page.cursors, strict=True)]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        _count=count,
    )


async def top_level(
    info: Info, list_query: ListQuery, named: Mapping[str, Any], order: Order, page: PageRequest
) -> Connection[Any]:
    """A connection over a whole list (the root query fields)."""
    params = list_query.bind(named)
    settings = info.context.settings
    limit = page.limit(settings.default_page_size, settings.max_page_size)
    pool = info.context.pool
    rows = await list_query.fetch_page(pool, params, order, page, limit)

    async def count() -> int:
        return await count_rows(pool, list_query.sql, params)

    return _to_connection(rows, list_query.to_node, count)


@dataclass(frozen=True)
class _ChildKey:
    parent_id: int
    params: tuple[Hashable, ...]
    order: Order
    page: PageRequest


async def child(
    info: Info,
    list_query: ListQuery,
    parent_id: int,
    order: Order,
    page: PageRequest,
    named: Mapping[str, Any] | None = None,
) -> Connection[Any]:
    """A connection under one parent, batched with its siblings: one round-trip per level."""
    # Loader keys must be hashable: list filters travel as tuples (asyncpg takes both).
    params = tuple(tuple(p) if isinstance(p, list) else p for p in list_query.bind(named or {}))
    settings = info.context.settings
    sizes = (settings.default_page_size, settings.max_page_size)
    page.limit(*sizes)  # a bad page size fails here, before any SQL runs
    loaders = info.context.loaders
    pages = loaders.get(_pages_batch(list_query, sizes), key=("pages", list_query))
    counts = loaders.get(_counts_batch(list_query), key=("counts", list_query))
    key = _ChildKey(parent_id, params, order, page)
    result: Page = await pages.load(key)

    async def count() -> int:
        total: int = await counts.load((parent_id, params))
        return total

    return _to_connection(result, list_query.to_node, count)


# Cached: `child` asks for these on every parent's list, and the closure is only needed
# (and, being the same object, only looked up) once per loader.
@cache
def _pages_batch(
    list_query: ListQuery, sizes: tuple[int, int]
) -> Callable[..., Awaitable[list[Page | Exception]]]:
    async def batch(pool: Any, keys: Sequence[_ChildKey]) -> list[Page | Exception]:
        groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for key in keys:
            groups[(key.params, key.order, key.page)].append(key.parent_id)
        found: dict[tuple[Any, ...], Page] = {}
        failed: dict[tuple[Any, ...], Exception] = {}
        assert list_query.parent_column is not None
        for group, parents in groups.items():
            params, order, page = group
            try:
                pages = await fetch_pages_by_parent(
                    pool,
                    list_query.sql,
                    params,
                    list_query.parent_column,
                    parents,
                    order,
                    page,
                    page.limit(*sizes),
                    lateral=list_query.lateral,
                )
            except Exception as error:  # the group's own keys raise it
                # A list with a bad cursor fails alone: its siblings batched with it (the
                # same list under other arguments, as `a: statements(before: "bad")` beside
                # `b: statements`) read their own pages.
                failed[group] = error
                continue
            for parent, result in pages.items():
                found[(parent, *group)] = result
        return [
            failed.get((k.params, k.order, k.page))
            or found[(k.parent_id, k.params, k.order, k.page)]
            for k in keys
        ]

    return batch


@cache
def _counts_batch(list_query: ListQuery) -> Callable[..., Awaitable[list[int]]]:
    async def batch(pool: Any, keys: Sequence[tuple[int, tuple[Hashable, ...]]]) -> list[int]:
        groups: dict[tuple[Hashable, ...], list[int]] = defaultdict(list)
        for parent, params in keys:
            groups[params].append(parent)
        found: dict[tuple[int, tuple[Hashable, ...]], int] = {}
        assert list_query.parent_column is not None
        for params, parents in groups.items():
            counts = await count_rows_by_parent(
                pool, list_query.sql, params, list_query.parent_column, parents
            )
            found.update({(p, params): n for p, n in counts.items()})
        return [found[k] for k in keys]

    return batch
