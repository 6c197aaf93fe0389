"""A seed load that fails after some of its writes leaves nothing of itself behind.

The loader validates everything first, so a failure while writing is rare: a constraint
only the database knows, a lost connection, a deadline. Here the database itself is made
to fail mid-load (a trigger in the test's own database raising on the Nth insert of a
table), after hundreds of rows of other kinds were written in the same load; every table
must then read exactly as before the load.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from service.resources import data_dir
from service.seeds import collect_seeds, load_seeds

pytestmark = pytest.mark.db

SEEDS = data_dir("seeds")


async def fail_on_nth_insert(pool: asyncpg.Pool, table: str, nth: int) -> None:
    """From now on, the `nth` row inserted into `table` (counted across loads) fails."""
    await pool.execute(
        f"""
        create sequence {table}_inserts;
        create function fail_{table}_insert() returns trigger language plpgsql as $$
        begin
            if nextval('{table}_inserts') = {nth} then
                raise exception 'insert {nth} into {table} refused by the test';
            end if;
            return new;
        end $$;
        create trigger fail_{table}_insert before insert on {table}
            for each row execute function fail_{table}_insert();
        """
    )


async def snapshot(pool: asyncpg.Pool) -> dict[str, list[str]]:
    """Every row of every table, as sorted JSON texts: what "nothing changed" means."""
    tables = await pool.fetch(
        "select tablename from pg_tables where schemaname = 'public' order by tablename"
    )
    rows: dict[str, list[str]] = {}
    for t in tables:
        name = t["tablename"]
        texts = await pool.fetch(f'select to_jsonb(t)::text as row from "{name}" as t')
        rows[name] = sorted(r["row"] for r in texts)
    return rows


def non_empty(snap: dict[str, list[str]]) -> dict[str, int]:
    return {name: len(rows) for name, rows in snap.items() if rows}


async def test_a_failure_mid_load_into_an_empty_database_leaves_it_empty(
    pool: asyncpg.Pool,
) -> None:
    citations = len(collect_seeds([SEEDS]).entries["citation"])
    assert citations > 60  # the failure comes well into the load's last kind
    await fail_on_nth_insert(pool, "citation", 50)
    before = await snapshot(pool)

    with pytest.raises(asyncpg.RaiseError, match="insert 50 into citation refused"):
        await load_seeds(pool, [SEEDS])

    after = await snapshot(pool)
    assert (
        non_empty(after)
        == non_empty(before)
        == {"schema_migration": len(before["schema_migration"])}
    )
    assert after == before
    # The same load, the trigger past its count, goes through: the failure was the trigger's.
    report = await load_seeds(pool, [SEEDS])
    assert report.totals.created == collect_seeds([SEEDS]).total


async def test_a_failure_mid_reload_keeps_the_previous_load_exactly(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await load_seeds(pool, [SEEDS])
    edited = tmp_path / "seeds"
    shutil.copytree(SEEDS, edited)
    statements = edited / "30-statements.yaml"
    text = statements.read_text(encoding="utf-8")
    # Two statements change: the first update is written, the second change row fails.
    for old, new in (
        ('event_code: "1384"', 'event_code: "138"'),
        ('event_code: "057"', 'event_code: "05"'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    statements.write_text(text, encoding="utf-8")
    await fail_on_nth_insert(pool, "change", 2)
    before = await snapshot(pool)

    with pytest.raises(asyncpg.RaiseError, match="insert 2 into change refused"):
        await load_seeds(pool, [edited])

    assert await snapshot(pool) == before
    codes: list[Any] = [
        r["event_code"]
        for r in await pool.fetch(
            "select event_code from statement where event_code in ('1384', '057', '138', '05')"
            " order by event_code"
        )
    ]
    assert codes == ["057", "1384"]
