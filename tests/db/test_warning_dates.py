"""`warning_said` (migrations 0007, 0011) keeps each warning's date, its statement's
earliest and latest instants, as they change.

Lists of warnings are ordered by it (newest first, through its index), so it must follow
every change: a new warning, a warning moved to another statement, a statement's new
date, a deleted warning; and a statement's new date must not count as an edit of its
warnings (their version stays).
"""

from __future__ import annotations

import asyncpg
import pytest

pytestmark = [pytest.mark.db]

# Every warning whose kept date is not its statement's (or that has none).
DRIFT = """
select w.id from warning w join statement s on s.id = w.statement_id
left join warning_said ws on ws.warning_id = w.id
where ws.said_at is distinct from s.said_at or ws.said_latest is distinct from s.said_latest
"""


async def test_every_seeded_warning_has_its_statements_date(conn: asyncpg.Connection) -> None:
    assert await conn.fetchval("select count(*) from warning") > 0
    assert await conn.fetch(DRIFT) == []
    assert await conn.fetchval("select count(*) from warning_said") == await conn.fetchval(
        "select count(*) from warning"
    )


async def test_the_date_follows_its_statement_and_the_warning_is_not_edited(
    conn: asyncpg.Connection,
) -> None:
    warning_id, statement_id, version = await conn.fetchrow(
        "select id, statement_id, version from warning order by id limit 1"
    )
    await conn.execute(
        "update statement set said_at = '2031-02-03T04:05:06Z' where id = $1", statement_id
    )
    assert await conn.fetch(DRIFT) == []
    newest = await conn.fetchval(
        "select warning_id from warning_said order by said_at desc, warning_id desc limit 1"
    )
    assert newest == warning_id
    assert await conn.fetchval("select version from warning where id = $1", warning_id) == version


async def test_the_date_follows_a_warning_to_another_statement(conn: asyncpg.Connection) -> None:
    warning_id, statement_id = await conn.fetchrow(
        "select id, statement_id from warning order by id limit 1"
    )
    other = await conn.fetchval(
        "select id from statement where id <> $1 order by said_at limit 1", statement_id
    )
    await conn.execute("update warning set statement_id = $1 where id = $2", other, warning_id)
    assert await conn.fetch(DRIFT) == []


async def test_a_deleted_warning_leaves_no_date(conn: asyncpg.Connection) -> None:
    warning_id = await conn.fetchval(
        "select id from warning w where not exists "
        "(select 1 from warning r where r.repeats_warning_id = w.id) order by id limit 1"
    )
    await conn.execute("delete from record where id = $1", warning_id)
    assert (
        await conn.fetchval("select count(*) from warning_said where warning_id = $1", warning_id)
        == 0
    )
    assert await conn.fetch(DRIFT) == []


async def test_the_date_follows_its_statement_into_a_range(conn: asyncpg.Connection) -> None:
    warning_id, statement_id = await conn.fetchrow(
        "select id, statement_id from warning order by id limit 1"
    )
    # Only the range's end changes: the earliest instant stays, the latest moves.
    await conn.execute(
        "update statement set said_precision = 'day', said_at = '2031-02-03', "
        "said_until = null where id = $1",
        statement_id,
    )
    await conn.execute("update statement set said_until = '2031-02-05' where id = $1", statement_id)
    assert await conn.fetch(DRIFT) == []
    latest = await conn.fetchval(
        "select said_latest from warning_said where warning_id = $1", warning_id
    )
    assert latest.isoformat() == "2031-02-05T23:59:59.999999+00:00"
