"""Keyset cursors: a cursor holds an edge's sort values, and a page after (or before) it
is the rows strictly past those values in the order, found by index, never by offset."""

from __future__ import annotations

import base64
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import msgspec

from service import bounded_json
from service.errors import Invalid
from service.record.fields import BIGINT_END

if TYPE_CHECKING:
    from service.record.paging import Order, PageRequest, Row


def encode_cursor(order: Order, row: Row) -> str:
    """An opaque cursor holding the row's sort values."""
    values = [_jsonable(row[k.column]) for k in order.keys]
    return base64.urlsafe_b64encode(msgspec.json.encode(values)).decode().rstrip("=")


def decode_cursor(order: Order, cursor: str, field_name: str) -> list[Any]:
    """The sort values of a cursor; Invalid when it was not made for this ordering."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        # A cursor is a flat list of scalars (encode_cursor): anything nested is refused.
        values = bounded_json.decode(base64.urlsafe_b64decode(padded), max_depth=1)
    except ValueError:  # bounded_json.JsonRefused, binascii.Error
        raise Invalid("this cursor is not valid", field=field_name) from None
    if not isinstance(values, list):
        raise Invalid("this cursor is not valid", field=field_name)
    if len(values) != len(order.keys):
        raise Invalid("this cursor belongs to another ordering", field=field_name)
    # Cursors are not signed: a client may send any values. Each must be one PostgreSQL
    # reads as its key's type, or the query would fail as a server error.
    for key, value in zip(order.keys, values, strict=True):
        if value is not None and not _fits(key.sql_type, value):
            raise Invalid("this cursor is not valid", field=field_name)
    return values


_INT_RANGES = {"bigint": BIGINT_END, "integer": 2**31}
CURSOR_TYPES = frozenset({*_INT_RANGES, "float8", "text", "timestamptz"})
"""The sort key types whose cursor values `_fits` checks."""


def _fits(sql_type: str, value: Any) -> bool:
    """Whether PostgreSQL reads `value` (as text) as a `sql_type` without an error."""
    if sql_type in _INT_RANGES:
        bound = _INT_RANGES[sql_type]
        return type(value) is int and -bound <= value < bound
    if sql_type == "float8":
        return type(value) in (int, float)
    if not isinstance(value, str) or "\x00" in value:
        return False  # text cannot hold NUL
    if sql_type == "timestamptz":
        return value in ("infinity", "-infinity") or _is_timestamp(value)
    return sql_type == "text"


def _is_timestamp(value: str) -> bool:
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return False
    return stamp.tzinfo is not None  # what encode_cursor writes: never a naive time


def _jsonable(value: Any) -> Any:
    # isinstance, not hasattr: a failed hasattr raises and catches an AttributeError, and
    # this runs for every sort value of every row of every page.
    if isinstance(value, date | time):
        # asyncpg reads timestamptz -infinity and infinity (the sort key of undated rows)
        # as the naive datetime.min and max: their names are what PostgreSQL reads back.
        if value == datetime.min:
            return "-infinity"
        if value == datetime.max:
            return "infinity"
        return value.isoformat()
    return value


def keyset_condition(order: Order, values: list[Any], first_param: int, *, after: bool) -> str:
    """Rows strictly after (or before) the cursor in `order`, as SQL on alias `t`."""
    params = [f"(${first_param + i}::text)::{k.sql_type}" for i, k in enumerate(order.keys)]
    terms = []
    for i, key in enumerate(order.keys):
        forward = after != key.descending
        op = ">" if forward else "<"
        equal = [f"t.{k.column} = {params[j]}" for j, k in enumerate(order.keys[:i])]
        terms.append("(" + " and ".join([*equal, f"t.{key.column} {op} {params[i]}"]) + ")")
    return "(" + " or ".join(terms) + ")"


def leading_bound(order: Order, first_param: int, *, after: bool) -> str:
    """The keyset condition's consequence on the first sort key alone (`t.at <= $n`).

    Redundant with `keyset_condition`, but a plain comparison, which PostgreSQL turns into
    an index range; the disjunction alone it can only check row by row.
    """
    key = order.keys[0]
    op = ">=" if after != key.descending else "<="
    return f"t.{key.column} {op} (${first_param}::text)::{key.sql_type}"


def _cursor_params(values: list[Any]) -> list[str | None]:
    return [None if v is None else str(v) for v in values]


def keyset_window(
    order: Order, page: PageRequest, n_params: int
) -> tuple[list[str], list[Any], bool]:
    """Keyset conditions and their parameters for after/before."""
    conditions: list[str] = []
    params: list[Any] = []
    for cursor, is_after, name in ((page.after, True, "after"), (page.before, False, "before")):
        if cursor is None:
            continue
        values = decode_cursor(order, cursor, name)
        first = n_params + len(params) + 1
        conditions.append(keyset_condition(order, values, first, after=is_after))
        conditions.append(leading_bound(order, first, after=is_after))
        params += _cursor_params(values)
    return conditions, params, page.backwards
