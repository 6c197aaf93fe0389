"""Keyset pagination (first/after, last/before) over any named list query.

A list query is a plain `select` whose filters use $1..$n; paging wraps it as a subquery
(PostgreSQL pushes the keyset predicate and the order down into it, so indexes apply).
A list made of a union of branches can be paged branch by branch (`fetch_union_page`):
each branch is cut to the page before the union is sorted. Cursors carry the sort values
of an edge, so a page never shifts when rows are added (keyset.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from service.errors import Invalid
from service.record.keyset import CURSOR_TYPES, encode_cursor, keyset_window

Row = dict[str, Any]
Executor = Any  # asyncpg.Pool or asyncpg.Connection: both have fetch/fetchval


@dataclass(frozen=True)
class SortKey:
    """One column of an ordering: its name, SQL type (for cursor values), direction."""

    column: str
    sql_type: str
    descending: bool = False

    def __post_init__(self) -> None:
        # A cursor's values are checked against the type before they reach SQL
        # (keyset._fits): an ordering on another type must teach it that type first.
        if self.sql_type not in CURSOR_TYPES:
            raise ValueError(f"no cursor check for sort type {self.sql_type!r}")


@dataclass(frozen=True)
class Order:
    """A total order: the keys end with a unique column (id) so cursors are exact."""

    keys: tuple[SortKey, ...]

    def sql(self, *, reverse: bool = False, prefix: str = "") -> str:
        """`order by` terms, optionally reversed (to read a page backwards)."""
        return ", ".join(
            f"{prefix}{k.column} {'desc' if k.descending != reverse else 'asc'}" for k in self.keys
        )


def dated_order(
    latest: str, earliest: str, *, descending: bool = False, then: tuple[SortKey, ...] = ()
) -> Order:
    """The one order of dated items (service/record/dates.py; docs/API.md, "Dates"): by
    the latest instant each may have happened, then by its earliest, then by `then` and
    the id; every key in the same direction, so that one index, read forwards or
    backwards, serves both directions.

    Args:
        latest: the column of the latest instant (`said_latest`, or a sort key giving an
            undated row -infinity).
        earliest: the column of the earliest instant (`said_at`, or such a sort key).
        descending: newest first.
        then: keys between the dates and the id (the timeline's item kind); their
            direction is replaced by `descending`.
    """
    keys = (
        SortKey(latest, "timestamptz"),
        SortKey(earliest, "timestamptz"),
        *then,
        SortKey("id", "bigint"),
    )
    return Order(tuple(SortKey(k.column, k.sql_type, descending) for k in keys))


@dataclass(frozen=True)
class PageRequest:
    """A client's paging arguments, validated against the caps."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def limit(self, default: int, maximum: int) -> int:
        """How many rows to return; Invalid when the client asks for too many."""
        if self.first is not None and self.last is not None:
            raise Invalid("give `first` or `last`, not both", field="first")
        size = self.first if self.first is not None else self.last
        name = "first" if self.first is not None else "last"
        if size is None:
            return default
        if not 0 <= size <= maximum:
            raise Invalid(f"`{name}` must be between 0 and {maximum}", field=name)
        return size

    @property
    def backwards(self) -> bool:
        """Reading from the end (last/before)."""
        return self.last is not None or (self.before is not None and self.first is None)


@dataclass
class Page:
    """One page of rows and whether more exist on either side."""

    rows: list[Row]
    has_next_page: bool
    has_previous_page: bool
    cursors: list[str] = field(default_factory=list)


@cache
def union_branches(sql: str) -> tuple[str, ...]:
    """The branches of a list query written as `branch union all branch ...`, split at the
    lines holding only `union all` (the convention of such queries: see timeline.sql)."""
    branches = tuple(b.strip() for b in re.split(r"^union all$", sql, flags=re.MULTILINE))
    if len(branches) < 2 or not all(branches):
        raise ValueError("not a union of branches split by `union all` lines")
    return branches


async def fetch_page(
    executor: Executor,
    base_sql: str,
    params: Sequence[Any],
    order: Order,
    page: PageRequest,
    limit: int,
    *,
    decorate: str | None = None,
) -> Page:
    """One page of `base_sql` in `order` (limit + 1 rows are read to know if more exist).

    Args:
        decorate: a query over the page's rows, named `page`, adding costly columns (such
            as search excerpts) that are then computed for these rows only, not for every
            row the base query ranks. It sees the same parameters.
    """
    conditions, extra, backwards = keyset_window(order, page, len(params))
    where = f"where {' and '.join(conditions)}" if conditions else ""
    terms = order.sql(reverse=backwards, prefix="t.")
    sql = f"select * from ({base_sql}) as t {where} order by {terms} limit {limit + 1}"
    if decorate is not None:
        sql = f"with page as ({sql}) select * from ({decorate}) as t order by {terms}"
    rows = [dict(r) for r in await executor.fetch(sql, *params, *extra)]
    return _finish(order, page, rows, limit, backwards)


async def fetch_union_page(
    executor: Executor,
    branches: Sequence[str],
    params: Sequence[Any],
    order: Order,
    page: PageRequest,
    limit: int,
) -> Page:
    """One page of the union of `branches` (each a list query over the same parameters).

    The same page as `fetch_page` over `branch_1 union all branch_2 ...`, but each branch
    is windowed, ordered and cut to limit + 1 rows itself: PostgreSQL reads a page's worth
    of each branch (through an index on its sort column) instead of every row of every
    branch, which it would sort whole when one branch cannot be read in order.
    """
    conditions, extra, backwards = keyset_window(order, page, len(params))
    where = f"where {' and '.join(conditions)}" if conditions else ""
    terms = order.sql(reverse=backwards, prefix="t.")
    cut = [
        f"(select * from ({branch}) as t {where} order by {terms} limit {limit + 1})"
        for branch in branches
    ]
    sql = f"select * from ({' union all '.join(cut)}) as t order by {terms} limit {limit + 1}"
    rows = [dict(r) for r in await executor.fetch(sql, *params, *extra)]
    return _finish(order, page, rows, limit, backwards)


async def fetch_pages_by_parent(
    executor: Executor,
    base_sql: str,
    params: Sequence[Any],
    parent_column: str,
    parent_ids: Sequence[int],
    order: Order,
    page: PageRequest,
    limit: int,
    *,
    lateral: bool = False,
) -> dict[int, Page]:
    """One page per parent in a single round-trip.

    Args:
        lateral: read each parent's page with its own `limit` (a LATERAL subquery per
            parent), which an index on (parent, sort keys) serves by reading a page's worth
            of rows. Only for a parent column PostgreSQL can look up by index: a computed
            one would repeat the whole base query per parent. Otherwise (default) every
            row of every parent is ranked (row_number per parent) and cut afterwards.
    """
    n = len(params)
    conditions, extra, backwards = keyset_window(order, page, n + 1)
    terms = order.sql(reverse=backwards, prefix="t.")
    if lateral:
        where = " and ".join([f"t.{parent_column} = parent.id", *conditions])
        sql = (
            f"select t.* from unnest(${n + 1}::bigint[]) with ordinality as parent (id, ord) "
            f"cross join lateral (select * from ({base_sql}) as t where {where} "
            f"order by {terms} limit {limit + 1}) as t order by parent.ord, {terms}"
        )
    else:
        where = " and ".join([f"t.{parent_column} = any(${n + 1}::bigint[])", *conditions])
        sql = (
            f"select * from (select t.*, row_number() over (partition by t.{parent_column} "
            f"order by {terms}) as _rank "
            f"from ({base_sql}) as t where {where}) as ranked "
            f"where _rank <= {limit + 1} order by {parent_column}, _rank"
        )
    parents = list(dict.fromkeys(parent_ids))
    grouped: dict[int, list[Row]] = {p: [] for p in parents}
    for record in await executor.fetch(sql, *params, parents, *extra):
        row = dict(record)
        row.pop("_rank", None)
        grouped.setdefault(row[parent_column], []).append(row)
    return {p: _finish(order, page, rows, limit, backwards) for p, rows in grouped.items()}


async def count_rows(executor: Executor, base_sql: str, params: Sequence[Any]) -> int:
    """totalCount of a list (asked for only when the client selects it)."""
    total: int = await executor.fetchval(f"select count(*) from ({base_sql}) as t", *params)
    return total


async def count_rows_by_parent(
    executor: Executor,
    base_sql: str,
    params: Sequence[Any],
    parent_column: str,
    parent_ids: Sequence[int],
) -> dict[int, int]:
    """totalCount per parent, in one round-trip."""
    n = len(params)
    sql = (
        f"select t.{parent_column} as parent, count(*) as total from ({base_sql}) as t "
        f"where t.{parent_column} = any(${n + 1}::bigint[]) group by 1"
    )
    counts = {r["parent"]: r["total"] for r in await executor.fetch(sql, *params, list(parent_ids))}
    return {p: counts.get(p, 0) for p in parent_ids}


def _finish(order: Order, page: PageRequest, rows: list[Row], limit: int, backwards: bool) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
        result = Page(rows, has_next_page=page.before is not None, has_previous_page=more)
    else:
        result = Page(rows, has_next_page=more, has_previous_page=page.after is not None)
    result.cursors = [encode_cursor(order, r) for r in rows]
    return result
