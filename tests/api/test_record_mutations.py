"""Every mutation through HTTP on real Postgres: create, update, delete, link, and failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from service.graphql.ids import encode_id
from service.vocab import RecordKind
from tests.api.client import Client
from tests.api.dataset import ok

pytestmark = [pytest.mark.db, pytest.mark.slow]


async def record_and_change_counts(database_url: str) -> tuple[int, int]:
    """How many records and changes the database holds."""
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "select (select count(*) from record) as records, "
            "(select count(*) from change) as changes"
        )
        return row["records"], row["changes"]
    finally:
        await conn.close()


@pytest.fixture
async def counts(module_db_url: str) -> Callable[[], Any]:
    async def count() -> tuple[int, int]:
        return await record_and_change_counts(module_db_url)

    return count


def errors(payload: Any) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


@pytest.fixture(scope="module")
def base(client: Client) -> dict[str, str]:
    return make_base(client)


def make_base(client: Client) -> dict[str, str]:
    """The records every recipe refers to (an actor, a person, a source, a document...)."""
    ids = {}
    ids["actor"] = ok(
        client.mutate("createActor", {"slug": "m-actor", "kind": "STATE", "name": "Actor"})
    )["id"]
    ids["person"] = ok(
        client.mutate("createActor", {"slug": "m-person", "kind": "PERSON", "name": "Person"})
    )["id"]
    ids["source"] = ok(
        client.mutate(
            "createSource", {"slug": "m-source", "url": "urn:m:1", "publisher": "P", "kind": "WIRE"}
        )
    )["id"]
    ids["decl"] = ok(
        client.mutate(
            "createDeclaration",
            {"slug": "m-decl", "title": "Decl", "kind": "PLAN", "status": "DRAFT"},
        )
    )["id"]
    ids["track"] = ok(client.mutate("createTrack", {"slug": "m-track", "name": "Track"}))["id"]
    ids["event"] = ok(
        client.mutate(
            "createEvent",
            {"slug": "m-event", "kind": "SUMMIT", "title": "Summit", "starts": "2026"},
        )
    )["id"]
    ids["statement"] = ok(
        client.mutate(
            "createStatement",
            {
                "slug": "m-statement",
                "speakerId": ids["person"],
                "said": "2026-01",
                "channel": "X",
                "quote": "Words",
            },
        )
    )["id"]
    return ids


# One create/update/delete recipe per kind: (create mutation, input, update mutation, changes).
def recipes(ids: dict[str, str]) -> list[tuple[str, dict[str, Any], str, dict[str, Any], str]]:
    return [
        (
            "createSource",
            {
                "slug": "s2",
                "url": "https://example.org/a",
                "publisher": "X",
                "kind": "OFFICIAL_WEBSITE",
                "published": "2026",
            },
            "updateSource",
            {"title": "A title", "published": "2026-01-08T10:00:00Z"},
            "deleteSource",
        ),
        (
            "createActor",
            {"slug": "a2", "kind": "COALITION", "name": "Coalition"},
            "updateActor",
            {"aliases": ["CoW"], "wikidataId": "Q1"},
            "deleteActor",
        ),
        (
            "addMembership",
            {"memberId": ids["person"], "organizationId": ids["actor"], "role": "envoy"},
            "updateMembership",
            {"end": "2026-02"},
            "removeMembership",
        ),
        (
            "createDeclaration",
            {"slug": "d2", "title": "Another", "kind": "FRAMEWORK", "status": "DRAFT"},
            "updateDeclaration",
            {"status": "SIGNED", "adopted": "2026-01-06"},
            "deleteDeclaration",
        ),
        (
            "addProvision",
            {
                "declarationId": ids["decl"],
                "slug": "m-decl/p1",
                "position": 1,
                "topic": "ECONOMIC",
                "title": "Money",
            },
            "updateProvision",
            {"body": "Text of the clause"},
            "removeProvision",
        ),
        (
            "addParty",
            {"declarationId": ids["decl"], "actorId": ids["actor"], "role": "ENDORSER"},
            "updateParty",
            {"note": "per one source"},
            "removeParty",
        ),
        (
            "createStatement",
            {
                "slug": "st2",
                "speakerId": ids["person"],
                "said": "2026-01-09",
                "channel": "INTERVIEW",
                "quote": "More words",
                "aboutIds": [ids["decl"]],
            },
            "updateStatement",
            {"aboutIds": [ids["track"], ids["actor"]], "eventCode": "046"},
            "deleteStatement",
        ),
        (
            "createWarning",
            {
                "slug": "w2",
                "statementId": ids["statement"],
                "condition": "If",
                "consequence": "Then",
                "targetIds": [ids["actor"]],
            },
            "updateWarning",
            {"answersIds": [ids["decl"]]},
            "deleteWarning",
        ),
        (
            "createTrack",
            {"slug": "t2", "name": "Track two"},
            "updateTrack",
            {"summary": "What is negotiated"},
            "deleteTrack",
        ),
        (
            "addTrackUpdate",
            {"trackId": ids["track"], "status": "NEGOTIATING", "reported": "2026-01-05"},
            "updateTrackUpdate",
            {"status": "STALLED"},
            "removeTrackUpdate",
        ),
        (
            "createStance",
            {"actorId": ids["actor"], "subjectId": ids["decl"], "position": "CONDITIONAL"},
            "updateStance",
            {"position": "SUPPORTS", "since": "2026-01"},
            "deleteStance",
        ),
        (
            "createEvent",
            {
                "slug": "e2",
                "kind": "TALKS",
                "title": "Talks",
                "starts": "2026-01-07",
                "concernsIds": [ids["decl"]],
            },
            "updateEvent",
            {"ends": "2026-01-08", "concernsIds": [ids["track"]], "place": "Geneva"},
            "deleteEvent",
        ),
        (
            "addParticipation",
            {"eventId": ids["event"], "actorId": ids["actor"], "role": "HOST"},
            "updateParticipation",
            {"role": "MEDIATOR", "note": "per one source"},
            "removeParticipation",
        ),
        (
            "addCitation",
            {"subjectId": ids["decl"], "sourceId": ids["source"], "quote": "Q"},
            "updateCitation",
            {"note": "checked"},
            "removeCitation",
        ),
    ]


async def test_create_update_delete_every_kind(
    client: Client, base: dict[str, str], counts: Callable[[], Any]
) -> None:
    for create, create_input, update, changes, delete in recipes(base):
        created = ok(client.mutate(create, create_input))
        assert created["version"] == 1, create
        updated = ok(client.mutate(update, {"id": created["id"], "expectedVersion": 1, **changes}))
        assert updated["version"] == 2, update
        stale = client.mutate(update, {"id": created["id"], "expectedVersion": 1, **changes})
        assert errors(stale) == [("expectedVersion", "CONFLICT")], update
        before = await counts()
        gone = client.mutate(delete, {"id": created["id"], "expectedVersion": 2})
        assert gone["deletedId"] == created["id"], delete
        records, changes_after = await counts()
        assert records == before[0] - 1
        assert changes_after == before[1] + 1
        again = client.mutate(delete, {"id": created["id"]})
        assert errors(again) == [("id", "NOT_FOUND")], delete


def test_updates_return_the_new_state(client: Client, base: dict[str, str]) -> None:
    record = client.mutate(
        "updateStatement",
        {
            "id": base["statement"],
            "expectedVersion": 1,
            "said": "2026-01-08",
            "aboutIds": [base["decl"]],
            "onBehalfOfId": base["actor"],
        },
        "version said { value precision } about { id } onBehalfOf { name }",
    )
    assert record == {
        "version": 2,
        "said": {"value": "2026-01-08", "precision": "DAY"},
        "about": [{"id": base["decl"]}],
        "onBehalfOf": {"name": "Actor"},
    }
    cleared = client.mutate(
        "updateStatement",
        {"id": base["statement"], "expectedVersion": 2, "onBehalfOfId": None},
        "version onBehalfOf { name }",
    )
    assert cleared == {"version": 3, "onBehalfOf": None}


async def test_failures_write_nothing(
    client: Client, base: dict[str, str], counts: Callable[[], Any]
) -> None:
    ok(
        client.mutate(
            "addProvision",
            {
                "declarationId": base["decl"],
                "slug": "m-decl/one",
                "position": 1,
                "topic": "OTHER",
                "title": "One",
            },
        )
    )
    before = await counts()
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]] | None]] = [
        # over-long and badly formed values
        ("createActor", {"slug": "x", "kind": "STATE", "name": "n" * 301}, [("name", "INVALID")]),
        (
            "createActor",
            {"slug": "Not A Slug", "kind": "STATE", "name": "n"},
            [("slug", "INVALID")],
        ),
        (
            "createActor",
            {"slug": "cc", "kind": "STATE", "name": "n", "countryCode": "gbr"},
            [("countryCode", "INVALID")],
        ),
        (
            "createSource",
            {"slug": "u", "url": "ftp://x", "publisher": "p", "kind": "WIRE"},
            [("url", "INVALID")],
        ),
        (
            "createStatement",
            {
                "slug": "bad-date",
                "speakerId": base["person"],
                "said": "Monday",
                "channel": "X",
                "quote": "q",
            },
            [("said", "INVALID")],
        ),
        (
            "createStatement",
            {
                "slug": "bad-code",
                "speakerId": base["person"],
                "said": "2026",
                "channel": "X",
                "quote": "q",
                "eventCode": "ABC",
            },
            [("eventCode", "INVALID")],
        ),
        # duplicates
        (
            "createActor",
            {"slug": "m-actor", "kind": "STATE", "name": "Again"},
            [("slug", "CONFLICT")],
        ),
        # bad ids, wrong kinds, unknown references
        (
            "addMembership",
            {"memberId": "garbage", "organizationId": base["actor"], "role": "r"},
            [("memberId", "INVALID")],
        ),
        (
            "addMembership",
            {"memberId": base["source"], "organizationId": base["actor"], "role": "r"},
            [("memberId", "INVALID")],
        ),
        (
            "createStance",
            {"actorId": base["actor"], "subjectId": base["person"], "position": "SUPPORTS"},
            [("subjectId", "INVALID")],
        ),
        # a valid statement whose subject list names a record that does not exist
        (
            "createStatement",
            {
                "slug": "dangling",
                "speakerId": base["person"],
                "said": "2026",
                "channel": "X",
                "quote": "q",
                "aboutIds": [encode_id(RecordKind.DECLARATION, 10**9)],
            },
            [("aboutIds", "NOT_FOUND")],
        ),
        # a second clause at a taken position: refused by the database, inside the transaction
        (
            "addProvision",
            {
                "declarationId": base["decl"],
                "slug": "m-decl/first",
                "position": 1,
                "topic": "OTHER",
                "title": "First",
            },
            None,
        ),
    ]
    for mutation, data, expected in cases:
        result = client.mutate(mutation, data)
        assert "errors" in result, (mutation, data)
        if expected is not None:
            assert errors(result) == expected, (mutation, data, result)
        else:
            assert errors(result)[0][1] == "CONFLICT", result
    assert await counts() == before


async def test_deleting_a_referenced_record_is_refused(
    client: Client, base: dict[str, str], counts: Callable[[], Any]
) -> None:
    before = await counts()
    refused = client.mutate("deleteActor", {"id": base["person"]})
    assert errors(refused) == [("id", "REFERENCED")]
    assert "statement" in refused["errors"][0]["message"]
    assert await counts() == before


async def test_delete_with_stale_version_is_refused(
    client: Client, base: dict[str, str], counts: Callable[[], Any]
) -> None:
    before = await counts()
    refused = client.mutate("deleteTrack", {"id": base["track"], "expectedVersion": 7})
    assert errors(refused) == [("expectedVersion", "CONFLICT")]
    assert await counts() == before


def test_invalid_enum_value_is_refused_before_execution(client: Client) -> None:
    body = client.post(
        'mutation { createActor(input: {slug: "e", kind: PLANET, name: "n"}) { errors { code } } }'
    )
    assert body["data"] is None
    assert "PLANET" in body["errors"][0]["message"]


def test_missing_required_input_is_a_validation_error(client: Client) -> None:
    body = client.post('mutation { createActor(input: {slug: "e"}) { errors { code } } }')
    assert body["data"] is None
    assert "kind" in body["errors"][0]["message"] or "name" in body["errors"][0]["message"]


async def test_records_no_source_can_support_are_refused(
    client: Client, base: dict[str, str], counts: Callable[[], Any]
) -> None:
    member = {"memberId": base["person"], "organizationId": base["actor"], "role": "envoy"}
    before = await counts()
    cases = [
        ("addMembership", {**member, "organizationId": base["person"]},
         [("organizationId", "INVALID")]),
        ("addMembership", {**member, "start": "2026-03", "end": "2026-02"}, [("end", "INVALID")]),
        ("addMembership", {**member, "start": "2026", "end": "2025-12-31"}, [("end", "INVALID")]),
    ]  # fmt: skip
    for mutation, given, expected in cases:
        payload = client.mutate(mutation, given)
        assert errors(payload) == expected, (mutation, given, payload)
    assert await counts() == before
    # A period that may end after the start began stands ("2026" may be after March).
    kept = ok(client.mutate("addMembership", {**member, "start": "2026-03", "end": "2026"}))
    # An update is checked against the record's stored dates.
    moved = client.mutate("updateMembership", {"id": kept["id"], "expectedVersion":
                                               kept["version"], "start": "2027"})  # fmt: skip
    assert errors(moved) == [("end", "INVALID")]
    assert moved["errors"][0]["message"] == "the membership ends before it starts"
    warning = ok(client.mutate("createWarning", {"slug": "m-self-repeat", "statementId":
                                                 base["statement"], "condition": "if",
                                                 "consequence": "then"}))  # fmt: skip
    itself = client.mutate("updateWarning", {"id": warning["id"], "expectedVersion":
                                             warning["version"], "repeatsWarningId":
                                             warning["id"]})  # fmt: skip
    assert errors(itself) == [("repeatsWarningId", "INVALID")]
    # Nor through another: A repeats B, then B may not repeat A.
    other = ok(client.mutate("createWarning", {"slug": "m-repeats-self-repeat", "statementId":
                                               base["statement"], "condition": "if",
                                               "consequence": "then", "repeatsWarningId":
                                               warning["id"]}))  # fmt: skip
    cycle = client.mutate("updateWarning", {"id": warning["id"], "expectedVersion":
                                            warning["version"], "repeatsWarningId":
                                            other["id"]})  # fmt: skip
    assert errors(cycle) == [("repeatsWarningId", "INVALID")]


def test_every_problem_of_an_input_is_reported_at_once(client: Client) -> None:
    body = client.post(
        """mutation($input: CreateActorInput!) {
             createActor(input: $input) { record { id } errors { field path message code } } }""",
        {
            "input": {
                "slug": "Not A Slug",
                "kind": "STATE",
                "name": "x" * 301,
                "countryCode": "ukr",
                "aliases": ["Kyiv", ""],
            }
        },
    )
    payload = body["data"]["createActor"]
    assert payload["record"] is None
    found = {tuple(e["path"]): (e["field"], e["code"], e["message"]) for e in payload["errors"]}
    assert sorted(found) == [("aliases", "1"), ("countryCode",), ("name",), ("slug",)]
    assert {code for _, code, _ in found.values()} == {"INVALID"}
    assert found[("name",)][2] == "name must be at most 300 characters"
    assert found[("aliases", "1")][:2] == ("aliases", "INVALID")
    assert found[("aliases", "1")][2] == "aliases[1] must not be empty"
    assert found[("countryCode",)][2] == (
        "countryCode must be an ISO 3166-1 alpha-2 code: two capital letters (UA)"
    )
    # The rule in words, never msgspec's or a regex.
    assert not any("regex" in m or "Expected" in m for _, _, m in found.values())
    # And the type says which codes there are.
    codes = client.data('{ __type(name: "UserErrorCode") { enumValues { name description } } }')
    values = codes["__type"]["enumValues"]
    assert {v["name"] for v in values} >= {"INVALID", "NOT_FOUND", "CONFLICT", "REFERENCED"}
    assert all(v["description"] for v in values)
