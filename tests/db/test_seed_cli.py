"""The `seed` commands, run through click's CliRunner against the test's database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner, Result

from service.seeds.cli import seed

pytestmark = pytest.mark.db

INVALID = Path(__file__).parents[1] / "fixtures" / "seeds_invalid"


async def _invoke(*args: str) -> Result:
    # The commands call asyncio.run: run them in a thread, away from the test's own loop.
    runner = CliRunner()
    return await asyncio.to_thread(runner.invoke, seed, list(args), catch_exceptions=False)


async def _counts(dsn: str) -> tuple[int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "select (select count(*) from record) as r, (select count(*) from change) as c"
        )
        return row["r"], row["c"]
    finally:
        await conn.close()


async def test_dry_run_lists_changes_and_writes_nothing(db_url: str) -> None:
    result = await _invoke("load", "--dry-run", "--database-url", db_url)

    assert result.exit_code == 0, result.output
    assert "would create statement zakharova-2026-01-08-legitimate-targets" in result.stdout
    assert "dry run: rolled back" in result.stdout
    assert await _counts(db_url) == (0, 0)


async def test_load_then_reload_reports_unchanged(db_url: str) -> None:
    first = await _invoke("load", "--database-url", db_url)
    second = await _invoke("load", "--database-url", db_url)

    assert first.exit_code == second.exit_code == 0
    created = first.stdout.splitlines()[-2].split()
    unchanged = second.stdout.splitlines()[-2].split()
    assert created[0] == unchanged[0] == "total"
    assert created[1] == unchanged[3]
    assert int(created[1]) > 100
    assert unchanged[1:3] == ["0", "0"]


async def test_invalid_seeds_exit_1_with_every_problem(db_url: str) -> None:
    result = await _invoke(
        "load", str(INVALID / "base.yaml"), str(INVALID / "wrong_enum.yaml"),
        str(INVALID / "missing_reference.yaml"), "--database-url", db_url,
    )  # fmt: skip

    assert result.exit_code == 1
    assert "3 problems in the seeds" in result.stderr
    assert f"{INVALID / 'wrong_enum.yaml'}:3: Invalid enum value 'country'" in result.stderr
    assert "unknown actor 'nobody' (at $.statements[0].speaker)" in result.stderr
    assert await _counts(db_url) == (0, 0)


async def test_load_migrates_an_empty_database_then_exports(
    empty_db_url: str, tmp_path: Path
) -> None:
    loaded = await _invoke("load", "--database-url", empty_db_url)
    exported = await _invoke("export", "--database-url", empty_db_url, "--output", str(tmp_path))

    assert loaded.exit_code == 0, loaded.output
    assert exported.exit_code == 0, exported.output
    assert f"wrote {tmp_path / '30-statements.yaml'}" in exported.stdout
    assert "zakharova-2026-01-08-warning" in (tmp_path / "30-statements.yaml").read_text()


async def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = await _invoke("load", "--database-url", "postgresql://postgres@127.0.0.1:1/x")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")


def test_every_command_and_option_has_help() -> None:
    for name, command in seed.commands.items():
        assert command.help, name
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{name} {param.name}"
    assert seed.help


async def test_if_empty_loads_only_into_an_empty_record(db_url: str) -> None:
    first = await _invoke("load", "--if-empty", "--database-url", db_url)
    assert first.exit_code == 0
    loaded = await _counts(db_url)
    assert loaded[0] > 100
    conn = await asyncpg.connect(db_url)
    try:
        # An edit made through the API after the first start...
        await conn.execute("update actor set name = 'Edited' where slug = 'russia'")
    finally:
        await conn.close()
    second = await _invoke("load", "--if-empty", "--database-url", db_url)
    assert second.exit_code == 0
    assert "not empty: nothing loaded" in second.stdout
    conn = await asyncpg.connect(db_url)
    try:
        # ...survives a second run of the deployment's seed step.
        assert await conn.fetchval("select name from actor where slug = 'russia'") == "Edited"
    finally:
        await conn.close()
