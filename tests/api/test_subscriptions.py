"""Live updates across two service processes on one database, resumable, through outages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import pytest

from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.tokens import create_token
from tests.api.ws import connect, following
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

RECORD_CHANGED = """subscription($kinds: [RecordKind!], $after: String) {
  recordChanged(kinds: $kinds, afterChangeId: $after) {
    changeId kind id operation version record { ... on Actor { name } } } }"""

FAST_PINGS = {"WS_PING_INTERVAL_S": "0.3", "RATE_LIMIT": "0"}
LIVE_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def second(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """Another service process on the same database (a second instance)."""
    with run_service(module_db_url, tmp_path_factory.mktemp("second"), FAST_PINGS) as running:
        yield running


@pytest.fixture(scope="module")
def writer(service: RunningService, module_db_url: str) -> Client:
    """An editor writing through the first instance."""
    return Client(service.url, token=create_token(module_db_url, "live-writer", "editor"))


def create_actor(writer: Client, slug: str) -> dict[str, str]:
    return ok(writer.mutate("createActor", {"slug": slug, "kind": "PERSON", "name": slug}))


async def test_a_change_on_one_instance_reaches_a_subscriber_on_the_other(
    writer: Client, second: RunningService
) -> None:
    async with connect(second.url) as socket:
        op = await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"]})
        await following(second.url, 1)  # from here on it gets every change committed
        started = time.monotonic()
        created = await asyncio.to_thread(create_actor, writer, "live-one")
        event = (await socket.next_data(op, timeout=LIVE_WITHIN_S))["recordChanged"]
        elapsed = time.monotonic() - started
    # Typically ~0.05 s (the write included). The bound is for a busy machine, and half
    # the listener's 10 s health check, the only wake-up besides NOTIFY.
    print(f"\nwrite on one instance to event on the other: {elapsed:.3f} s")
    assert elapsed < LIVE_WITHIN_S
    assert event["id"] == created["id"]
    assert event["operation"] == "CREATE"
    assert event["kind"] == "ACTOR"
    assert event["record"] == {"name": "live-one"}


async def test_resuming_from_the_last_change_gets_exactly_what_was_missed(
    writer: Client, second: RunningService
) -> None:
    async with connect(second.url) as socket:
        op = await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"]})
        await following(second.url, 1)
        await asyncio.to_thread(create_actor, writer, "before-drop")
        last_seen = (await socket.next_data(op))["recordChanged"]["changeId"]
    # Disconnected: three changes happen meanwhile, on the other instance.
    missed = [await asyncio.to_thread(create_actor, writer, f"missed-{i}") for i in range(3)]
    async with connect(second.url) as socket:
        op = await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"], "after": last_seen})
        replay = [e["recordChanged"] for e in await socket.collect(op, 3)]
        assert await socket.silent(op, 0.5)  # nothing more, in particular no duplicate
        live = await asyncio.to_thread(create_actor, writer, "after-resume")
        after = (await socket.next_data(op))["recordChanged"]
    assert [e["id"] for e in replay] == [m["id"] for m in missed]
    ids = [int(e["changeId"]) for e in replay]
    assert ids == sorted(ids)
    assert ids[0] > int(last_seen)
    assert after["id"] == live["id"]
    assert int(after["changeId"]) > ids[-1]


async def test_listener_killed_mid_subscription_loses_nothing(
    writer: Client, second: RunningService, module_db_url: str
) -> None:
    async with connect(second.url) as socket:
        op = await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"]})
        await following(second.url, 1)
        first = await asyncio.to_thread(create_actor, writer, "before-kill")
        admin = await asyncpg.connect(module_db_url)
        try:
            killed = await admin.fetchval(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                "where application_name = 'position-record-listener'"
                " and datname = current_database()"
            )
        finally:
            await admin.close()
        assert killed >= 2  # both instances' listeners
        during = [await asyncio.to_thread(create_actor, writer, f"during-{i}") for i in range(3)]
        later = await asyncio.to_thread(create_actor, writer, "after-kill")
        events = [e["recordChanged"] for e in await socket.collect(op, 5, timeout=30)]
    assert [e["id"] for e in events] == [first["id"], *(d["id"] for d in during), later["id"]]


async def test_timeline_added_sends_only_matching_items(
    writer: Client, second: RunningService
) -> None:
    speaker = create_actor(writer, "timeline-speaker")
    other = create_actor(writer, "timeline-other")
    query = """subscription($f: TimelineFilter) { timelineAdded(filter: $f) {
        changeId entry { kind item { ... on Statement { slug } } } } }"""
    async with connect(second.url) as socket:
        op = await socket.subscribe(query, {"f": {"actorIds": [speaker["id"]]}})
        await following(second.url, 1)
        for slug, actor in (("by-other", other), ("by-speaker", speaker)):
            await asyncio.to_thread(
                writer.mutate,
                "createStatement",
                {
                    "slug": slug,
                    "speakerId": actor["id"],
                    "said": "2026-01-09",
                    "channel": "X",
                    "quote": "words",
                },
            )
        event = (await socket.next_data(op))["timelineAdded"]
        assert await socket.silent(op, 0.5)
    assert event["entry"] == {"kind": "STATEMENT", "item": {"slug": "by-speaker"}}


async def test_timeline_added_sends_new_events(writer: Client, second: RunningService) -> None:
    query = """subscription { timelineAdded(filter: {kinds: [EVENT]}) {
        entry { kind at item { ... on Event { slug title } } } } }"""
    async with connect(second.url) as socket:
        op = await socket.subscribe(query)
        await following(second.url, 1)
        created = await asyncio.to_thread(
            writer.mutate,
            "createEvent",
            {"slug": "live-call", "kind": "CALL", "title": "A call", "starts": "2026-01-10"},
        )
        event = (await socket.next_data(op))["timelineAdded"]
        # A change to it is no new item.
        await asyncio.to_thread(
            writer.mutate,
            "updateEvent",
            {"id": created["id"], "expectedVersion": 1, "place": "by phone"},
        )
        assert await socket.silent(op, 0.5)
    assert event["entry"] == {
        "kind": "EVENT",
        "at": "2026-01-10T00:00:00+00:00",
        "item": {"slug": "live-call", "title": "A call"},
    }


async def test_server_pings_keep_the_socket_alive(second: RunningService) -> None:
    async with connect(second.url) as socket:
        raw = await asyncio.wait_for(socket.connection.recv(), timeout=10)  # pings every 0.3 s
    assert '"ping"' in str(raw)


async def test_bad_subscription_arguments_are_errors_not_crashes(second: RunningService) -> None:
    async with connect(second.url) as socket:
        op = await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"], "after": "nope"})
        message = await socket.receive()
    assert message["id"] == op
    assert message["type"] in {"next", "error"}
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert errors[0]["extensions"]["code"] == "INVALID"


async def test_too_many_subscriptions_on_one_socket_are_refused(
    writer: Client, second: RunningService
) -> None:
    async with connect(second.url) as socket:
        ops = [await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"]}) for _ in range(20)]
        extra = await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"]})
        refusal = await socket.receive()
        assert refusal["id"] == extra
        assert refusal["type"] == "error"
        assert refusal["payload"][0]["message"] == "Subscription limit reached"
        await following(second.url, 20)
        # The socket and the 20 subscriptions it holds keep working.
        created = await asyncio.to_thread(create_actor, writer, "limit-check")
        event = (await socket.next_data(ops[0]))["recordChanged"]
    assert event["id"] == created["id"]


async def test_subscriptions_told_of_one_change_each_get_the_record(
    writer: Client, second: RunningService
) -> None:
    # One read of the row serves them all (service/live/rows.py); each still gets it.
    async with connect(second.url) as socket:
        ops = [await socket.subscribe(RECORD_CHANGED, {"kinds": ["ACTOR"]}) for _ in range(10)]
        await following(second.url, 10)
        created = await asyncio.to_thread(create_actor, writer, "shared-read")
        # In whatever order they come (next_data would skip the other subscriptions').
        messages = [await socket.receive() for _ in ops]
    assert sorted(m["id"] for m in messages) == sorted(ops)
    events = [m["payload"]["data"]["recordChanged"] for m in messages]
    assert {e["id"] for e in events} == {created["id"]}
    assert all(e["record"] == {"name": "shared-read"} for e in events)


async def test_timeline_subscriptions_sharing_a_filter_each_get_the_item(
    writer: Client, second: RunningService
) -> None:
    # One membership query per filter and one read of the item serve them all.
    speaker = create_actor(writer, "shared-timeline-speaker")
    other = create_actor(writer, "shared-timeline-other")
    query = """subscription($f: TimelineFilter) { timelineAdded(filter: $f) {
        changeId entry { kind item { ... on Statement { slug speaker { name } } } } } }"""
    async with connect(second.url) as socket:
        everyone = [await socket.subscribe(query) for _ in range(8)]
        theirs = await socket.subscribe(query, {"f": {"actorIds": [speaker["id"]]}})
        elsewhere = await socket.subscribe(query, {"f": {"actorIds": [other["id"]]}})
        await following(second.url, 10)
        await asyncio.to_thread(
            writer.mutate,
            "createStatement",
            {
                "slug": "shared-timeline-statement",
                "speakerId": speaker["id"],
                "said": "2026-01-10",
                "channel": "X",
                "quote": "words for many",
            },
        )
        messages = [await socket.receive() for _ in range(9)]
        assert await socket.silent(elsewhere, 0.5)
    assert sorted(m["id"] for m in messages) == sorted([*everyone, theirs])
    for message in messages:
        entry = message["payload"]["data"]["timelineAdded"]["entry"]
        assert entry == {
            "kind": "STATEMENT",
            "item": {
                "slug": "shared-timeline-statement",
                "speaker": {"name": "shared-timeline-speaker"},
            },
        }
