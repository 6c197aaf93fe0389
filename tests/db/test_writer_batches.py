"""The writer on real PostgreSQL: a batch of records is one statement, all or nothing,
its refusals at the items at fault, its history as complete as one write at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import pytest

from service.errors import Conflict, NotFound, StillReferenced
from service.kinds.actors.description import ACTOR
from service.kinds.statements.description import STATEMENT
from service.record import writer
from service.record.writer import Item, Refused

pytestmark = pytest.mark.db


@asynccontextmanager
async def counted(conn: asyncpg.Connection) -> AsyncIterator[list[str]]:
    """The statements `conn` sends inside the block."""
    sent: list[str] = []

    def log(record: asyncpg.connection.LoggedQuery) -> None:
        sent.append(record.query)

    conn.add_query_logger(log)
    try:
        yield sent
    finally:
        conn.remove_query_logger(log)


def actor(n: int, **more: object) -> Item:
    return Item({"slug": f"batch-{n}", "kind": "person", "name": f"Person {n}", **more})


async def test_a_batch_of_creates_is_one_statement(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, counted(conn) as sent:
        rows = await writer.insert_many(
            conn, ACTOR, [actor(n) for n in range(500)], actor_name="test"
        )
    assert len(sent) == 1
    assert [row["version"] for row in rows] == [1] * 500
    ids = [row["id"] for row in rows]
    slugs = await pool.fetch("select id, slug from actor where id = any($1) order by id", ids)
    assert {r["id"]: r["slug"] for r in slugs} == {i: f"batch-{n}" for n, i in enumerate(ids)}
    changes = await pool.fetch(
        "select record_id, operation, version, actor_name, before, after from change "
        "where record_id = any($1) order by id",
        ids,
    )
    # One change per record, drawn in the batch's order.
    assert [c["record_id"] for c in changes] == ids
    first = changes[0]
    assert (first["operation"], first["version"], first["actor_name"]) == ("create", 1, "test")
    assert first["before"] is None
    assert first["after"]["slug"] == "batch-0"
    assert "search" not in first["after"]


async def test_history_keeps_link_sets_before_and_after(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        a, b, c = (row["id"] for row in await writer.insert_many(
            conn, ACTOR, [actor(n) for n in range(3)], actor_name="test"
        ))  # fmt: skip
        said = datetime(2026, 1, 6, tzinfo=UTC)
        values = {"slug": "linked", "speaker_id": a, "said_at": said, "said_precision": "day",
                  "said_until": None, "channels": ["x"], "quote": "Q"}  # fmt: skip
        statement = await writer.insert(
            conn, STATEMENT, values, actor_name="test", links={"about_ids": [c, b, c]}
        )
        await writer.update(
            conn, STATEMENT, statement["id"], 1, {}, actor_name="test", links={"about_ids": [a]}
        )
    created, updated = await pool.fetch(
        "select before, after from change where record_id = $1 order by id", statement["id"]
    )
    assert created["after"]["about_ids"] == sorted([b, c])
    assert "said_latest" not in created["after"]
    assert updated["before"]["about_ids"] == sorted([b, c])
    assert updated["after"]["about_ids"] == [a]
    assert updated["after"]["version"] == 2  # links alone still make a new version
    stored = await pool.fetch(
        "select subject_id from statement_subject where statement_id = $1", statement["id"]
    )
    assert [r["subject_id"] for r in stored] == [a]


async def test_updates_of_several_shapes_are_one_transaction(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        rows = await writer.insert_many(
            conn, ACTOR, [actor(n) for n in range(6)], actor_name="test"
        )
        ids = [row["id"] for row in rows]
        changes = [
            Item({"name": "renamed"}, record_id=ids[0], expected_version=1),
            Item({"summary": "summed up"}, record_id=ids[1], expected_version=1),
            Item({"name": "renamed too"}, record_id=ids[2], expected_version=1),
            Item({"summary": "late"}, record_id=ids[3], expected_version=7),  # stale
        ]
        with pytest.raises(Refused) as refused:
            await writer.update_many(conn, ACTOR, changes, actor_name="test")
        ((index, error),) = refused.value.problems
        assert index == 3
        assert isinstance(error, Conflict)
        assert error.field == "expectedVersion"
        # The two statements before the refusal were rolled back with it.
        versions = await conn.fetch("select version from actor where id = any($1)", ids)
        assert {r["version"] for r in versions} == {1}
        async with counted(conn) as sent:
            updated = await writer.update_many(conn, ACTOR, changes[:3], actor_name="test")
        assert [row["version"] for row in updated] == [2, 2, 2]
        # Two shapes: two statements, in one transaction (asyncpg logs no COMMIT).
        assert [s.split()[0].lower() for s in sent][:3] == ["begin;", "with", "with"]


async def test_references_are_checked_per_item(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        (person,) = await writer.insert_many(conn, ACTOR, [actor(1)], actor_name="test")
        said = datetime(2026, 1, 6, tzinfo=UTC)

        def statement(n: int, speaker: int) -> Item:
            values = {"slug": f"ref-{n}", "speaker_id": speaker, "said_at": said,
                      "said_precision": "day", "said_until": None, "channels": ["x"],
                      "quote": "Q"}  # fmt: skip
            return Item(values)

        items = [statement(0, person["id"]), statement(1, 999_999), statement(2, person["id"])]
        with pytest.raises(Refused) as refused:
            await writer.insert_many(conn, STATEMENT, items, actor_name="test")
        ((index, error),) = refused.value.problems
        assert (index, error.field) == (1, "speakerId")
        assert isinstance(error, NotFound)
        assert await conn.fetchval("select count(*) from statement") == 0


async def test_a_duplicate_key_names_its_item(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await writer.insert_many(conn, ACTOR, [actor(3)], actor_name="test")
        with pytest.raises(Refused) as refused:
            await writer.insert_many(
                conn, ACTOR, [actor(10), actor(11), actor(3)], actor_name="test"
            )
        ((index, error),) = refused.value.problems
        assert (index, error.code, error.field) == (2, "CONFLICT", "slug")
        assert await conn.fetchval("select count(*) from actor") == 1


async def test_a_delete_of_a_record_still_referenced_is_refused_at_its_item(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn:
        rows = await writer.insert_many(
            conn, ACTOR, [actor(n) for n in range(3)], actor_name="test"
        )
        ids = [row["id"] for row in rows]
        said = datetime(2026, 1, 6, tzinfo=UTC)
        values = {"slug": "speaks", "speaker_id": ids[1], "said_at": said,
                  "said_precision": "day", "said_until": None, "channels": ["x"],
                      "quote": "Q"}  # fmt: skip
        await writer.insert(conn, STATEMENT, values, actor_name="test")
        items = [Item(record_id=i, expected_version=1) for i in ids]
        with pytest.raises(Refused) as refused:
            await writer.delete_many(conn, ACTOR, items, actor_name="test")
        ((index, error),) = refused.value.problems
        assert index == 1
        assert isinstance(error, StillReferenced)
        assert await conn.fetchval("select count(*) from actor") == 3
        gone = await writer.delete_many(conn, ACTOR, [items[0], items[2]], actor_name="test")
        assert [g["id"] for g in gone] == [ids[0], ids[2]]
        deletes = await conn.fetch(
            "select record_id, before from change where operation = 'delete' order by id"
        )
        assert [d["record_id"] for d in deletes] == [ids[0], ids[2]]
        assert deletes[0]["before"]["slug"] == "batch-0"
