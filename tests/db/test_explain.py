"""The main list queries use indexes, not sequential scans of the big tables.

On a generated record of the benchmark's default scale (20,000 statements, 36,000
citations...) plus a change log, each query is built by the service's own paging code
(the SQL a request sends, with its parameters) and EXPLAINed: no Seq Scan of statement,
warning, citation, change or track_update may appear, and the table the list reads must be
reached through an index. A missing index (sql/migrations/0005) or a query shape no index
can serve (a sort key computed from two columns, a keyset or limit left outside a union)
shows up here as a sequential scan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from bench.gen.load import generate
from bench.gen.scale import SCALES
from service.database.named_queries import query
from service.database.pool import init_connection
from service.graphql import history, record, timeline
from service.graphql.connection import ListQuery
from service.kinds.declarations.types import BY_ACTOR_NAME, BY_POSITION
from service.kinds.declarations.types import PARTIES_OF_DECLARATION as PARTIES
from service.kinds.declarations.types import PROVISIONS_OF_DECLARATION as PROVISIONS
from service.kinds.stances import types as stances
from service.kinds.statements import types as statements
from service.kinds.tracks import types as tracks
from service.kinds.warnings import types as warnings
from service.record.paging import Order, PageRequest, fetch_pages_by_parent
from tests.conftest import clone_database, drop_database
from tests.pg import with_database

pytestmark = [pytest.mark.db, pytest.mark.slow]

BIG_TABLES = {"statement", "warning", "citation", "change", "track_update"}
PAGE = PageRequest(first=20)
SAID_DESC = statements.STATEMENT_ORDERS[statements.StatementOrder.SAID_DESC]


@pytest.fixture(scope="module")
async def conn(pg_dsn: str, template_db: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to a migrated database holding a default-scale generated record."""
    name = await clone_database(pg_dsn, template_db)
    connection = await asyncpg.connect(with_database(pg_dsn, name))
    try:
        await init_connection(connection)
        await generate(connection, SCALES["default"], seed=42, progress=False)
        # The generator writes no history: 20 changes for each of 1,000 records.
        await connection.execute(
            "insert into change (record_id, kind, operation, version, actor_name, after) "
            "select id, kind, 'update', n, 'bench', '{}'::jsonb "
            "from (select id, kind from record order by id limit 1000) as r, "
            "generate_series(1, 20) as n"
        )
        await connection.execute("analyze")
        yield connection
    finally:
        await connection.close()
        await drop_database(pg_dsn, name)


class Recorder:
    """Stands in for the pool: keeps the statement a pager sends instead of running it."""

    def __init__(self) -> None:
        self.sql = ""
        self.args: tuple[Any, ...] = ()

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        self.sql, self.args = sql, args
        return []


async def top_level(
    lq: ListQuery, params: tuple[Any, ...], order: Order, page: PageRequest = PAGE
) -> Recorder:
    recorder = Recorder()
    await lq.fetch_page(recorder, params, order, page, 20)
    return recorder


async def children(
    lq: ListQuery, params: tuple[Any, ...], parents: list[int], order: Order
) -> Recorder:
    recorder = Recorder()
    assert lq.parent_column is not None
    await fetch_pages_by_parent(
        recorder, lq.sql, params, lq.parent_column, parents, order, PAGE, 20, lateral=lq.lateral
    )
    return recorder


@dataclass(frozen=True)
class Case:
    """A list query as a request sends it, and the table it must reach by an index."""

    name: str
    reads: str
    build: Callable[[asyncpg.Connection], Awaitable[Recorder]]


async def _id(conn: asyncpg.Connection, sql: str) -> int:
    found: int = await conn.fetchval(sql)
    return found


async def _busiest_speaker(conn: asyncpg.Connection) -> int:
    return await _id(conn, "select id from actor where slug = 'actor-0000'")


async def _warnings_by_issuer(conn: asyncpg.Connection) -> Recorder:
    params = warnings.WARNINGS.bind({"issuer_ids": [await _busiest_speaker(conn)]})
    return await top_level(warnings.WARNINGS, params, warnings.NEWEST_FIRST)


async def _actor_statements(conn: asyncpg.Connection) -> Recorder:
    speaker = await _busiest_speaker(conn)
    return await children(
        statements.STATEMENTS_OF_SPEAKER,
        statements.STATEMENTS_OF_SPEAKER.bind({}),
        [speaker],
        SAID_DESC,
    )


async def _statements_of_actor(conn: asyncpg.Connection) -> Recorder:
    params = statements.STATEMENTS.bind({"speaker_ids": [await _busiest_speaker(conn)]})
    return await top_level(statements.STATEMENTS, params, SAID_DESC)


async def _declaration(conn: asyncpg.Connection) -> int:
    return await _id(conn, "select id from declaration where slug = 'declaration-0000'")


async def _provisions(conn: asyncpg.Connection) -> Recorder:
    return await children(PROVISIONS, PROVISIONS.bind({}), [await _declaration(conn)], BY_POSITION)


async def _parties(conn: asyncpg.Connection) -> Recorder:
    return await children(PARTIES, PARTIES.bind({}), [await _declaration(conn)], BY_ACTOR_NAME)


async def _stances(conn: asyncpg.Connection) -> Recorder:
    declaration = [await _declaration(conn)]
    return await children(stances.TOWARD, stances.TOWARD.bind({}), declaration, stances.BY_SINCE)


async def _citations(conn: asyncpg.Connection) -> Recorder:
    newest = await conn.fetch(
        "select id from statement order by said_latest desc, said_at desc, id desc limit 20"
    )
    parents = [r["id"] for r in newest]
    citations = record.CITATIONS_OF_SUBJECT
    return await children(citations, citations.bind({}), parents, record.BY_CREATION)


async def _timeline_first(conn: asyncpg.Connection) -> Recorder:
    return await top_level(timeline.TIMELINE, timeline.TIMELINE.bind({}), timeline._NEWEST)


async def _timeline_third(conn: asyncpg.Connection) -> Recorder:
    # Two real pages first: the third is read after a cursor (the keyset in each branch).
    page = PAGE
    for _ in range(2):
        found = await timeline.TIMELINE.fetch_page(
            conn, timeline.TIMELINE.bind({}), timeline._NEWEST, page, 20
        )
        page = PageRequest(first=20, after=found.cursors[-1])
    return await top_level(timeline.TIMELINE, timeline.TIMELINE.bind({}), timeline._NEWEST, page)


async def _timeline_of_actor(conn: asyncpg.Connection) -> Recorder:
    params = timeline.TIMELINE.bind({"actor_ids": [await _busiest_speaker(conn)]})
    return await top_level(timeline.TIMELINE, params, timeline._NEWEST)


async def _search(conn: asyncpg.Connection) -> Recorder:
    return await top_level(
        timeline.SEARCH, timeline.SEARCH.bind({"text": "reparations tribunal"}), timeline._BEST
    )


async def _track_updates(conn: asyncpg.Connection) -> Recorder:
    return await top_level(tracks.UPDATES, tracks.UPDATES.bind({}), tracks.OLDEST_FIRST)


async def _updates_of_track(conn: asyncpg.Connection) -> Recorder:
    track = await _id(conn, "select id from track order by slug limit 1")
    return await children(
        tracks.UPDATES_OF_TRACK, tracks.UPDATES_OF_TRACK.bind({}), [track], tracks.OLDEST_FIRST
    )


async def _record_history(conn: asyncpg.Connection) -> Recorder:
    subject = await _id(conn, "select record_id from change order by id limit 1")
    return await children(
        history.CHANGES_OF_RECORD, history.CHANGES_OF_RECORD.bind({}), [subject], history.BY_ID
    )


async def _change_feed(conn: asyncpg.Connection) -> Recorder:
    recorder = Recorder()
    after = await _id(conn, "select max(id) - 50 from change")
    recorder.sql, recorder.args = query("live", "changes_after"), (after, None, None, 100)
    return recorder


async def _a_day(conn: asyncpg.Connection) -> dict[str, Any]:
    """A window of one day in the middle of the record's dates (from, to)."""
    middle = await conn.fetchval(
        "select said_at from statement order by said_at offset 10000 limit 1"
    )
    day = middle.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"from": day, "to": day + timedelta(days=1)}


async def _statements_in_a_window(conn: asyncpg.Connection) -> Recorder:
    day = await _a_day(conn)
    params = statements.STATEMENTS.bind({"said_from": day["from"], "said_to": day["to"]})
    oldest = statements.STATEMENT_ORDERS[statements.StatementOrder.SAID_ASC]
    return await top_level(statements.STATEMENTS, params, oldest)


async def _timeline_in_a_window(conn: asyncpg.Connection) -> Recorder:
    day = await _a_day(conn)
    params = timeline.TIMELINE.bind({"from_time": day["from"], "to_time": day["to"]})
    return await top_level(timeline.TIMELINE, params, timeline._OLDEST)


async def _track_updates_in_a_window(conn: asyncpg.Connection) -> Recorder:
    day = await _a_day(conn)
    params = tracks.UPDATES.bind({"reported_from": day["from"], "reported_to": day["to"]})
    return await top_level(tracks.UPDATES, params, tracks.OLDEST_FIRST)


async def _warnings(conn: asyncpg.Connection) -> Recorder:
    return await top_level(warnings.WARNINGS, warnings.WARNINGS.bind({}), warnings.NEWEST_FIRST)


CASES = [
    Case("warnings page", "warning_said", _warnings),
    Case("warnings page by issuer", "warning", _warnings_by_issuer),
    Case("an actor's statements", "statement", _actor_statements),
    Case("statements by actor", "statement", _statements_of_actor),
    Case("a declaration's provisions", "provision", _provisions),
    Case("a declaration's parties", "party", _parties),
    Case("stances toward a declaration", "stance", _stances),
    Case("citations of 20 statements", "citation", _citations),
    Case("timeline, first page", "statement", _timeline_first),
    Case("timeline, third page", "statement", _timeline_third),
    Case("timeline of an actor", "track_update", _timeline_of_actor),
    Case("search", "statement", _search),
    Case("track updates", "track_update", _track_updates),
    Case("a track's updates", "track_update", _updates_of_track),
    Case("a record's history", "change", _record_history),
    # Windows (a date overlapping them: latest >= from and earliest < to) read a range of
    # the ordering's index (latest, earliest, id), never the whole table.
    Case("statements in a window", "statement", _statements_in_a_window),
    Case("timeline in a window", "statement", _timeline_in_a_window),
    Case("track updates in a window", "track_update", _track_updates_in_a_window),
    Case("change feed", "change", _change_feed),
]


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_main_lists_read_through_indexes(conn: asyncpg.Connection, case: Case) -> None:
    built = await case.build(conn)
    explained = await conn.fetchval(f"explain (format json) {built.sql}", *built.args)
    nodes = _nodes(explained[0]["Plan"])
    scans = [(n["Node Type"], n.get("Relation Name")) for n in nodes if "Relation Name" in n]
    sequential = [table for kind, table in scans if kind == "Seq Scan" and table in BIG_TABLES]
    assert not sequential, f"{case.name}: sequential scan of {sequential}: {scans}"
    indexed = {table for kind, table in scans if "Index" in kind or "Bitmap" in kind}
    assert case.reads in indexed, f"{case.name}: {case.reads} not read by index: {scans}"


async def test_the_newest_warnings_are_read_without_probing_statements(
    conn: asyncpg.Connection,
) -> None:
    # Before warning_said (migration 0007), a page walked the statements newest first and
    # probed each for a warning: about 245 statements for 21 warnings here.
    built = await _warnings(conn)
    explained = await conn.fetchval(f"explain (analyze, format json) {built.sql}", *built.args)
    nodes = _nodes(explained[0]["Plan"])

    def rows_read(table: str) -> float:
        return float(
            sum(
                n["Actual Rows"] * n["Actual Loops"]
                for n in nodes
                if n.get("Relation Name") == table
            )
        )

    assert PAGE.first is not None
    assert any(n.get("Index Name") == "warning_said_newest" for n in nodes)
    assert rows_read("warning_said") <= PAGE.first + 1
    assert rows_read("statement") <= PAGE.first + 1
