"""The write path over HTTP on real PostgreSQL (issue #20): every single-record mutation
is one SQL round trip, and writeRecords writes many records of any kinds in one
transaction, all or nothing, with every problem at its path."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from service.graphql.batch import MAX_BATCH_OPERATIONS
from service.graphql.ids import encode_id
from service.vocab import RecordKind
from tests.api.client import Client
from tests.api.dataset import ok
from tests.api.test_record_mutations import make_base, recipes, record_and_change_counts
from tests.server import RunningService

pytestmark = [pytest.mark.db, pytest.mark.slow]

WRITE = """mutation($operations: [RecordWrite!]!) {
  writeRecords(operations: $operations) {
    results { deletedId record { id ... on Actor { slug version name } } }
    errors { field path message code }
  }
}"""


def _mutation(name: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    if name.startswith(("delete", "remove")):
        return (
            f"mutation($input: DeleteInput!) {{ {name}(input: $input) "
            "{ deletedId errors { field code } } }"
        )
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) "
        "{ record { id version } errors { field code } } }"
    )


def _trips(client: Client, name: str, input: dict[str, Any]) -> tuple[dict[str, Any], int]:
    body = client.post(_mutation(name), {"input": input})
    assert "errors" not in body, body
    return body["data"][name], body["extensions"]["sqlRoundTrips"]


async def _counts(url: str) -> tuple[int, int]:
    return await record_and_change_counts(url)


@pytest.fixture(scope="module")
def ids(client: Client) -> dict[str, str]:
    return make_base(client)


def test_every_single_record_mutation_is_one_round_trip(
    client: Client, ids: dict[str, str]
) -> None:
    """Create, update, a stale update, delete and a delete of nothing, for every kind:
    one statement each (the record, its links, its change and its answer)."""
    for create, create_input, update, changes, delete in recipes(ids):
        created, trips = _trips(client, create, create_input)
        assert (created["errors"], trips) == ([], 1), create
        record_id = created["record"]["id"]
        updated, trips = _trips(client, update, {"id": record_id, "expectedVersion": 1, **changes})
        assert (updated["record"]["version"], trips) == (2, 1), update
        stale, trips = _trips(client, update, {"id": record_id, "expectedVersion": 1, **changes})
        assert (stale["errors"], trips) == ([{"field": "expectedVersion", "code": "CONFLICT"}], 1)
        gone, trips = _trips(client, delete, {"id": record_id, "expectedVersion": 2})
        assert (gone["deletedId"], trips) == (record_id, 1), delete
        again, trips = _trips(client, delete, {"id": record_id})
        assert (again["errors"], trips) == ([{"field": "id", "code": "NOT_FOUND"}], 1), delete


def test_a_mutation_answers_what_a_read_gives(client: Client, ids: dict[str, str]) -> None:
    """The answer comes from the kind's by-id query run over the written row: computed
    fields (a party's `disputed`, a track's `status`, a citation's source) included."""
    party = client.data(
        """mutation($input: AddPartyInput!) { addParty(input: $input) {
             record { id disputed role } errors { code } } }""",
        {"input": {"declarationId": ids["decl"], "actorId": ids["person"], "role": "SIGNATORY"}},
    )["addParty"]["record"]
    disputed = client.data(
        """mutation($input: AddPartyInput!) { addParty(input: $input) {
             record { id disputed } errors { code } } }""",
        {"input": {"declarationId": ids["decl"], "actorId": ids["person"], "role": "ENDORSER"}},
    )["addParty"]["record"]
    assert party["disputed"] is False
    assert disputed["disputed"] is True
    read = client.data(
        "query($id: ID!) { node(id: $id) { ... on Party { disputed } } }", {"id": party["id"]}
    )
    assert read["node"]["disputed"] is True  # the first one, read again, is disputed now
    citation = client.data(
        """mutation($input: AddCitationInput!) { addCitation(input: $input) {
             record { quote source { publisher } } errors { code } } }""",
        {"input": {"subjectId": ids["decl"], "sourceId": ids["source"], "quote": "Q"}},
    )["addCitation"]["record"]
    assert citation == {"quote": "Q", "source": {"publisher": "P"}}


async def test_a_batch_writes_every_kind_of_operation_in_one_transaction(
    client: Client, module_db_url: str
) -> None:
    ok(client.mutate("createActor", {"slug": "batch-old", "kind": "STATE", "name": "Old"}))
    old = ok(client.mutate("createActor", {"slug": "batch-gone", "kind": "STATE", "name": "Gone"}))
    kept = ok(client.mutate("createActor", {"slug": "batch-kept", "kind": "STATE", "name": "Kept"}))
    before = await _counts(module_db_url)
    operations = [
        {"createActor": {"slug": "batch-a", "kind": "PERSON", "name": "A"}},
        {"createActor": {"slug": "batch-b", "kind": "PERSON", "name": "B", "countryCode": "EE"}},
        {"createTrack": {"slug": "batch-track", "name": "Track"}},
        {"updateActor": {"id": kept["id"], "expectedVersion": 1, "name": "Kept, renamed"}},
        {"deleteActor": {"id": old["id"], "expectedVersion": 1}},
    ]
    body = client.post(WRITE, {"operations": operations})
    payload = body["data"]["writeRecords"]
    assert payload["errors"] == []
    results = payload["results"]
    assert [r["record"] and r["record"].get("slug") for r in results] == [
        "batch-a",
        "batch-b",
        None,
        "batch-kept",
        None,
    ]
    assert results[3]["record"] == {
        "id": kept["id"],
        "slug": "batch-kept",
        "version": 2,
        "name": "Kept, renamed",
    }
    assert results[4] == {"deletedId": old["id"], "record": None}
    records, changes = await _counts(module_db_url)
    assert (records, changes) == (before[0] + 3 - 1, before[1] + 5)
    # Four runs (actors created, a track, an actor updated, an actor deleted): a statement
    # each, inside BEGIN ... COMMIT.
    assert body["extensions"]["sqlRoundTrips"] == 6


async def test_a_batch_of_one_kind_is_one_statement(client: Client, module_db_url: str) -> None:
    operations = [
        {"createActor": {"slug": f"many-{n}", "kind": "PERSON", "name": f"Person {n}"}}
        for n in range(200)
    ]
    body = client.post(WRITE, {"operations": operations})
    results = body["data"]["writeRecords"]["results"]
    assert [r["record"]["slug"] for r in results] == [f"many-{n}" for n in range(200)]
    assert body["extensions"]["sqlRoundTrips"] == 1


async def test_a_batch_is_all_or_nothing_with_every_problem_at_its_path(
    client: Client, module_db_url: str
) -> None:
    kept = ok(client.mutate("createActor", {"slug": "aon-kept", "kind": "STATE", "name": "K"}))
    before = await _counts(module_db_url)
    operations = [
        {"createActor": {"slug": "aon-fine", "kind": "PERSON", "name": "Fine"}},
        {
            "createActor": {
                "slug": "Not A Slug",
                "kind": "PERSON",
                "name": "Bad",
                "countryCode": "x",
            }
        },
        {"updateActor": {"id": kept["id"], "expectedVersion": 1, "name": "Fine too"}},
    ]
    payload = client.data(WRITE, {"operations": operations})["writeRecords"]
    assert payload["results"] is None
    assert sorted(e["path"][:4] for e in payload["errors"]) == [
        ["operations", "1", "createActor", "countryCode"],
        ["operations", "1", "createActor", "slug"],
    ]
    assert {e["field"] for e in payload["errors"]} == {"slug", "countryCode"}
    assert await _counts(module_db_url) == before
    # Input fine, refused by the database: a stale version and a slug taken twice.
    operations = [
        {"createActor": {"slug": "aon-twice", "kind": "PERSON", "name": "One"}},
        {"createActor": {"slug": "aon-other", "kind": "PERSON", "name": "Other"}},
        {"updateActor": {"id": kept["id"], "expectedVersion": 7, "name": "Late"}},
    ]
    payload = client.data(WRITE, {"operations": operations})["writeRecords"]
    assert payload["errors"] == [
        {
            "field": "expectedVersion",
            "path": ["operations", "2", "updateActor", "expectedVersion"],
            "message": "actor is at version 1, not 7: read it again and reapply your change",
            "code": "CONFLICT",
        }
    ]
    operations = [
        {"createActor": {"slug": "aon-twice", "kind": "PERSON", "name": "One"}},
        {"createActor": {"slug": "aon-twice", "kind": "PERSON", "name": "Two"}},
    ]
    payload = client.data(WRITE, {"operations": operations})["writeRecords"]
    assert [(e["code"], e["path"][:3]) for e in payload["errors"]] == [
        ("CONFLICT", ["operations", "0", "createActor"])
    ]
    assert await _counts(module_db_url) == before
    # A reference to nothing, in a later run: the earlier runs are rolled back too.
    operations = [
        {"createActor": {"slug": "aon-rolled-back", "kind": "PERSON", "name": "R"}},
        {
            "addMembership": {
                "memberId": kept["id"],
                "organizationId": encode_id(RecordKind.ACTOR, 999999),
                "role": "x",
            }
        },
    ]
    payload = client.data(WRITE, {"operations": operations})["writeRecords"]
    assert [(e["code"], e["path"]) for e in payload["errors"]] == [
        ("NOT_FOUND", ["operations", "1", "addMembership", "organizationId"])
    ]
    assert await _counts(module_db_url) == before


def test_a_batch_has_a_maximum_and_counts_in_the_cost_limit(client: Client) -> None:
    too_many = [
        {"createActor": {"slug": f"max-{n}", "kind": "PERSON", "name": "M"}}
        for n in range(MAX_BATCH_OPERATIONS + 1)
    ]
    payload = client.data(WRITE, {"operations": too_many})["writeRecords"]
    assert [(e["code"], e["path"]) for e in payload["errors"]] == [("INVALID", ["operations"])]
    # Each operation's answer is counted: 50 creates, each asking for 100 statements of
    # 100 citations each (500,000 nodes, over the limit of 100,000); one create alone
    # would be 10,101.
    costly = """mutation($operations: [RecordWrite!]!) { writeRecords(operations: $operations) {
      results { record { ... on Actor { statements(first: 100) { nodes {
        citations(first: 100) { nodes { id } } } } } } } } }"""
    assert "errors" not in client.post(costly, {"operations": too_many[:1]})
    body = client.post(costly, {"operations": too_many[1:51]})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COSTLY"], body
    assert client.data('{ actor(slug: "max-1") { id } }') == {"actor": None}


def test_a_batch_needs_an_editor_token(client: Client) -> None:
    anonymous = Client(client.url)
    body = anonymous.post(
        WRITE, {"operations": [{"createActor": {"slug": "anon", "kind": "PERSON", "name": "A"}}]}
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_concurrent_batches_on_the_same_records_never_deadlock(
    client: Client, module_db_url: str
) -> None:
    """Eight batches update the same five actors, each listing them in another order, at
    the version they read: exactly one wins, the others get CONFLICT, none waits forever
    (rows are locked in id order)."""
    actors = [
        ok(client.mutate("createActor", {"slug": f"race-{n}", "kind": "STATE", "name": "R"}))
        for n in range(5)
    ]

    async def batch(http: httpx.AsyncClient, turn: int) -> dict[str, Any]:
        order = actors[turn % 5 :] + actors[: turn % 5]
        if turn % 2:
            order.reverse()
        operations = [
            {"updateActor": {"id": a["id"], "expectedVersion": 1, "name": f"turn {turn}"}}
            for a in order
        ]
        response = await http.post(
            f"{client.url}/graphql",
            json={"query": WRITE, "variables": {"operations": operations}},
            headers=client.headers(),
        )
        answer: dict[str, Any] = response.json()["data"]["writeRecords"]
        return answer

    async with httpx.AsyncClient(timeout=30) as http:
        answers = await asyncio.wait_for(
            asyncio.gather(*(batch(http, turn) for turn in range(8))), timeout=30
        )
    winners = [a for a in answers if not a["errors"]]
    assert len(winners) == 1
    losers = [a for a in answers if a["errors"]]
    assert all({e["code"] for e in a["errors"]} == {"CONFLICT"} for a in losers)
    ids = [a["id"] for a in actors]
    names = client.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Actor { name version } } }", {"ids": ids}
    )
    winner = winners[0]["results"][0]["record"]["name"]
    assert names["nodes"] == [{"name": winner, "version": 2}] * 5


# The whole payload, with everything the record's type offers that the compiled path reads
# (to-one relations, dates, lists of links) for a few kinds.
KEPT_SELECTIONS = {
    "createStatement": """record { id version slug quote channels said { value precision }
        speaker { name } statements: citations { totalCount } }""",
    "addParty": "record { id version role disputed actor { slug } declaration { slug } }",
    "addCitation": "record { id quote basis source { publisher } subject { __typename } }",
    "createEvent": "record { id title starts { value precision } place }",
}


def _kept_document(name: str) -> str:
    selection = KEPT_SELECTIONS.get(name, "record { id version __typename }")
    input_type = name[0].upper() + name[1:] + "Input"
    if name.startswith(("delete", "remove")):
        input_type, selection = "DeleteInput", "deletedId"
    return (
        f"mutation Kept($input: {input_type}!) {{ payload: {name}(input: $input) "
        f"{{ __typename {selection} errors {{ field path message code }} }} }}"
    )


def _answers_of(service_log: str) -> list[str]:
    return [line for line in service_log.splitlines() if "answer=mutation" in line]


def test_kept_mutations_answer_as_the_executor_does(
    client: Client, ids: dict[str, str], service: RunningService
) -> None:
    """Each mutation document runs twice: the whole way (the executor answers, the plan is
    kept), then from its kept plan (one statement writes and builds the answer). Both
    answers agree with what a read of the record gives."""
    fresh = [
        ok(client.mutate("createActor", {"slug": f"kept-{n}", "kind": "STATE", "name": "K"}))["id"]
        for n in range(2)
    ]
    for create, create_input, update, changes, delete in recipes(ids):
        created = []
        for round_ in range(2):
            made = dict(create_input)
            if "slug" in made:
                made["slug"] = f"{made['slug']}-kept-{round_}".replace("/", "-")
                if create == "addProvision":  # its key: the document and the position
                    made["slug"], made["position"] = f"m-decl/kept-{round_}", 10 + round_
            if create == "addMembership":  # its key: member, organisation and role
                made["role"] = f"{made['role']} {round_}"
            if "actorId" in made:  # a party's or a participation's key holds its actor
                made["actorId"] = fresh[round_]
            body = client.post(_kept_document(create), {"input": made})
            assert "errors" not in body, body
            payload = body["data"]["payload"]
            assert payload["errors"] == [], (create, payload)
            if round_ == 1:  # the kept plan: relations too, in the one statement
                assert body["extensions"]["sqlRoundTrips"] == 1, create
            created.append(payload)
        first, second = created
        assert first["__typename"] == second["__typename"]
        assert first.keys() == second.keys()
        record = second["record"]
        selection = KEPT_SELECTIONS.get(create, "record { id version __typename }")
        fragment = selection.strip()[len("record {") : -1]
        typename = _type_of(client, record["id"])
        read = client.data(
            f"query($id: ID!) {{ node(id: $id) {{ ... on {typename} {{ {fragment} }} }} }}",
            {"id": record["id"]},
        )["node"]
        assert read == record, (create, read, record)
        for round_, made in enumerate(created):
            update_body = client.post(
                _kept_document(update),
                {"input": {"id": made["record"]["id"], "expectedVersion": 1, **changes}},
            )
            assert update_body["data"]["payload"]["errors"] == [], (update, round_)
            assert update_body["data"]["payload"]["record"]["version"] == 2
            gone = client.post(
                _kept_document(delete),
                {"input": {"id": made["record"]["id"], "expectedVersion": 2}},
            )["data"]["payload"]
            assert gone == {
                "__typename": "DeletePayload",
                "deletedId": made["record"]["id"],
                "errors": [],
            }, (delete, round_)
    # Every second run of each document (3 documents per kind) was answered from its plan.
    assert len(_answers_of(service.log())) >= 3 * len(recipes(ids))


def _type_of(client: Client, record_id: str) -> str:
    node = client.data("query($id: ID!) { node(id: $id) { __typename } }", {"id": record_id})
    typename: str = node["node"]["__typename"]
    return typename


def test_a_kept_mutation_still_refuses_what_the_whole_way_refuses(
    client: Client, ids: dict[str, str]
) -> None:
    """A kept plan hands anything unusual to the whole way: an input problem, a stale
    version, a reference to nothing, bad variables, a NUL character."""
    document = _kept_document("createActor")
    assert (
        client.post(document, {"input": {"slug": "kept-ok", "kind": "STATE", "name": "K"}})["data"][
            "payload"
        ]["errors"]
        == []
    )
    refused = client.post(document, {"input": {"slug": "Bad Slug", "kind": "STATE", "name": "K"}})
    assert [e["field"] for e in refused["data"]["payload"]["errors"]] == ["slug"]
    taken = client.post(document, {"input": {"slug": "kept-ok", "kind": "STATE", "name": "K"}})
    assert [e["code"] for e in taken["data"]["payload"]["errors"]] == ["CONFLICT"]
    wrong_type = client.post(document, {"input": {"slug": "kept-x", "kind": "NOPE", "name": "K"}})
    assert wrong_type["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    nul = client.post(document, {"input": {"slug": "kept-nul", "kind": "STATE", "name": "K\u0000"}})
    assert "errors" in nul
    anonymous = Client(client.url).post(
        document, {"input": {"slug": "kept-anon", "kind": "STATE", "name": "K"}}
    )
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    membership = _kept_document("addMembership")
    made = {"memberId": ids["person"], "organizationId": ids["actor"], "role": "kept"}
    assert client.post(membership, {"input": made})["data"]["payload"]["errors"] == []
    nowhere = {**made, "organizationId": encode_id(RecordKind.ACTOR, 999999)}
    missing = client.post(membership, {"input": nowhere})["data"]["payload"]["errors"]
    assert [(e["field"], e["code"]) for e in missing] == [("organizationId", "NOT_FOUND")]


def test_a_selection_without_sql_goes_the_whole_way_every_time(
    client: Client, ids: dict[str, str], service: RunningService
) -> None:
    """`about` has no SQL (the executor reads links): no plan is kept, and each request is
    answered by the executor, the same way."""
    document = """mutation NotKept($input: CreateStatementInput!) { createStatement(input: $input)
      { record { slug about { __typename } } errors { code } } }"""
    kept_before = len(_answers_of(service.log()))
    for n in range(3):
        statement = {"slug": f"not-kept-{n}", "speakerId": ids["person"], "said": "2026-01",
                     "channel": "X", "quote": "Words", "aboutIds": [ids["decl"]]}  # fmt: skip
        body = client.post(document, {"input": statement})
        record = body["data"]["createStatement"]["record"]
        assert record == {"slug": f"not-kept-{n}", "about": [{"__typename": "Declaration"}]}
        assert body["extensions"]["sqlRoundTrips"] > 1
    assert len(_answers_of(service.log())) == kept_before


def test_resolvers_own_rules_hold_in_batches_and_kept_plans(
    client: Client, ids: dict[str, str], service: RunningService
) -> None:
    """A statement's deprecated `channel` is folded into `channels` by its resolver, which
    refuses both at once: in a batch and from a kept plan alike."""
    both = {"slug": "both-channels", "speakerId": ids["person"], "said": "2026-01",
            "quote": "W", "channel": "X", "channels": ["INTERVIEW"]}  # fmt: skip
    payload = client.data(WRITE, {"operations": [{"createStatement": both}]})["writeRecords"]
    assert [(e["path"], e["code"]) for e in payload["errors"]] == [
        (["operations", "0", "createStatement", "channel"], "INVALID")
    ]
    document = """mutation Folded($input: CreateStatementInput!) { createStatement(input: $input)
      { record { slug channels } errors { field code } } }"""
    kept_before = len(_answers_of(service.log()))
    for n in range(3):
        old_style = {"slug": f"folded-{n}", "speakerId": ids["person"], "said": "2026-01",
                     "quote": "W", "channel": "PRESS_CONFERENCE"}  # fmt: skip
        answer = client.data(document, {"input": old_style})["createStatement"]
        assert answer == {
            "record": {"slug": f"folded-{n}", "channels": ["PRESS_CONFERENCE"]},
            "errors": [],
        }
        refused = client.data(document, {"input": {**old_style, "slug": f"nf-{n}", **both}})
        assert refused["createStatement"]["errors"] == [{"field": "channel", "code": "INVALID"}]
    assert len(_answers_of(service.log())) == kept_before + 2  # the 2nd and 3rd creates
