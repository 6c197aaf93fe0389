"""The full-text indexes keep no pending list (migration 0008): a search reads the index
alone, however many records were written since the last vacuum."""

from __future__ import annotations

import asyncpg
import pytest

pytestmark = [pytest.mark.db]

GIN_INDEXES = """
select c.relname, coalesce(c.reloptions, '{}') as options
from pg_class c
join pg_am am on am.oid = c.relam
join pg_namespace n on n.oid = c.relnamespace
where am.amname = 'gin' and n.nspname = 'public'
order by c.relname
"""


async def test_every_gin_index_writes_through(conn: asyncpg.Connection) -> None:
    indexes = await conn.fetch(GIN_INDEXES)
    assert [r["relname"] for r in indexes] == [
        "actor_search",
        "citation_search",
        "declaration_search",
        "event_search",
        "provision_search",
        "source_search",
        "statement_search",
        "track_search",
        "warning_search",
    ]
    assert all("fastupdate=off" in r["options"] for r in indexes), indexes


async def test_a_new_record_goes_into_the_index_itself(conn: asyncpg.Connection) -> None:
    try:
        await conn.execute("create extension if not exists pgstattuple")
    except asyncpg.PostgresError as error:  # contrib is not everywhere
        pytest.skip(f"pgstattuple is not available: {error}")
    speaker = await conn.fetchval("select id from actor order by id limit 1")
    record = await conn.fetchval("insert into record (kind) values ('statement') returning id")
    await conn.execute(
        "insert into statement (id, slug, speaker_id, said_at, said_precision, channels, quote) "
        "values ($1, 'zanzibar-talks', $2, now(), 'day', '{interview}', 'Talks moved to Zanzibar')",
        record,
        speaker,
    )
    # With a pending list (fastupdate on) this would be 1 until the next vacuum.
    pending = await conn.fetchval("select pending_tuples from pgstatginindex('statement_search')")
    assert pending == 0
    found = await conn.fetch(
        "select id from statement where search @@ websearch_to_tsquery('english', 'zanzibar')"
    )
    assert [r["id"] for r in found] == [record]
