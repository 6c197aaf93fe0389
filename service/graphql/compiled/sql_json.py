"""SQL expressions giving exactly the JSON values the executor serialises.

Each mirrors one Python serialisation: `datetime.isoformat()` of the UTC datetimes asyncpg
returns (Strawberry's DateTime), `encode_id` (base64url without padding), enum member
names, `PreciseDate.text()`, and `paging.encode_cursor` (msgspec JSON of the sort values,
base64url without padding).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import Enum
from functools import cache

from service.record.dates import RANGE_SEPARATOR, SQL_FORMATS
from service.record.paging import Order
from service.vocab import RecordKind

_PARAM = re.compile(r"\$(\d+)\b")
_CAST_PARAM = re.compile(r"\$(\d+)::([a-z_]+(?:\[\])?)")


def quote_literal(text: str) -> str:
    """A SQL string literal (the texts quoted here are ours: names, kinds, enum values)."""
    return "'" + text.replace("'", "''") + "'"


def bind(sql: str, placeholder: Callable[[int], str]) -> str:
    """A named query with its `$n` replaced by `placeholder(n)` (a new `$m` or a literal)."""
    texts, numbers = _split(sql)
    parts = [texts[0]]
    for number, text in zip(numbers, texts[1:], strict=True):
        parts += (placeholder(number), text)
    return "".join(parts)


@cache
def _split(sql: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The texts between a query's parameters, and the parameters' numbers (in order)."""
    pieces = _PARAM.split(sql)  # text, number, text, number, ..., text
    return tuple(pieces[0::2]), tuple(int(n) for n in pieces[1::2])


@cache
def parameter_types(sql: str) -> dict[int, str]:
    """The type each parameter of a named query is cast to somewhere (`$2::channel[]`).

    A `null` put in a parameter's place needs it where another use is bare (`unnest($7)`),
    since PostgreSQL no longer infers it from the cast elsewhere."""
    return {int(n): sql_type for n, sql_type in _CAST_PARAM.findall(sql)}


def base64url(text_expr: str) -> str:
    """base64url of a text, without padding or the line breaks `encode` adds."""
    encoded = f"encode(convert_to({text_expr}, 'UTF8'), 'base64')"
    return f"rtrim(translate({encoded}, E'+/\\n', '-_'), '=')"


@cache
def global_id(kind: RecordKind, id_expr: str) -> str:
    """service.graphql.ids.encode_id."""
    return base64url(f"{quote_literal(kind.value + ':')} || {id_expr}::text")


@cache
def iso_timestamp(expr: str, utc_suffix: str = "+00:00") -> str:
    """`datetime.isoformat()` of a timestamptz read as UTC (microseconds only when not 0).

    asyncpg reads the infinities as the naive datetime.min and max (the sort keys of
    undated rows are `-infinity`), whose isoformat has no offset.
    """
    utc = f"({expr} at time zone 'UTC')"
    micros = (
        f"case when (extract(microseconds from {expr})::bigint % 1000000) = 0 then '' "
        f"else to_char({utc}, '.US') end"
    )
    finite = f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || {micros} || '{utc_suffix}'"
    return (
        f"(case when {expr} = '-infinity' then '0001-01-01T00:00:00' "
        f"when {expr} = 'infinity' then '9999-12-31T23:59:59.999999' else {finite} end)"
    )


@cache
def enum_name(enum: type[Enum], expr: str) -> str:
    """The GraphQL name (the Python member's name) of a stored enum value."""
    cases = " ".join(
        f"when {quote_literal(str(m.value))} then {quote_literal(m.name)}" for m in enum
    )
    return f"(case {expr} {cases} end)"


@cache
def precise_date_text(at_expr: str, precision_expr: str) -> str:
    """service.record.dates.write_date: the date written at its precision (SQL_FORMATS)."""
    cases = " ".join(
        f"when {quote_literal(p.value)} then to_char({at_expr} at time zone 'UTC', "
        f"{quote_literal(fmt)})"
        for p, fmt in SQL_FORMATS.items()
    )
    exact = iso_timestamp(at_expr, utc_suffix="Z")
    return f"(case {precision_expr} {cases} else {exact} end)"


@cache
def dated_text(at_expr: str, precision_expr: str, until_expr: str) -> str:
    """PreciseDate.text(): the date at its precision, a range's two ends joined by "/"."""
    first = precise_date_text(at_expr, precision_expr)
    last = precise_date_text(until_expr, precision_expr)
    separator = quote_literal(RANGE_SEPARATOR)
    return f"({first} || case when {until_expr} is null then '' else {separator} || {last} end)"


@cache
def cursor(order: Order, alias: str) -> str:
    """paging.encode_cursor of a row: its sort values as a JSON array, base64url."""
    values: list[str] = []
    for key in order.keys:
        column = f"{alias}.{key.column}"
        if key.sql_type == "timestamptz":
            # paging._jsonable: the infinities by name, as PostgreSQL reads them back.
            text = (
                f"case when {column} = '-infinity' then '-infinity' "
                f"when {column} = 'infinity' then 'infinity' else {iso_timestamp(column)} end"
            )
            values.append(f"coalesce(to_json({text})::text, 'null')")
        elif key.sql_type in {"bigint", "integer", "text", "date"}:
            values.append(f"coalesce(to_json({column})::text, 'null')")
        else:
            # float8 (search ranks): PostgreSQL writes 1e-05 where msgspec writes 0.00001.
            raise ValueError(f"no cursor form for sort type {key.sql_type}")
    return base64url("'[' || " + " || ',' || ".join(values) + " || ']'")


def json_object(pairs: Sequence[tuple[str, str]]) -> str:
    """json_build_object over (key, SQL expression) pairs, keeping their order."""
    if len(pairs) > 50:  # json_build_object takes at most 100 arguments
        raise ValueError("more than 50 keys in one object")
    return "json_build_object(" + ", ".join(f"{quote_literal(k)}, {v}" for k, v in pairs) + ")"
