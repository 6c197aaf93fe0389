"""Every operation in graphql/operations runs, without errors, on the seeded record.

Queries run with their default variables (or ids looked up by slug where they need one).
Mutations run in a scripted order, each fed the ids and versions of what the ones before
it made: create, update with the returned version, link, then delete everything again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, OperationType, parse

from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.server import ROOT, RunningService

pytestmark = [pytest.mark.db, pytest.mark.slow]


@dataclass(frozen=True)
class Operation:
    """One file of graphql/operations."""

    path: Path
    name: str
    kind: OperationType
    root_field: str

    @property
    def text(self) -> str:
        return self.path.read_text()


def read_operations() -> dict[str, Operation]:
    operations = {}
    for path in sorted((ROOT / "graphql" / "operations").glob("*.graphql")):
        definition = next(
            d for d in parse(path.read_text()).definitions if isinstance(d, OperationDefinitionNode)
        )
        assert definition.name is not None
        first_field = next(
            s for s in definition.selection_set.selections if isinstance(s, FieldNode)
        )
        name = definition.name.value
        operations[name] = Operation(path, name, definition.operation, first_field.name.value)
    return operations


OPERATIONS = read_operations()
QUERIES = sorted(name for name, op in OPERATIONS.items() if op.kind is OperationType.QUERY)
MUTATIONS = {name for name, op in OPERATIONS.items() if op.kind is OperationType.MUTATION}
# Operations only an admin token may run.
ADMIN_ONLY = {"ApiTokens", "CreateToken", "RevokeToken"}


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record (loaded before the service starts)."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def admin(service: RunningService, admin_token: str) -> Client:
    return Client(service.url, token=admin_token)


@pytest.fixture(scope="module")
def seed_ids(client: Client) -> dict[str, str]:
    """Global ids of a few seed records, for operations that take ids."""
    data = client.data(
        """{ russia: actor(slug: "russia") { id }
             unitedStates: actor(slug: "united-states") { id }
             coalition: actor(slug: "coalition-of-the-willing") { id }
             parisDeclaration: declaration(slug: "paris-declaration") { id } }"""
    )
    return {key: record["id"] for key, record in data.items()}


# Variables of the queries that have no usable defaults (ids are not known in advance).
QUERY_VARIABLES: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "RecordById": lambda ids: {"id": ids["russia"]},
    "RecordsByIds": lambda ids: {"ids": [ids["russia"], ids["parisDeclaration"]]},
    "RecordHistory": lambda ids: {"id": ids["russia"]},
    "WarningsIssuedBy": lambda ids: {"actorId": ids["russia"]},
    "StancesTowardDocument": lambda ids: {"declarationIds": [ids["parisDeclaration"]]},
}


def assert_answered(name: str, answer: Any) -> None:
    """The seed record has an answer: nothing missing, no empty list."""
    assert answer is not None, f"{name}: nothing found"
    if isinstance(answer, list):
        assert answer, f"{name}: empty list"
        assert None not in answer, f"{name}: some ids not found"
    elif "totalCount" in answer:
        assert answer["totalCount"] > 0, f"{name}: empty connection"


@pytest.mark.parametrize("name", QUERIES)
def test_query_runs_on_the_seed_record(
    name: str, client: Client, admin: Client, seed_ids: dict[str, str]
) -> None:
    operation = OPERATIONS[name]
    variables = QUERY_VARIABLES[name](seed_ids) if name in QUERY_VARIABLES else {}
    caller = admin if name in ADMIN_ONLY else client
    data = caller.data(operation.text, variables)
    assert_answered(name, data[operation.root_field])


@dataclass
class Made:
    """What the mutation script made so far (each record's latest answer), and seed ids."""

    seed: dict[str, str]
    records: dict[str, dict[str, Any]] = field(default_factory=dict)

    def id(self, key: str) -> str:
        return str(self.records[key]["id"])

    def current(self, key: str) -> dict[str, Any]:
        """`id` and `expectedVersion` of the latest version of `key`."""
        record = self.records[key]
        return {"id": record["id"], "expectedVersion": record["version"]}


Build = Callable[[Made], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """Run `operation` with `input` (None: the file's default input); keep its record as `key`.

    A delete step deletes the record kept as `key`.
    """

    operation: str
    key: str
    input: Build | None = None


def changed(key: str, **changes: Any) -> Build:
    """An update input: the latest version of `key`, with `changes`."""
    return lambda made: {**made.current(key), **changes}


def latest(key: str) -> Build:
    """A delete input: the latest version of `key`."""
    return lambda made: made.current(key)


SCRIPT = [
    Step("CreateSource", "source"),
    Step("UpdateSource", "source", changed("source", title="Security guarantees: what next")),
    Step("CreateActor", "actor"),
    Step("UpdateActor", "actor", changed("actor", aliases=["Kaja Kallas (HR/VP)"])),
    Step(
        "AddMembership",
        "membership",
        lambda m: {
            "memberId": m.id("actor"),
            "organizationId": m.seed["coalition"],
            "role": "observer",
            "start": "2026-01",
        },
    ),
    Step("UpdateMembership", "membership", changed("membership", end="2026-02")),
    Step("CreateDeclaration", "declaration"),
    Step("UpdateDeclaration", "declaration", changed("declaration", status="READY_FOR_SIGNATURE")),
    Step(
        "AddProvision",
        "provision",
        lambda m: {
            "declarationId": m.id("declaration"),
            "slug": "us-ukraine-security-guarantees-agreement/renewed-aggression",
            "position": 1,
            "topic": "SECURITY_GUARANTEE",
            "title": "Guarantees in case of renewed aggression",
        },
    ),
    Step("UpdateProvision", "provision", changed("provision", body="Both parties consult.")),
    Step(
        "AddParty",
        "party",
        lambda m: {
            "declarationId": m.id("declaration"),
            "actorId": m.seed["unitedStates"],
            "role": "SIGNATORY",
        },
    ),
    Step("UpdateParty", "party", changed("party", note="Expected signatory.")),
    Step("CreateEvent", "event"),
    Step(
        "UpdateEvent",
        "event",
        lambda m: {
            **m.current("event"),
            "ends": "2026-01-11",
            "concernsIds": [m.id("declaration")],
        },
    ),
    Step(
        "AddParticipation",
        "participation",
        lambda m: {"eventId": m.id("event"), "actorId": m.id("actor"), "role": "OBSERVER"},
    ),
    Step("UpdateParticipation", "participation", changed("participation", role="MEDIATOR")),
    Step(
        "CreateStatement",
        "statement",
        lambda m: {
            "slug": "kallas-2026-01-09-guarantees",
            "speakerId": m.id("actor"),
            "said": "2026-01-09",
            "channel": "X",
            "quote": "Security guarantees must be credible.",
            "eventId": m.id("event"),
            "aboutIds": [m.id("declaration"), m.id("provision")],
        },
    ),
    Step("UpdateStatement", "statement", changed("statement", eventCode="010")),
    Step(
        "CreateWarning",
        "warning",
        lambda m: {
            "slug": "kallas-2026-01-09-warning",
            "statementId": m.id("statement"),
            "condition": "Russia attacks again.",
            "consequence": "The guarantees apply.",
            "targetIds": [m.seed["russia"]],
            "answersIds": [m.id("provision")],
        },
    ),
    Step("UpdateWarning", "warning", changed("warning", repeatsEarlier=True)),
    Step("CreateTrack", "track"),
    Step("UpdateTrack", "track", changed("track", name="Ceasefire monitoring mechanism")),
    Step(
        "AddTrackUpdate",
        "track_update",
        lambda m: {
            "trackId": m.id("track"),
            "status": "PROPOSED",
            "reported": "2026-01-09",
            "reportedById": m.id("actor"),
            "statementId": m.id("statement"),
            "eventId": m.id("event"),
        },
    ),
    Step("UpdateTrackUpdate", "track_update", changed("track_update", status="NEGOTIATING")),
    Step(
        "CreateStance",
        "stance",
        lambda m: {
            "actorId": m.id("actor"),
            "subjectId": m.id("declaration"),
            "position": "SUPPORTS",
            "since": "2026-01-09",
            "statementId": m.id("statement"),
        },
    ),
    Step("UpdateStance", "stance", changed("stance", position="CONDITIONAL")),
    Step(
        "AddCitation",
        "citation",
        lambda m: {
            "subjectId": m.id("statement"),
            "sourceId": m.id("source"),
            "quote": "Security guarantees must be credible.",
            "field": "said_at",
            "claimedValue": "2026-01-09",
        },
    ),
    Step("UpdateCitation", "citation", changed("citation", note="Checked against the post.")),
    # Remove everything again, what refers to a record before the record.
    Step("RemoveCitation", "citation", latest("citation")),
    Step("DeleteStance", "stance", latest("stance")),
    Step("RemoveTrackUpdate", "track_update", latest("track_update")),
    Step("DeleteTrack", "track", latest("track")),
    Step("DeleteWarning", "warning", latest("warning")),
    Step("DeleteStatement", "statement", latest("statement")),
    Step("RemoveParticipation", "participation", latest("participation")),
    Step("DeleteEvent", "event", latest("event")),
    Step("RemoveParty", "party", latest("party")),
    Step("RemoveProvision", "provision", latest("provision")),
    Step("DeleteDeclaration", "declaration", latest("declaration")),
    Step("RemoveMembership", "membership", latest("membership")),
    Step("DeleteActor", "actor", latest("actor")),
    Step("DeleteSource", "source", latest("source")),
    # A batch (the file's default operations: two actors in one transaction).
    Step("WriteRecords", "batch"),
    # Tokens (admin only): the files' default inputs create, then revoke, "analyst-app".
    Step("CreateToken", "token"),
    Step("RevokeToken", "token"),
]


def test_the_script_runs_every_mutation_once() -> None:
    assert sorted(step.operation for step in SCRIPT) == sorted(MUTATIONS)


def run_step(step: Step, made: Made, client: Client, admin: Client) -> dict[str, Any]:
    """Run one step; return its payload, which must have no errors."""
    operation = OPERATIONS[step.operation]
    variables = {} if step.input is None else {"input": step.input(made)}
    caller = admin if step.operation in ADMIN_ONLY else client
    payload: dict[str, Any] = caller.data(operation.text, variables)[operation.root_field]
    assert payload["errors"] == [], (step.operation, payload["errors"])
    return payload


def test_mutations_in_script_order(client: Client, admin: Client, seed_ids: dict[str, str]) -> None:
    made = Made(seed_ids)
    deleted: list[str] = []
    for step in SCRIPT:
        payload = run_step(step, made, client, admin)
        if "results" in payload:
            slugs = [result["record"]["slug"] for result in payload["results"]]
            assert slugs == ["sync-actor-one", "sync-actor-two"]
        elif "deletedId" in payload:
            assert payload["deletedId"] == made.id(step.key), step.operation
            deleted.append(payload["deletedId"])
        elif step.key == "token":
            assert payload["token"]["name"] == "analyst-app"
            if step.operation == "CreateToken":
                assert payload["secret"], "the secret is shown on creation"
            else:
                assert payload["token"]["revokedAt"] is not None
        else:
            record = payload["record"]
            before = made.records.get(step.key)
            if before is None:
                assert record["version"] == 1, step.operation
            else:
                assert record["id"] == before["id"], step.operation
                assert record["version"] == before["version"] + 1, step.operation
            made.records[step.key] = record
    # Everything the script made is gone; the seed record is as it was.
    assert len(deleted) == 14
    leftovers = client.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": deleted})
    assert leftovers["nodes"] == [None] * len(deleted)
    russia = client.data('{ actor(slug: "russia") { id version } }')["actor"]
    assert russia == {"id": seed_ids["russia"], "version": 1}
