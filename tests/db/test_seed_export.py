"""Export: the record written back as seeds, loadable, and stable byte for byte."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from service.database.pool import init_connection
from service.resources import data_dir
from service.seeds import collect_seeds, export, load_seeds
from service.seeds.export import FILES
from tests.conftest import clone_database, drop_database
from tests.pg import with_database

pytestmark = pytest.mark.db

SEEDS = data_dir("seeds")


@pytest.fixture
async def other_pool(pg_dsn: str, template_db: str) -> AsyncIterator[asyncpg.Pool]:
    """A second fresh migrated database, beside the one of the `pool` fixture."""
    name = await clone_database(pg_dsn, template_db)
    pool = await asyncpg.create_pool(
        with_database(pg_dsn, name), min_size=1, max_size=2, init=init_connection
    )
    assert pool is not None
    yield pool
    await pool.close()
    await drop_database(pg_dsn, name)


async def test_export_load_export_is_byte_identical(
    pool: asyncpg.Pool, other_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await load_seeds(pool, [SEEDS])
    first, second = tmp_path / "first", tmp_path / "second"

    exported = await export(pool, first)
    loaded = await load_seeds(other_pool, [first])
    await export(other_pool, second)

    assert exported.skipped == []
    assert sorted(p.name for p in first.iterdir()) == sorted(FILES.values())
    assert loaded.totals.created == collect_seeds([SEEDS]).total
    for name in FILES.values():
        assert (second / name).read_bytes() == (first / name).read_bytes(), name


async def test_export_reloads_unchanged_into_its_own_database(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await load_seeds(pool, [SEEDS])
    await export(pool, tmp_path)

    report = await load_seeds(pool, [tmp_path])

    assert report.totals.created == report.totals.updated == 0


async def test_export_keeps_precision_and_omits_defaults(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await load_seeds(pool, [SEEDS])
    await export(pool, tmp_path)
    statements = (tmp_path / "30-statements.yaml").read_text(encoding="utf-8")
    sources = (tmp_path / "00-sources.yaml").read_text(encoding="utf-8")

    assert "said: 2026-01\n" in statements  # month precision (the Élysée's comment)
    assert "said: 2026-01-07/2026-01-08\n" in statements  # a range (Umerov's report)
    assert "said: '2026-01-08'\n" in statements
    assert "event_code: '0334'\n" in statements  # a code, not an octal number
    assert "quote_language: en" not in statements  # the default is left out
    assert "language: ru\n" in sources


async def test_export_of_an_empty_database_loads(pool: asyncpg.Pool, tmp_path: Path) -> None:
    report = await export(pool, tmp_path)

    assert report.counts == dict.fromkeys(FILES, 0)
    assert (await load_seeds(pool, [tmp_path])).totals.created == 0


async def test_export_writes_events_and_what_happened_at_them(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await load_seeds(pool, [SEEDS])
    await export(pool, tmp_path)
    events = (tmp_path / "15-events.yaml").read_text(encoding="utf-8")
    summit = "event: paris-summit-2026-01-06\n"

    assert events.startswith("# events: exported")
    assert "- slug: paris-summit-2026-01-06\n" in events
    assert "    concerns:\n      - coalition-security-guarantees\n" in events
    assert "      - actor: france\n        role: host\n" in events
    assert (tmp_path / "30-statements.yaml").read_text(encoding="utf-8").count(summit) == 2
    assert (tmp_path / "20-declarations.yaml").read_text(encoding="utf-8").count(summit) == 2
    tracks = (tmp_path / "40-tracks.yaml").read_text(encoding="utf-8")
    assert "event: talks-in-france-2026-01-07\n" in tracks
