"""Grouped counts, stances held on a date and the stance matrix, through HTTP on the seed
record (#19): each count agrees with its list under the same filter; the matrix as of 8
January 2026 shows Russia opposing the Paris Declaration with its source, and the United
States' part in it disputed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.server import ROOT

pytestmark = [pytest.mark.db, pytest.mark.slow]

MATRIX = (ROOT / "graphql" / "operations" / "stance-matrix.graphql").read_text()


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def seed(client: Client) -> dict[str, str]:
    """Global ids of seed records by slug."""
    data = client.data(
        """{ russia: actor(slug: "russia") { id } us: actor(slug: "united-states") { id }
             zelensky: actor(slug: "volodymyr-zelensky") { id }
             paris: declaration(slug: "paris-declaration") { id }
             force: provision(slug: "paris-declaration/multinational-force") { id } }"""
    )
    return {key: record["id"] for key, record in data.items()}


def total(client: Client, field: str, arguments: str) -> int:
    """totalCount of a list under arguments."""
    called = f"{field}({arguments})" if arguments else field
    found: int = client.data(f"{{ {called} {{ totalCount }} }}")[field]["totalCount"]
    return found


def test_statement_counts_agree_with_the_list(client: Client, seed: dict[str, str]) -> None:
    counts = client.data(
        """{ statementCounts { total bySpeaker { count actor { id slug } }
                               byChannel { channel count } } }"""
    )["statementCounts"]
    assert counts["total"] == total(client, "statements", "") == 9
    assert sum(g["count"] for g in counts["bySpeaker"]) == counts["total"]
    assert counts["bySpeaker"][0] == {
        "count": 3,
        "actor": {"id": seed["zelensky"], "slug": "volodymyr-zelensky"},
    }
    for group in counts["byChannel"]:
        filtered = total(client, "statements", f"filter: {{ channels: [{group['channel']}] }}")
        assert group["count"] == filtered, group
    counts_sorted = [g["count"] for g in counts["byChannel"]]
    assert counts_sorted == sorted(counts_sorted, reverse=True)
    # The same filter as the list: only what it selects is counted.
    filtered = client.data(
        "query($f: StatementFilter) { statementCounts(filter: $f) { total "
        "bySpeaker { count actor { slug } } } }",
        {"f": {"saidFrom": "2026-01-08T00:00:00Z"}},
    )["statementCounts"]
    assert filtered["total"] == total(
        client, "statements", 'filter: {saidFrom: "2026-01-08T00:00:00Z"}'
    )
    assert filtered["total"] < counts["total"]


def test_warning_counts_count_both_issuers(client: Client, seed: dict[str, str]) -> None:
    counts = client.data("{ warningCounts { total byIssuer { count actor { slug } } } }")[
        "warningCounts"
    ]
    # Zakharova's warning, issued on behalf of Russia: one warning, two issuers.
    assert counts["total"] == 1
    assert {g["actor"]["slug"]: g["count"] for g in counts["byIssuer"]} == {
        "russia": 1,
        "maria-zakharova": 1,
    }
    for issuer in ("russia", "us"):
        filtered = total(client, "warnings", f'filter: {{ issuerIds: ["{seed[issuer]}"] }}')
        by_issuer = client.data(
            f'{{ warningCounts(filter: {{ issuerIds: ["{seed[issuer]}"] }}) {{ total }} }}'
        )["warningCounts"]["total"]
        assert by_issuer == filtered


def test_track_update_counts_per_status(client: Client) -> None:
    counts = client.data("{ trackUpdateCounts { total byStatus { status count } } }")[
        "trackUpdateCounts"
    ]
    assert counts["total"] == total(client, "trackUpdates", "") == 5
    for group in counts["byStatus"]:
        assert group["count"] == total(client, "trackUpdates", f"statuses: [{group['status']}]")


def test_stance_counts_by_position_per_subject(client: Client, seed: dict[str, str]) -> None:
    counts = client.data(
        """{ stanceCounts { total byPositionPerSubject { total subject { id }
                                                         byPosition { position count } } } }"""
    )["stanceCounts"]
    assert counts["total"] == total(client, "stances", "") == 11
    paris = next(s for s in counts["byPositionPerSubject"] if s["subject"]["id"] == seed["paris"])
    assert paris["total"] == total(
        client, "stances", f'filter: {{ subjectIds: ["{seed["paris"]}"] }}'
    )
    assert {g["position"]: g["count"] for g in paris["byPosition"]} == {"SUPPORTS": 3, "OPPOSES": 1}
    # As of a date: only the stances held then (Russia's began on 8 January).
    before = client.data(
        '{ stanceCounts(asOf: "2026-01-07") { total byPositionPerSubject { subject { id } '
        "byPosition { position count } } } }"
    )["stanceCounts"]
    assert before["total"] == total(client, "stances", 'asOf: "2026-01-07"') == 7
    paris_before = next(
        s for s in before["byPositionPerSubject"] if s["subject"]["id"] == seed["paris"]
    )
    assert paris_before["byPosition"] == [{"position": "SUPPORTS", "count": 3}]


def test_stances_as_of_follow_the_stance_history(
    client: Client, editor_token: str, seed: dict[str, str]
) -> None:
    editor = Client(client.url, token=editor_token)
    query = (
        "query($asOf: String, $actors: [ID!], $subjects: [ID!]) { stances(asOf: $asOf, "
        "filter: { actorIds: $actors, subjectIds: $subjects }) { nodes { position "
        "since { value } } } }"
    )
    ids = {"actors": [seed["russia"]], "subjects": [seed["force"]]}

    def held(as_of: str | None) -> list[tuple[str, Any]]:
        nodes = client.data(query, {"asOf": as_of, **ids})["stances"]["nodes"]
        return [(n["position"], n["since"] and n["since"]["value"]) for n in nodes]

    assert held("2026-01-08") == [("OPPOSES", "2026-01-08")]
    assert held("2026-01-07") == []
    # A later stance ends the earlier one from its date on; both are in the history.
    later = editor.mutate(
        "createStance",
        {"actorId": seed["russia"], "subjectId": seed["force"], "position": "REJECTS",
         "since": "2026-02"},
    )  # fmt: skip
    try:
        assert held("2026-01-31") == [("OPPOSES", "2026-01-08")]
        assert held("2026-02-01") == [("REJECTS", "2026-02")]
        assert held("2026-02") == [("REJECTS", "2026-02")]
        assert held(None) == [("OPPOSES", "2026-01-08"), ("REJECTS", "2026-02")]
    finally:
        editor.mutate("deleteStance", {"id": later["id"], "expectedVersion": later["version"]})
    codes = client.error_codes('{ stances(asOf: "last week") { totalCount } }')
    assert codes == ["INVALID"]


def test_the_matrix_as_of_8_january_2026(client: Client, seed: dict[str, str]) -> None:
    matrix = client.data(MATRIX, {"asOf": "2026-01-08"})["stanceMatrix"]
    assert matrix["asOf"] == "2026-01-08"
    actors = [a["slug"] for a in matrix["actors"]]
    subjects = [s["slug"] for s in matrix["subjects"]]
    assert subjects == [
        "declaration-of-intent", "paris-declaration", "us-ukraine-security-guarantees",
    ]  # fmt: skip
    grid = {
        row["actor"]["slug"]: dict(zip(subjects, row["cells"], strict=True))
        for row in matrix["rows"]
    }
    assert list(grid) == actors
    russia = grid["russia"]["paris-declaration"]
    assert russia["positions"] == ["OPPOSES"]
    assert russia["since"] == {"value": "2026-01-08", "precision": "DAY"}
    assert russia["disputed"] is False
    sources = {(c["basis"], c["source"]["slug"]) for c in russia["citations"]}
    assert ("VERBATIM", "seed-article") in sources
    assert any("strongly condemning" in c["quote"] for c in russia["citations"])
    assert grid["russia"]["declaration-of-intent"] is None

    us = grid["united-states"]["paris-declaration"]
    assert us["disputed"] is True
    assert us["disputes"] == ["PARTY_ROLE"]
    assert sorted(p["role"] for p in us["parties"]) == [
        "ENDORSER", "PARTICIPANT_NON_SIGNATORY", "SIGNATORY",
    ]  # fmt: skip
    assert us["positions"] == ["SUPPORTS"]
    claimed = {c["source"]["slug"] for c in us["citations"] if c["source"]}
    assert {"online-ua-900348", "eurointegration-7228560", "washexam-3106948"} <= claimed


def test_the_matrix_the_day_before(client: Client) -> None:
    matrix = client.data(MATRIX, {"asOf": "2026-01-07"})["stanceMatrix"]
    assert "russia" not in [a["slug"] for a in matrix["actors"]]
    # The documents were adopted on 6 January: their party claims hold already.
    rows = {r["actor"]["slug"]: r["cells"] for r in matrix["rows"]}
    assert any(cell and cell["disputed"] for cell in rows["united-states"])


def test_the_matrix_filters_by_actors_and_subjects(client: Client, seed: dict[str, str]) -> None:
    matrix = client.data(
        MATRIX,
        {
            "actorIds": [seed["russia"], seed["us"]],
            "subjectIds": [seed["paris"]],
            "includeProvisions": True,
        },
    )["stanceMatrix"]
    assert [a["slug"] for a in matrix["actors"]] == ["russia", "united-states"]
    subjects = [s["slug"] for s in matrix["subjects"]]
    # The document, then its five clauses in order.
    assert subjects[0] == "paris-declaration"
    assert subjects[1:] == [
        "paris-declaration/ceasefire-monitoring", "paris-declaration/support-for-armed-forces",
        "paris-declaration/multinational-force", "paris-declaration/binding-commitments",
        "paris-declaration/defence-cooperation",
    ]  # fmt: skip
    russia = dict(zip(subjects, matrix["rows"][0]["cells"], strict=True))
    assert russia["paris-declaration/multinational-force"]["positions"] == ["OPPOSES"]
    assert russia["paris-declaration/ceasefire-monitoring"] is None
    wrong_kind = "query($ids: [ID!]) { stanceMatrix(actorIds: $ids) { asOf } }"
    assert client.error_codes(wrong_kind, {"ids": [seed["paris"]]}) == ["INVALID"]
