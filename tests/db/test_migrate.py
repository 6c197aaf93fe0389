"""Migrations against a real, empty PostgreSQL database."""

import asyncio

import asyncpg
import pytest

from service.database.migrate import Migration, MigrationError, discover, migrate, status

pytestmark = pytest.mark.db


async def test_empty_database_gets_every_migration(empty_db_url: str) -> None:
    conn = await asyncpg.connect(empty_db_url)
    try:
        before = await status(conn)
        assert before.applied == []
        assert before.pending == [m.name for m in discover()]
        applied = await migrate(conn)
        assert applied == before.pending
        assert await conn.fetchval("select to_regclass('statement') is not null")
        after = await status(conn)
        assert after.pending == []
    finally:
        await conn.close()


async def test_rerun_is_a_no_op(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        count = await conn.fetchval("select count(*) from schema_migration")
        assert await migrate(conn) == []
        assert await conn.fetchval("select count(*) from schema_migration") == count
    finally:
        await conn.close()


async def test_edited_applied_migration_is_refused(empty_db_url: str) -> None:
    conn = await asyncpg.connect(empty_db_url)
    try:
        original = [Migration("0001_a.sql", "create table a (id int);")]
        await migrate(conn, original)
        edited = [Migration("0001_a.sql", "create table a (id bigint);")]
        with pytest.raises(MigrationError, match=r"0001_a\.sql was edited after it was applied"):
            await migrate(conn, edited)
        with pytest.raises(MigrationError, match="was edited"):
            await status(conn, edited)
    finally:
        await conn.close()


async def test_failing_migration_rolls_back_alone(empty_db_url: str) -> None:
    conn = await asyncpg.connect(empty_db_url)
    try:
        migrations = [
            Migration("0001_ok.sql", "create table ok (id int);"),
            Migration("0002_bad.sql", "create table half (id int); select * from nowhere;"),
        ]
        with pytest.raises(MigrationError, match=r"0002_bad\.sql failed"):
            await migrate(conn, migrations)
        assert await conn.fetchval("select to_regclass('ok') is not null")
        assert await conn.fetchval("select to_regclass('half') is null")
        assert (await status(conn, migrations)).pending == ["0002_bad.sql"]
    finally:
        await conn.close()


async def test_two_concurrent_migrators_apply_each_file_once(empty_db_url: str) -> None:
    # The slow file keeps the lock held long enough for the second migrator to wait on it.
    migrations = [
        Migration("0001_slow.sql", "select pg_sleep(0.3); create table once (id int);"),
        Migration("0002_next.sql", "insert into once values (1);"),
    ]
    conns = [await asyncpg.connect(empty_db_url) for _ in range(2)]
    try:
        results = await asyncio.gather(*(migrate(c, migrations) for c in conns))
        assert sorted(map(len, results)) == [0, 2]
        assert await conns[0].fetchval("select count(*) from once") == 1
    finally:
        for c in conns:
            await c.close()


def test_migration_files_are_named_and_ordered() -> None:
    names = [m.name for m in discover()]
    assert names == sorted(names)
    for name in names:
        number, _, rest = name.partition("_")
        assert len(number) == 4, name
        assert number.isdigit(), name
        assert rest.endswith(".sql"), name
        assert rest == rest.lower(), name
