"""Every query field, filter, ordering and paging direction, through HTTP on real Postgres."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.client import Client
from tests.api.dataset import build

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture(scope="module")
def ids(client: Client) -> dict[str, str]:
    return build(client)


def names(connection: dict[str, Any], key: str = "name") -> list[Any]:
    return [node[key] for node in connection["nodes"]]


def test_lookup_by_slug_and_node(client: Client, ids: dict[str, str]) -> None:
    data = client.data(
        """query($id: ID!, $ids: [ID!]!) {
            actor(slug: "maria-zakharova") { id name }
            missing: actor(slug: "nobody") { id }
            node(id: $id) { id ... on Actor { slug } }
            nodes(ids: $ids) { id }
        }""",
        {"id": ids["russia"], "ids": [ids["uk"], ids["paris"]]},
    )
    assert data["actor"] == {"id": ids["zakharova"], "name": "Maria Zakharova"}
    assert data["missing"] is None
    assert data["node"] == {"id": ids["russia"], "slug": "russia"}
    assert [n["id"] for n in data["nodes"]] == [ids["uk"], ids["paris"]]


def test_every_slug_lookup(client: Client, ids: dict[str, str]) -> None:
    data = client.data(
        """{ source(slug: "tass") { id } declaration(slug: "paris-declaration") { id }
             provision(slug: "paris/force") { id } statement(slug: "starmer-steps") { id }
             warning(slug: "zakharova-legitimate-targets") { id }
             track(slug: "us-ukraine-guarantees") { id } }"""
    )
    assert data["source"]["id"] == ids["tass"]
    assert data["declaration"]["id"] == ids["paris"]
    assert data["provision"]["id"] == ids["force"]
    assert data["statement"]["id"] == ids["starmer_2"]
    assert data["warning"]["id"] == ids["warning"]
    assert data["track"]["id"] == ids["track"]


def test_bad_and_unknown_ids(client: Client, ids: dict[str, str]) -> None:
    assert client.error_codes('{ node(id: "not-an-id") { id } }') == ["INVALID"]
    unknown = ids["russia"][:-1] + ("A" if ids["russia"][-1] != "A" else "B")
    body = client.post("query($id: ID!) { node(id: $id) { id } }", {"id": unknown})
    assert body["data"]["node"] is None or body["errors"][0]["extensions"]["code"] == "INVALID"


def test_actor_filters_and_orderings(client: Client, ids: dict[str, str]) -> None:
    query = """query($f: ActorFilter, $o: ActorOrder!) {
        actors(filter: $f, orderBy: $o) { totalCount nodes { name } } }"""
    states = client.data(query, {"f": {"kinds": ["STATE"]}, "o": "NAME_ASC"})["actors"]
    assert names(states) == ["Russia", "United Kingdom", "United States"]
    assert states["totalCount"] == 3
    desc = client.data(query, {"f": {"kinds": ["STATE"]}, "o": "NAME_DESC"})["actors"]
    assert names(desc) == ["United States", "United Kingdom", "Russia"]
    gb = client.data(query, {"f": {"countryCodes": ["GB"]}, "o": "NAME_ASC"})["actors"]
    assert names(gb) == ["Keir Starmer", "United Kingdom"]
    alias = client.data(query, {"f": {"text": "Russian Federation"}, "o": "NAME_ASC"})["actors"]
    assert "Russia" in names(alias)
    created = client.data(query, {"f": {"kinds": ["PERSON"]}, "o": "CREATED_ASC"})["actors"]
    assert names(created) == ["Maria Zakharova", "Keir Starmer"]


def test_paging_forward_and_backward(client: Client) -> None:
    query = """query($first: Int, $after: String, $last: Int, $before: String) {
        actors(first: $first, after: $after, last: $last, before: $before) {
            totalCount edges { cursor node { name } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    everyone = client.data(query, {"first": 100})["actors"]
    all_names = [e["node"]["name"] for e in everyone["edges"]]
    assert len(all_names) == everyone["totalCount"] == 6
    seen: list[str] = []
    after = None
    while True:
        page = client.data(query, {"first": 3, "after": after})["actors"]
        seen += [e["node"]["name"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == all_names
    backwards: list[str] = []
    before = None
    while True:
        page = client.data(query, {"last": 2, "before": before})["actors"]
        backwards = [e["node"]["name"] for e in page["edges"]] + backwards
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backwards == all_names


def test_paging_errors(client: Client) -> None:
    assert client.error_codes("{ actors(first: 1000) { totalCount } }") == ["INVALID"]
    assert client.error_codes("{ actors(first: -1) { totalCount } }") == ["INVALID"]
    assert client.error_codes("{ actors(first: 1, last: 1) { totalCount } }") == ["INVALID"]
    assert client.error_codes('{ actors(after: "garbage") { totalCount } }') == ["INVALID"]
    nested = "{ actors { nodes { statements(first: 5000) { totalCount } } } }"
    assert "INVALID" in client.error_codes(nested)


def test_declaration_with_provisions_parties_and_disagreement(
    client: Client, ids: dict[str, str]
) -> None:
    data = client.data(
        """{ declaration(slug: "paris-declaration") {
              title kind status binding adopted { value precision } adoptedPlace
              provisions { totalCount nodes { position topic title } }
              parties { nodes { role disputed actor { name }
                                citations { nodes { quote source { slug } } } } }
              stances { nodes { position actor { name } } }
              warnings { nodes { slug } }
              statements { nodes { slug } } } }"""
    )["declaration"]
    assert data["adopted"] == {"value": "2026-01-06", "precision": "DAY"}
    assert [p["position"] for p in data["provisions"]["nodes"]] == [1, 2, 3]
    us_claims = [p for p in data["parties"]["nodes"] if p["actor"]["name"] == "United States"]
    assert sorted(p["role"] for p in us_claims) == ["PARTICIPANT_NON_SIGNATORY", "SIGNATORY"]
    assert all(p["disputed"] for p in us_claims)
    signed = next(p for p in us_claims if p["role"] == "SIGNATORY")
    assert signed["citations"]["nodes"][0]["source"]["slug"] == "article"
    uk = next(p for p in data["parties"]["nodes"] if p["actor"]["name"] == "United Kingdom")
    assert uk["disputed"] is False
    assert {s["actor"]["name"]: s["position"] for s in data["stances"]["nodes"]} == {
        "Russia": "OPPOSES",
        "United Kingdom": "SUPPORTS",
    }
    # A warning answering one of its clauses answers the document too.
    assert names(data["warnings"], "slug") == ["zakharova-legitimate-targets"]
    assert names(data["statements"], "slug") == ["zakharova-targets"]


def test_declaration_filters_and_orderings(client: Client, ids: dict[str, str]) -> None:
    query = """query($f: DeclarationFilter, $o: DeclarationOrder!) {
        declarations(filter: $f, orderBy: $o) { nodes { slug } } }"""
    by_party = client.data(query, {"f": {"partyIds": [ids["us"]]}, "o": "TITLE_ASC"})
    assert names(by_party["declarations"], "slug") == ["paris-declaration"]
    intents = client.data(query, {"f": {"kinds": ["DECLARATION_OF_INTENT"]}, "o": "ADOPTED_ASC"})
    assert names(intents["declarations"], "slug") == ["declaration-of-intent"]
    signed = client.data(query, {"f": {"statuses": ["SIGNED"]}, "o": "TITLE_ASC"})
    assert names(signed["declarations"], "slug") == ["declaration-of-intent", "paris-declaration"]
    window = {"adoptedFrom": "2026-01-06T00:00:00Z", "adoptedTo": "2026-01-07T00:00:00Z"}
    dated = client.data(query, {"f": window, "o": "ADOPTED_DESC"})
    assert len(dated["declarations"]["nodes"]) == 2
    text = client.data(query, {"f": {"text": "intent"}, "o": "TITLE_ASC"})
    assert names(text["declarations"], "slug") == ["declaration-of-intent"]
    clauses = client.data(
        """query($d: [ID!]) { provisions(filter: {declarationIds: $d, topics: [MILITARY_SUPPORT]})
           { nodes { slug declaration { slug } } } }""",
        {"d": [ids["paris"]]},
    )
    assert clauses["provisions"]["nodes"] == [
        {"slug": "paris/support", "declaration": {"slug": "paris-declaration"}}
    ]


def test_statements_filters_orderings_and_nested(client: Client, ids: dict[str, str]) -> None:
    query = """query($f: StatementFilter, $o: StatementOrder!) {
        statements(filter: $f, orderBy: $o) { nodes { slug said { value precision } } } }"""
    starmer = client.data(query, {"f": {"actorIds": [ids["starmer"]]}, "o": "SAID_ASC"})
    # Both on 6 January: the one said at a known time first, the one that may be as late
    # as the end of the day after it (the one order of dated items).
    assert names(starmer["statements"], "slug") == ["starmer-steps", "starmer-legal-framework"]
    assert starmer["statements"]["nodes"][0]["said"]["precision"] == "TIME"
    behalf = client.data(query, {"f": {"actorIds": [ids["russia"]]}, "o": "SAID_DESC"})
    assert names(behalf["statements"], "slug") == ["zakharova-targets"]
    tg = client.data(query, {"f": {"channels": ["TELEGRAM"]}, "o": "SAID_DESC"})
    assert names(tg["statements"], "slug") == ["zakharova-targets"]
    about = client.data(query, {"f": {"aboutIds": [ids["monitoring"]]}, "o": "SAID_DESC"})
    assert names(about["statements"], "slug") == ["starmer-steps"]
    threats = client.data(query, {"f": {"eventCodes": ["13"]}, "o": "SAID_DESC"})
    assert names(threats["statements"], "slug") == ["zakharova-targets"]
    dated = client.data(
        query,
        {
            "f": {"saidFrom": "2026-01-07T00:00:00Z", "saidTo": "2026-02-01T00:00:00Z"},
            "o": "SAID_DESC",
        },
    )
    assert names(dated["statements"], "slug") == ["zakharova-targets"]
    words = client.data(query, {"f": {"text": "monitoring"}, "o": "SAID_DESC"})
    assert names(words["statements"], "slug") == ["starmer-steps"]
    nested = client.data(
        """{ statement(slug: "zakharova-targets") { speaker { name } onBehalfOf { name }
             about { id } warnings { nodes { slug } }
             citations(field: "key_phrase") { nodes { claimedValue source { publisher } } } } }"""
    )["statement"]
    assert nested["speaker"]["name"] == "Maria Zakharova"
    assert nested["onBehalfOf"]["name"] == "Russia"
    assert {a["id"] for a in nested["about"]} == {ids["paris"], ids["force"]}
    assert sorted(c["claimedValue"] for c in nested["citations"]["nodes"]) == [
        "legitimate combat targets",
        "legitimate military targets",
    ]


def test_warnings_by_issuer_target_and_answer(client: Client, ids: dict[str, str]) -> None:
    query = """query($f: WarningFilter) { warnings(filter: $f) {
        nodes { slug condition consequence repeatsEarlier issuer { name }
                targets { name } answers { id } } } }"""
    for f in (
        {"issuerIds": [ids["russia"]]},
        {"issuerIds": [ids["zakharova"]]},
        {"targetIds": [ids["uk"]]},
        {"answersIds": [ids["paris"]]},
        {"answersIds": [ids["force"]]},
        {"text": "combat"},
        {"saidFrom": "2026-01-08T00:00:00Z"},
    ):
        found = client.data(query, {"f": f})["warnings"]["nodes"]
        assert [w["slug"] for w in found] == ["zakharova-legitimate-targets"], f
    none = client.data(query, {"f": {"targetIds": [ids["russia"]]}})["warnings"]["nodes"]
    assert none == []
    warning = client.data(query, {"f": {"issuerIds": [ids["russia"]]}})["warnings"]["nodes"][0]
    assert warning["issuer"]["name"] == "Maria Zakharova"
    assert sorted(names({"nodes": warning["targets"]})) == ["United Kingdom", "United States"]
    assert {a["id"] for a in warning["answers"]} == {ids["force"], ids["support"]}
    actor = client.data(
        """{ actor(slug: "russia") { warningsIssued { totalCount } }
             uk: actor(slug: "uk") { warningsReceived { totalCount } } }"""
    )
    assert actor["actor"]["warningsIssued"]["totalCount"] == 1
    assert actor["uk"]["warningsReceived"]["totalCount"] == 1


def test_track_status_history(client: Client) -> None:
    data = client.data(
        """{ track(slug: "us-ukraine-guarantees") { status
              updates { nodes { status reported { value } reportedBy { name }
                                statement { slug } } } }
             tracks(filter: {statuses: [READY_FOR_FINALISATION]}) { nodes { slug } }
             trackUpdates(statuses: [PROGRESS_REPORTED]) { nodes { track { slug } } } }"""
    )
    track = data["track"]
    assert track["status"] == "READY_FOR_FINALISATION"
    assert [u["status"] for u in track["updates"]["nodes"]] == [
        "PROGRESS_REPORTED",
        "READY_FOR_FINALISATION",
    ]
    assert track["updates"]["nodes"][0]["reportedBy"]["name"] == "United States"
    assert track["updates"]["nodes"][1]["statement"]["slug"] == "starmer-steps"
    assert names(data["tracks"], "slug") == ["us-ukraine-guarantees"]
    assert data["trackUpdates"]["nodes"] == [{"track": {"slug": "us-ukraine-guarantees"}}]


def test_stances_and_memberships(client: Client, ids: dict[str, str]) -> None:
    data = client.data(
        """query($r: [ID!]) { stances(filter: {actorIds: $r}) {
              nodes { position since { value } subject { id } statement { slug } } }
             opposing: stances(filter: {positions: [OPPOSES]}) { totalCount }
             actor(slug: "maria-zakharova") { memberships { nodes { role start { value }
                 organization { name } onBehalfOf { name } } } }
             mfa: actor(slug: "russia-mfa") { members { nodes { member { name } } } } }""",
        {"r": [ids["russia"]]},
    )
    stance = data["stances"]["nodes"][0]
    assert stance["position"] == "OPPOSES"
    assert stance["subject"]["id"] == ids["paris"]
    assert stance["statement"]["slug"] == "zakharova-targets"
    assert data["opposing"]["totalCount"] == 1
    membership = data["actor"]["memberships"]["nodes"][0]
    assert membership == {
        "role": "spokeswoman",
        "start": {"value": "2015-08"},
        "organization": {"name": "Ministry of Foreign Affairs of Russia"},
        "onBehalfOf": {"name": "Russia"},
    }
    assert data["mfa"]["members"]["nodes"] == [{"member": {"name": "Maria Zakharova"}}]


def test_sources_filters_and_quotes(client: Client) -> None:
    data = client.data(
        """{ sources(filter: {kinds: [WIRE]}) { nodes { slug published { value precision } } }
             byPublisher: sources(filter: {publisher: "tass"}) { totalCount }
             oldest: sources(orderBy: PUBLISHED_ASC) { nodes { slug } }
             source(slug: "tass") { quotedIn { nodes { quote } } } }"""
    )
    assert data["sources"]["nodes"] == [
        {"slug": "tass", "published": {"value": "2026-01-08", "precision": "DAY"}}
    ]
    assert data["byPublisher"]["totalCount"] == 1
    # The article, published in January 2026, may be later than TASS's 8 January.
    assert names(data["oldest"], "slug") == ["tass", "article"]
    assert names(data["source"]["quotedIn"], "quote") == ["legitimate military targets"]


def test_timeline_in_order_with_filters(client: Client, ids: dict[str, str]) -> None:
    query = """query($f: TimelineFilter, $o: TimelineOrder!) { timeline(filter: $f, orderBy: $o) {
        totalCount nodes { kind at latest item { __typename
            ... on Statement { slug } ... on Warning { slug } ... on TrackUpdate { status }
            ... on Adoption { declaration { slug } adopted { value } } } } } }"""
    everything = client.data(query, {"o": "OLDEST_FIRST"})["timeline"]
    # By the latest instant each may have happened, then the earliest.
    ats = [(n["latest"], n["at"]) for n in everything["nodes"]]
    assert ats == sorted(ats)
    kinds = {n["kind"] for n in everything["nodes"]}
    assert kinds == {"STATEMENT", "WARNING", "TRACK_UPDATE", "ADOPTION"}
    assert everything["totalCount"] == 3 + 1 + 2 + 2
    newest = client.data(query, {"o": "NEWEST_FIRST"})["timeline"]["nodes"]
    assert [(n["latest"], n["at"]) for n in newest] == sorted(ats, reverse=True)
    by_track = client.data(query, {"f": {"trackIds": [ids["track"]]}, "o": "OLDEST_FIRST"})
    assert {n["kind"] for n in by_track["timeline"]["nodes"]} == {"TRACK_UPDATE"}
    by_doc = client.data(query, {"f": {"declarationIds": [ids["paris"]]}, "o": "OLDEST_FIRST"})
    # Starmer spoke about one of its clauses: that is about the document too. He spoke at
    # a known time of 6 January, before the end of the day its adoption may have taken.
    assert [n["kind"] for n in by_doc["timeline"]["nodes"]] == [
        "STATEMENT",
        "ADOPTION",
        "STATEMENT",
        "WARNING",
    ]
    by_actor = client.data(query, {"f": {"actorIds": [ids["starmer"]]}, "o": "OLDEST_FIRST"})
    assert [n["item"]["slug"] for n in by_actor["timeline"]["nodes"]] == [
        "starmer-steps",  # at 15:30 on 6 January
        "starmer-legal-framework",  # on 6 January, perhaps later
    ]
    window = {"kinds": ["WARNING"], "from": "2026-01-07T00:00:00Z", "to": "2026-01-09T00:00:00Z"}
    warnings = client.data(query, {"f": window, "o": "OLDEST_FIRST"})["timeline"]["nodes"]
    assert [n["item"]["slug"] for n in warnings] == ["zakharova-legitimate-targets"]


def test_search_ranks_hits_across_kinds(client: Client) -> None:
    data = client.data(
        """{ search(text: "legitimate targets") { totalCount
              nodes { kind rank excerpt node { id } } }
             onlyWarnings: search(text: "legitimate", kinds: [WARNING]) { nodes { kind } } }"""
    )
    hits = data["search"]["nodes"]
    assert {h["kind"] for h in hits} >= {"STATEMENT", "WARNING", "CITATION"}
    assert [h["rank"] for h in hits] == sorted((h["rank"] for h in hits), reverse=True)
    assert all("<b>" in h["excerpt"] for h in hits)
    assert {h["kind"] for h in data["onlyWarnings"]["nodes"]} == {"WARNING"}
    assert client.error_codes('{ search(text: "  ") { totalCount } }') == ["INVALID"]


def test_invalid_enum_value_is_a_validation_error(client: Client) -> None:
    body = client.post("{ actors(filter: {kinds: [PLANET]}) { totalCount } }")
    assert body["data"] is None
    assert "PLANET" in body["errors"][0]["message"]
