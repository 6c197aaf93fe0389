"""The Python vocabularies mirror the PostgreSQL enums exactly (values and order)."""

import asyncpg
import pytest

from service.vocab import SQL_ENUMS

pytestmark = pytest.mark.db


async def test_every_enum_matches_its_sql_type(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        for enum, sql_name in SQL_ENUMS.items():
            labels = await conn.fetchval(
                "select array_agg(enumlabel order by enumsortorder) from pg_enum e "
                "join pg_type t on t.oid = e.enumtypid where t.typname = $1",
                sql_name,
            )
            assert labels == [member.value for member in enum], sql_name
    finally:
        await conn.close()
