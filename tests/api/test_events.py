"""Events through HTTP on real Postgres: what they hold and link to, what refers back to
them, their refusals, their lists and filters, and their place on the timeline."""

from __future__ import annotations

from typing import Any

import pytest

from service.graphql.ids import encode_id
from service.vocab import RecordKind
from tests.api.client import Client
from tests.api.dataset import ok

pytestmark = [pytest.mark.db, pytest.mark.slow]


def errors(payload: Any) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


@pytest.fixture(scope="module")
def made(client: Client) -> dict[str, str]:
    """Actors, a document, a track and two events, one with what happened at it."""
    ids: dict[str, str] = {}

    def add(key: str, mutation: str, input: dict[str, Any]) -> None:
        ids[key] = ok(client.mutate(mutation, input))["id"]

    add("france", "createActor", {"slug": "ev-france", "kind": "STATE", "name": "France"})
    add("ukraine", "createActor", {"slug": "ev-ukraine", "kind": "STATE", "name": "Ukraine"})
    add("person", "createActor", {"slug": "ev-person", "kind": "PERSON", "name": "Speaker"})
    add("track", "createTrack", {"slug": "ev-track", "name": "A track"})
    add(
        "summit",
        "createEvent",
        {
            "slug": "ev-summit",
            "kind": "SUMMIT",
            "title": "A summit in Paris",
            "starts": "2026-01-06",
            "place": "Paris",
            "summary": "Leaders met on security guarantees.",
            "concernsIds": [ids["track"]],
        },
    )
    add(
        "talks",
        "createEvent",
        {"slug": "ev-talks", "kind": "TALKS", "title": "Talks", "starts": "2026-01-07"},
    )
    add(
        "declaration",
        "createDeclaration",
        {
            "slug": "ev-declaration",
            "title": "A declaration",
            "kind": "JOINT_DECLARATION",
            "status": "SIGNED",
            "adopted": "2026-01-06",
            "eventId": ids["summit"],
        },
    )
    add(
        "host",
        "addParticipation",
        {"eventId": ids["summit"], "actorId": ids["france"], "role": "HOST"},
    )
    add(
        "guest",
        "addParticipation",
        {"eventId": ids["summit"], "actorId": ids["ukraine"], "role": "PARTICIPANT"},
    )
    add(
        "statement",
        "createStatement",
        {
            "slug": "ev-statement",
            "speakerId": ids["person"],
            "said": "2026-01-06",
            "channel": "PRESS_CONFERENCE",
            "quote": "We met.",
            "eventId": ids["summit"],
        },
    )
    add(
        "update",
        "addTrackUpdate",
        {
            "trackId": ids["track"],
            "status": "NEGOTIATING",
            "reported": "2026-01-06",
            "eventId": ids["summit"],
        },
    )
    return ids


EVENT = """query($slug: String!) { event(slug: $slug) {
  id version slug kind title starts { value precision } ends { value } place summary
  participants { totalCount nodes { role actor { slug } event { slug } } }
  concerns { __typename ... on Track { slug } ... on Declaration { slug } }
  statements { nodes { slug event { slug } } }
  trackUpdates { nodes { status event { slug } } }
  declarations { nodes { slug event { slug } } }
  history { nodes { operation } } } }"""


def test_an_event_with_everything_at_it(client: Client, made: dict[str, str]) -> None:
    event = client.data(EVENT, {"slug": "ev-summit"})["event"]
    assert event["id"] == made["summit"]
    assert (event["kind"], event["title"], event["place"]) == (
        "SUMMIT",
        "A summit in Paris",
        "Paris",
    )
    assert event["starts"] == {"value": "2026-01-06", "precision": "DAY"}
    assert event["ends"] is None
    summit = {"slug": "ev-summit"}
    # By actor name: France, then Ukraine.
    assert event["participants"] == {
        "totalCount": 2,
        "nodes": [
            {"role": "HOST", "actor": {"slug": "ev-france"}, "event": summit},
            {"role": "PARTICIPANT", "actor": {"slug": "ev-ukraine"}, "event": summit},
        ],
    }
    assert event["concerns"] == [{"__typename": "Track", "slug": "ev-track"}]
    assert event["statements"]["nodes"] == [{"slug": "ev-statement", "event": summit}]
    assert event["trackUpdates"]["nodes"] == [{"status": "NEGOTIATING", "event": summit}]
    assert event["declarations"]["nodes"] == [{"slug": "ev-declaration", "event": summit}]
    assert event["history"]["nodes"] == [{"operation": "CREATE"}]
    participations = client.data(
        '{ actor(slug: "ev-france") { participations { nodes { role event { slug } } } } }'
    )
    assert participations["actor"]["participations"]["nodes"] == [{"role": "HOST", "event": summit}]


def test_updating_an_event_replaces_what_it_concerns(client: Client, made: dict[str, str]) -> None:
    talks = client.data(EVENT, {"slug": "ev-talks"})["event"]
    changes = {"ends": "2026-01-08", "concernsIds": [made["declaration"], made["track"]]}
    updated = client.mutate(
        "updateEvent",
        {"id": made["talks"], "expectedVersion": talks["version"], **changes},
        "version ends { value precision } concerns { ... on Declaration { slug } "
        "... on Track { slug } }",
    )
    assert updated["version"] == talks["version"] + 1
    assert updated["ends"] == {"value": "2026-01-08", "precision": "DAY"}
    assert sorted(c["slug"] for c in updated["concerns"]) == ["ev-declaration", "ev-track"]
    stale = client.mutate(
        "updateEvent", {"id": made["talks"], "expectedVersion": talks["version"], "title": "T"}
    )
    assert errors(stale) == [("expectedVersion", "CONFLICT")]
    cleared = client.mutate(
        "updateEvent",
        {"id": made["talks"], "expectedVersion": updated["version"], "concernsIds": []},
        "version concerns { __typename }",
    )
    assert cleared == {"version": updated["version"] + 1, "concerns": []}


def test_deleting_what_others_point_at_is_refused(client: Client, made: dict[str, str]) -> None:
    # Participations, a statement, a track update and a document name the summit; the
    # summit concerns the track.
    refused = client.mutate("deleteEvent", {"id": made["summit"]})
    assert errors(refused) == [("id", "REFERENCED")]
    track = client.mutate("deleteTrack", {"id": made["track"]})
    assert errors(track) == [("id", "REFERENCED")]
    # An event nothing points at goes, and takes its `concerns` links with it.
    lone = ok(
        client.mutate(
            "createEvent",
            {
                "slug": "ev-lone",
                "kind": "CALL",
                "title": "A call",
                "starts": "2026-01-09",
                "concernsIds": [made["track"]],
            },
        )
    )
    gone = client.mutate("deleteEvent", {"id": lone["id"], "expectedVersion": 1})
    assert gone["deletedId"] == lone["id"]


def test_records_no_source_could_support_are_refused(client: Client, made: dict[str, str]) -> None:
    event = {"slug": "ev-bad", "kind": "MEETING", "title": "Bad", "starts": "2025-06-06"}
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        ("createEvent", {**event, "ends": "2025-06-05"}, [("ends", "INVALID")]),
        ("createEvent", {**event, "starts": "Tuesday"}, [("starts", "INVALID")]),
        ("createEvent", {**event, "title": ""}, [("title", "INVALID")]),
        ("createEvent", {**event, "slug": "ev-summit"}, [("slug", "CONFLICT")]),
        ("createEvent", {**event, "concernsIds": [made["france"]]}, [("concernsIds", "INVALID")]),
        (
            "createEvent",
            {**event, "concernsIds": [encode_id(RecordKind.TRACK, 10**9)]},
            [("concernsIds", "NOT_FOUND")],
        ),
        (
            "addParticipation",
            {"eventId": made["summit"], "actorId": made["france"], "role": "HOST"},
            [("eventIdActorIdRole", "CONFLICT")],  # the key's columns
        ),
        (
            "addParticipation",
            {"eventId": made["track"], "actorId": made["france"], "role": "HOST"},
            [("eventId", "INVALID")],
        ),
        (
            "createStatement",
            {"slug": "ev-bad-statement", "speakerId": made["person"], "said": "2026",
             "channel": "X", "quote": "q", "eventId": made["track"]},
            [("eventId", "INVALID")],
        ),
    ]  # fmt: skip
    for mutation, data, expected in cases:
        assert errors(client.mutate(mutation, data)) == expected, (mutation, data)
    # "6 June, ended in June" stands: the end's month may be after the start.
    ok(client.mutate("createEvent", {**event, "slug": "ev-month-end", "ends": "2025-06"}))


def test_events_page_in_order_and_filter(client: Client, made: dict[str, str]) -> None:
    for day in range(10, 15):
        ok(
            client.mutate(
                "createEvent",
                {"slug": f"ev-day-{day}", "kind": "CALL", "title": f"Call {day}",
                 "starts": f"2026-02-{day}"},
            )
        )  # fmt: skip
    page = """query($after: String) { events(filter: {startsFrom: "2026-02-01T00:00:00Z",
        startsTo: "2026-03-01T00:00:00Z"}, orderBy: STARTS_ASC, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { slug } } }"""
    seen: list[str] = []
    after = None
    while True:
        events = client.data(page, {"after": after})["events"]
        assert events["totalCount"] == 5
        seen += [n["slug"] for n in events["nodes"]]
        if not events["pageInfo"]["hasNextPage"]:
            break
        after = events["pageInfo"]["endCursor"]
    assert seen == [f"ev-day-{day}" for day in range(10, 15)]
    newest = client.data("{ events(first: 1) { nodes { slug } } }")["events"]["nodes"]
    assert newest == [{"slug": "ev-day-14"}]

    def slugs(filter_: str, variables: dict[str, Any] | None = None) -> list[str]:
        query = f"query($ids: [ID!]) {{ events(filter: {filter_}) {{ nodes {{ slug }} }} }}"
        return sorted(n["slug"] for n in client.data(query, variables)["events"]["nodes"])

    assert slugs("{participantIds: $ids}", {"ids": [made["ukraine"]]}) == ["ev-summit"]
    assert "ev-summit" in slugs("{concernsIds: $ids}", {"ids": [made["track"]]})
    summits = client.data('{ events(filter: {kinds: [SUMMIT], text: "security guarantees"}) '
                          "{ nodes { slug } } }")["events"]["nodes"]  # fmt: skip
    assert summits == [{"slug": "ev-summit"}]
    participants = client.data(
        '{ event(slug: "ev-summit") { participants(first: 1, roles: [PARTICIPANT]) '
        "{ totalCount nodes { actor { slug } } } } }"
    )["event"]["participants"]
    assert participants == {"totalCount": 1, "nodes": [{"actor": {"slug": "ev-ukraine"}}]}


def test_events_are_on_the_timeline_and_in_search(client: Client, made: dict[str, str]) -> None:
    timeline = client.data(
        """{ timeline(filter: {from: "2026-01-06T00:00:00Z", to: "2026-01-07T00:00:00Z",
             kinds: [EVENT, STATEMENT]}, orderBy: OLDEST_FIRST) {
             nodes { kind item { ... on Event { slug } ... on Statement { slug } } } } }"""
    )["timeline"]["nodes"]
    assert timeline == [
        {"kind": "EVENT", "item": {"slug": "ev-summit"}},
        {"kind": "STATEMENT", "item": {"slug": "ev-statement"}},
    ]
    by_participant = client.data(
        """query($ids: [ID!]) { timeline(filter: {actorIds: $ids, kinds: [EVENT]}) {
             nodes { item { ... on Event { slug } } } } }""",
        {"ids": [made["france"]]},
    )["timeline"]["nodes"]
    assert by_participant == [{"item": {"slug": "ev-summit"}}]
    by_track = client.data(
        """query($ids: [ID!]) { timeline(filter: {trackIds: $ids, kinds: [EVENT]}) {
             nodes { item { ... on Event { slug } } } } }""",
        {"ids": [made["track"]]},
    )["timeline"]["nodes"]
    assert by_track == [{"item": {"slug": "ev-summit"}}]
    hits = client.data(
        '{ search(text: "summit Paris", kinds: [EVENT]) { nodes { kind excerpt '
        "node { ... on Event { slug } } } } }"
    )["search"]["nodes"]
    assert hits[0]["node"] == {"slug": "ev-summit"}
    assert "<b>" in hits[0]["excerpt"]
