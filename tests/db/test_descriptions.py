"""The kinds' descriptions and the database agree, so they cannot drift apart again: every
reference and link column accepts exactly the kinds its description lists (a foreign key
to one kind's table, or a `refuse_wrong_kind` trigger naming the kinds), and every column
a description names exists, and the patterns the database checks are the descriptions'."""

from __future__ import annotations

import re
import typing
from typing import Any

import asyncpg
import msgspec
import pytest

from service.kinds.registry import BY_KIND, DESCRIPTIONS
from service.record.description import Column
from service.vocab import RecordKind

pytestmark = [pytest.mark.db]

# The table each kind's foreign keys reference, and the kind each kind table holds.
TABLE_KINDS = {d.name: d.kind for d in DESCRIPTIONS}

FOREIGN_KEYS = """
select c.conrelid::regclass::text as tab, a.attname as col, c.confrelid::regclass::text as target
from pg_constraint c
join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
where c.contype = 'f' and cardinality(c.conkey) = 1
"""

# Each kind trigger's table and arguments (the column, then the kinds), as text.
KIND_TRIGGERS = """
select t.tgrelid::regclass::text as tab,
       string_to_array(rtrim(encode(t.tgargs, 'escape'), '\\000'), '\\000') as args
from pg_trigger t join pg_proc p on p.oid = t.tgfoid
where p.proname = 'refuse_wrong_kind' and not t.tgisinternal
"""


def _columns() -> dict[tuple[str, str], tuple[RecordKind, ...]]:
    """(table, column) -> the kinds the descriptions allow, references and links alike."""
    wanted = {}
    for d in DESCRIPTIONS:
        for column, kinds in d.references.items():
            wanted[(d.name, column)] = kinds
        for link in d.links.values():
            wanted[(link.table, link.target_column)] = link.target_kinds
    return wanted


async def test_reference_kinds_match_the_database(conn: asyncpg.Connection) -> None:
    keys = {(r["tab"], r["col"]): r["target"] for r in await conn.fetch(FOREIGN_KEYS)}
    triggers = {
        (r["tab"], r["args"][0]): tuple(r["args"][1:]) for r in await conn.fetch(KIND_TRIGGERS)
    }
    wanted = _columns()
    for (table, column), kinds in wanted.items():
        target = keys[(table, column)]
        if target == "record":
            allowed = triggers.get((table, column), tuple(RecordKind))
        else:
            allowed = (TABLE_KINDS[target],)
        assert tuple(map(str, allowed)) == tuple(map(str, kinds)), (table, column)
    # No trigger for a column the descriptions do not know.
    assert set(triggers) <= set(wanted)


async def test_described_columns_exist(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = current_schema()"
    )
    columns = {(r["table_name"], r["column_name"]) for r in rows}
    for d in DESCRIPTIONS:
        for column in d.columns:
            assert (d.name, column) in columns, (d.kind, column)
    assert set(BY_KIND) == set(RecordKind)


async def test_the_database_refuses_a_stance_about_an_actor(conn: asyncpg.Connection) -> None:
    actor, statement = await conn.fetchrow(
        "select (select id from actor order by id limit 1), (select id from stance limit 1)"
    )
    with pytest.raises(asyncpg.CheckViolationError, match="must point at a declaration"):
        await conn.execute("update stance set subject_id = $1 where id = $2", actor, statement)


PATTERN_CHECKS = """
select c.conrelid::regclass::text as tab, a.attname as col, pg_get_constraintdef(c.oid) as def
from pg_constraint c
join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
where c.contype = 'c' and cardinality(c.conkey) = 1 and pg_get_constraintdef(c.oid) like '%~%'
"""


def _pattern(hint: Any) -> str | None:
    """The msgspec pattern of a column's type (`Slug | None` -> Slug's), if any."""
    for arg in typing.get_args(hint) or ():
        if isinstance(arg, msgspec.Meta) and arg.pattern:
            return arg.pattern
        if (inner := _pattern(arg)) is not None:
            return inner
    return None


async def test_pattern_checks_match_the_descriptions(conn: asyncpg.Connection) -> None:
    checked = 0
    for row in await conn.fetch(PATTERN_CHECKS):
        description = next((d for d in DESCRIPTIONS if d.name == row["tab"]), None)
        if description is None:
            continue
        column = next(
            f for f in description.fields if isinstance(f, Column) and f.name == row["col"]
        )
        database = re.search(r"~ '(.*)'::text", row["def"])
        assert database is not None, row["def"]
        assert database.group(1) == _pattern(column.type), (row["tab"], row["col"])
        checked += 1
    assert checked >= 4  # country code, Wikidata id, event code, cited field


async def test_every_date_has_its_range_check(conn: asyncpg.Connection) -> None:
    # The writer reports them by the names the descriptions derive (migration 0011): a name
    # the database does not have would leave the refusal a bare `invalid ...`.
    rows = await conn.fetch(
        "select conrelid::regclass::text as tab, conname from pg_constraint where contype = 'c'"
    )
    constraints = {(r["tab"], r["conname"]) for r in rows}
    derived = [(d, name) for d in DESCRIPTIONS for name in set(d.named_checks) - set(d.checks)]
    assert {name for _, name in derived} >= {
        "source_published_range", "membership_start_range", "membership_end_range",
        "declaration_adopted_range", "statement_said_range", "track_update_reported_range",
        "stance_since_range",
    }  # fmt: skip
    for d, name in derived:
        assert (d.name, name) in constraints, (d.kind, name)


async def test_a_range_ending_before_it_starts_is_refused_by_the_database(
    conn: asyncpg.Connection,
) -> None:
    statement = await conn.fetchval("select id from statement limit 1")
    with pytest.raises(asyncpg.CheckViolationError, match="statement_said_range"):
        await conn.execute(
            "update statement set said_until = said_at - interval '1 day' where id = $1", statement
        )
    # The latest instant follows the columns it is generated from.
    latest = await conn.fetchval(
        "update statement set said_at = '2026-01-07', said_precision = 'day', "
        "said_until = '2026-01-08' where id = $1 returning said_latest",
        statement,
    )
    assert latest.isoformat() == "2026-01-08T23:59:59.999999+00:00"
