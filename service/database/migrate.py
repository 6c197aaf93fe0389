"""Forward-only SQL migrations, applied one transaction each under an advisory lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from service.resources import data_dir

# Any fixed 64-bit key: every instance that migrates takes the same lock.
_LOCK_KEY = 0x5052_4D49_4752  # "PRMIGR"

_CREATE_LEDGER = """
create table if not exists schema_migration (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
)
"""


class MigrationError(Exception):
    """A migration cannot be applied or the applied ones were edited."""


@dataclass(frozen=True)
class Migration:
    """One file of sql/migrations/."""

    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """sha256 of the file's text: an applied migration must never change."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass(frozen=True)
class Status:
    """Applied and pending migrations, by name."""

    applied: list[str]
    pending: list[str]


def discover(folder: Path | None = None) -> list[Migration]:
    """The migrations in name order (NNNN_verb_object.sql)."""
    folder = folder or data_dir("sql") / "migrations"
    return [Migration(p.name, p.read_text()) for p in sorted(folder.glob("*.sql"))]


async def _applied(conn: asyncpg.Connection) -> dict[str, str]:
    rows = await conn.fetch("select name, checksum from schema_migration order by name")
    return {r["name"]: r["checksum"] for r in rows}


def _check_unchanged(migrations: list[Migration], applied: dict[str, str]) -> None:
    known = {m.name: m for m in migrations}
    for name, checksum in applied.items():
        migration = known.get(name)
        if migration is None:
            raise MigrationError(
                f"migration {name} is applied in the database but missing from sql/migrations/"
            )
        if migration.checksum != checksum:
            raise MigrationError(
                f"migration {name} was edited after it was applied "
                f"(checksum {checksum[:12]} in the database, {migration.checksum[:12]} on disk); "
                "add a new migration instead of editing an applied one"
            )


async def status(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> Status:
    """Which migrations are applied and which are pending (edited ones raise)."""
    migrations = discover() if migrations is None else migrations
    if not await conn.fetchval("select to_regclass('schema_migration') is not null"):
        return Status(applied=[], pending=[m.name for m in migrations])
    applied = await _applied(conn)
    _check_unchanged(migrations, applied)
    return Status(
        applied=sorted(applied), pending=[m.name for m in migrations if m.name not in applied]
    )


async def migrate(conn: asyncpg.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply the pending migrations; return their names. Safe to run from many instances."""
    migrations = discover() if migrations is None else migrations
    await conn.execute("select pg_advisory_lock($1)", _LOCK_KEY)
    try:
        # `create table if not exists` races with itself: create the ledger under the lock.
        await conn.execute(_CREATE_LEDGER)
        # Read the ledger only once the lock is held: another instance may just have
        # applied what looked pending.
        applied = await _applied(conn)
        _check_unchanged(migrations, applied)
        done = []
        for migration in migrations:
            if migration.name in applied:
                continue
            try:
                async with conn.transaction():
                    await conn.execute(migration.sql)
                    await conn.execute(
                        "insert into schema_migration (name, checksum) values ($1, $2)",
                        migration.name,
                        migration.checksum,
                    )
            except asyncpg.PostgresError as exc:
                raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
            done.append(migration.name)
        return done
    finally:
        await conn.execute("select pg_advisory_unlock($1)", _LOCK_KEY)
