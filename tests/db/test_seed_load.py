"""Loading the bundled seeds: counts, idempotency, updates, dry runs, records kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import asyncpg
import pytest

from service.resources import data_dir
from service.seeds import collect_seeds, is_empty, load_seeds

pytestmark = pytest.mark.db

SEEDS = data_dir("seeds")


async def _counts(pool: asyncpg.Pool) -> tuple[int, int]:
    row = await pool.fetchrow(
        "select (select count(*) from record) as records, (select count(*) from change) as changes"
    )
    return row["records"], row["changes"]


async def test_bundled_seeds_load_then_reload_unchanged(pool: asyncpg.Pool) -> None:
    expected = {kind: len(entries) for kind, entries in collect_seeds([SEEDS]).entries.items()}

    first = await load_seeds(pool, [SEEDS])

    assert {kind: c.created for kind, c in first.counts.items()} == expected
    assert first.totals.updated == first.totals.unchanged == 0
    # Sensible, not exact: the record grows as sources are added.
    assert expected["source"] >= 10
    assert expected["actor"] >= 15
    assert expected["citation"] >= 100
    assert expected["declaration"] == 2
    assert expected["warning"] >= 1
    records, changes = await _counts(pool)
    assert records == changes == sum(expected.values())
    assert await pool.fetchval("select count(distinct actor_name) from change") == 1

    second = await load_seeds(pool, [SEEDS])

    assert second.totals.created == second.totals.updated == 0
    assert second.totals.unchanged == sum(expected.values())
    assert second.changes == []
    assert await _counts(pool) == (records, changes)


async def test_is_empty_until_seeded(pool: asyncpg.Pool) -> None:
    assert await is_empty(pool)
    await load_seeds(pool, [SEEDS])
    assert not await is_empty(pool)


async def test_dry_run_reports_but_writes_nothing(pool: asyncpg.Pool) -> None:
    report = await load_seeds(pool, [SEEDS], dry_run=True)

    assert report.dry_run
    assert report.totals.created == collect_seeds([SEEDS]).total
    assert any(str(c).startswith("create statement zakharova-") for c in report.changes)
    assert await _counts(pool) == (0, 0)


async def test_changed_seed_updates_only_that_record(pool: asyncpg.Pool, tmp_path: Path) -> None:
    await load_seeds(pool, [SEEDS])
    _, changes_before = await _counts(pool)
    edited = tmp_path / "seeds"
    shutil.copytree(SEEDS, edited)
    statements = edited / "30-statements.yaml"
    text = statements.read_text(encoding="utf-8")
    # One field of one statement, and one of its `about` links (with the link's citation,
    # which would back a link the record no longer has).
    text = text.replace('    event_code: "1384"\n', '    event_code: "138"\n', 1)
    text = text.replace("      - russia-armed-forces\n", "", 1)
    link_citation = (
        "      - source: seed-article\n"
        "        quote: legitimate combat targets of the Armed Forces of the Russian Federation\n"
        "        field: about\n"
        "        target: russia-armed-forces\n"
    )
    assert link_citation in text
    text = text.replace(link_citation, "", 1)
    statements.write_text(text, encoding="utf-8")

    report = await load_seeds(pool, [edited])

    assert report.counts["statement"].updated == 1
    assert report.totals.updated == 1
    assert report.totals.created == 0
    (change,) = report.changes
    assert change.fields == ("event_code", "about")
    row = await pool.fetchrow(
        "select s.version, s.event_code, c.before, c.after from statement s"
        " join change c on c.record_id = s.id and c.operation = 'update'"
        " where s.slug = 'zakharova-2026-01-08-legitimate-targets'"
    )
    assert row["version"] == 2
    assert row["event_code"] == "138"
    assert row["before"]["event_code"] == "1384"
    assert row["after"]["event_code"] == "138"
    assert len(row["before"]["about_ids"]) == len(row["after"]["about_ids"]) + 1
    assert (await _counts(pool))[1] == changes_before + 1


async def test_records_not_in_the_seeds_are_kept(pool: asyncpg.Pool) -> None:
    await load_seeds(pool, [SEEDS])
    async with pool.acquire() as conn, conn.transaction():
        # As the API would: a new actor, and a new citation on a seeded statement.
        actor_id = await conn.fetchval("insert into record (kind) values ('actor') returning id")
        await conn.execute(
            "insert into actor (id, slug, kind, name) values ($1, 'added-by-api', 'person', 'X')",
            actor_id,
        )
        citation_id = await conn.fetchval(
            "insert into record (kind) values ('citation') returning id"
        )
        await conn.execute(
            "insert into citation (id, subject_id, source_id, quote)"
            " select $1, s.id, src.id, 'added' from statement s, source src"
            " where s.slug = 'witkoff-2026-01-06-x-post' and src.slug = 'seed-article'",
            citation_id,
        )

    report = await load_seeds(pool, [SEEDS])

    assert report.totals.created == report.totals.updated == 0
    assert await pool.fetchval("select count(*) from actor where slug = 'added-by-api'") == 1
    assert await pool.fetchval("select count(*) from citation where id = $1", citation_id) == 1


async def test_json_seeds_load_like_yaml(pool: asyncpg.Pool, tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(
        '{"sources": [{"slug": "s", "url": "https://example.org", "publisher": "P",'
        ' "kind": "wire", "published": "2026-01"}],'
        ' "actors": [{"slug": "a", "kind": "state", "name": "A", "country_code": "NO",'
        ' "citations": [{"source": "s", "quote": "A"}]}]}',
        encoding="utf-8",
    )

    report = await load_seeds(pool, [seed])

    assert report.totals.created == 3
    row = await pool.fetchrow("select published_at, published_precision from source")
    assert row["published_precision"] == "month"
    assert row["published_at"].day == 1
    assert await pool.fetchval("select country_code from actor") == "NO"
