"""The service's pool (db.create_pool): what each connection keeps and sets."""

from __future__ import annotations

import pytest

from service.database.pool import MAX_KEPT_STATEMENT_BYTES, create_pool
from service.settings import load_settings

pytestmark = [pytest.mark.db]

KEPT = """
select count(*) from pg_prepared_statements
where statement like '%kept-statement-' || 'marker%' and statement not like '%pg_prepared%'
"""


async def test_long_compiled_statements_are_prepared_once(db_url: str) -> None:
    # asyncpg keeps statements of up to 15 KiB by default; longer ones were prepared and
    # planned on every execution. A compiled query's SQL can be longer (see db.py).
    padding = "x" * 25_000
    assert 15 * 1024 < len(padding) < MAX_KEPT_STATEMENT_BYTES
    sql = f"select $1::int + 1 /* kept-statement-marker {padding} */"
    pool = await create_pool(load_settings({"DB_POOL_MAX_SIZE": "1"}), db_url)
    try:
        async with pool.acquire() as conn:
            assert [await conn.fetchval(sql, n) for n in (1, 2, 3)] == [2, 3, 4]
            assert await conn.fetchval(KEPT) == 1  # a named statement, prepared once
            settings = await conn.fetch(
                "select name, setting from pg_settings "
                "where name in ('statement_timeout', 'application_name') order by name"
            )
        assert [tuple(r) for r in settings] == [
            ("application_name", "position-record"),
            ("statement_timeout", "5000"),
        ]
    finally:
        await pool.close()


async def test_without_a_statement_cache_nothing_is_kept(db_url: str) -> None:
    # Behind PgBouncer in transaction mode (DB_STATEMENT_CACHE_SIZE=0): no named statements.
    pool = await create_pool(
        load_settings({"DB_POOL_MAX_SIZE": "1", "DB_STATEMENT_CACHE_SIZE": "0"}), db_url
    )
    try:
        async with pool.acquire() as conn:
            await conn.fetchval("select $1::int /* kept-statement-marker */", 1)
            assert await conn.fetchval(KEPT) == 0
    finally:
        await pool.close()
