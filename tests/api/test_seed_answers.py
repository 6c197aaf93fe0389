"""The questions the seed record must answer (issue 4), each through its operation file.

Each test runs an operation of graphql/operations over HTTP against the bundled seed
record and checks the answer itself: names, slugs, values and the sources behind them.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.server import ROOT

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record (loaded before the service starts)."""
    await load_seed_record(module_db_url)
    return module_db_url


def run(client: Client, operation: str, variables: dict[str, Any] | None = None) -> Any:
    """`data` of graphql/operations/<operation>.graphql."""
    text = (ROOT / "graphql" / "operations" / f"{operation}.graphql").read_text()
    return client.data(text, variables)


def actor_id(client: Client, slug: str) -> str:
    actor = client.data("query($slug: String!) { actor(slug: $slug) { id } }", {"slug": slug})
    return str(actor["actor"]["id"])


def sources_of(record: dict[str, Any]) -> dict[str, str | None]:
    """Source slug (INFERRED for the editors' inferences) -> the value it claims (None when
    it backs the record as a whole)."""
    return {
        c["source"]["slug"] if c["source"] else c["basis"]: c["claimedValue"]
        for c in record["citations"]["nodes"]
    }


def test_warnings_issued_by_russia(client: Client) -> None:
    warnings = run(client, "warnings-issued-by", {"actorId": actor_id(client, "russia")})
    assert warnings["warnings"]["totalCount"] == 1
    (warning,) = warnings["warnings"]["nodes"]
    assert warning["slug"] == "zakharova-2026-01-08-warning"
    # Made by the spokeswoman, on Russia's behalf: that is why the filter finds it.
    assert warning["issuer"] == {"slug": "maria-zakharova", "name": "Maria Zakharova"}
    assert warning["statement"]["onBehalfOf"] == {"slug": "russia"}
    assert warning["statement"]["said"] == {"value": "2026-01-08"}
    assert warning["condition"].startswith(
        "Western military units, military infrastructure or facilities are deployed in Ukraine"
    )
    assert warning["consequence"].startswith(
        "They will be considered legitimate targets of the Armed Forces of the Russian Federation"
    )
    assert warning["repeatsEarlier"] is True
    assert {t["slug"] for t in warning["targets"]} == {
        "coalition-of-the-willing",
        "france",
        "united-kingdom",
    }
    answered = {(a["__typename"], a["slug"]) for a in warning["answers"]}
    assert answered == {
        ("Declaration", "paris-declaration"),
        ("Provision", "paris-declaration/multinational-force"),
        ("Provision", "paris-declaration/support-for-armed-forces"),
        ("Provision", "declaration-of-intent/military-hubs"),
        ("Provision", "declaration-of-intent/protected-facilities"),
        ("Provision", "declaration-of-intent/legal-framework"),
    }
    force = next(a for a in warning["answers"] if a["slug"].endswith("/multinational-force"))
    assert force["title"] == "A multinational force for Ukraine"
    assert force["declaration"] == {"slug": "paris-declaration"}


def test_no_warnings_issued_by_the_uk(client: Client) -> None:
    warnings = run(client, "warnings-issued-by", {"actorId": actor_id(client, "united-kingdom")})
    assert warnings["warnings"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "nodes": [],
    }


def test_parties_of_each_paris_document_with_their_sources(client: Client) -> None:
    documents = run(client, "parties-of-paris-documents")["declarations"]["nodes"]
    assert [(d["slug"], d["adoptedPlace"]) for d in documents] == [
        ("declaration-of-intent", "Paris"),
        ("paris-declaration", "Paris"),
    ]
    parties = {
        d["slug"]: {
            (p["actor"]["slug"], p["role"], p["disputed"]): sources_of(p)
            for p in d["parties"]["nodes"]
        }
        for d in documents
    }
    signed_list = "president-gov-ua-102317"
    assert parties["declaration-of-intent"] == {
        ("france", "SIGNATORY", False): {signed_list: None, "seed-article": None},
        ("united-kingdom", "SIGNATORY", False): {signed_list: None, "seed-article": None},
        ("ukraine", "SIGNATORY", False): {signed_list: None},
    }
    # Whether the US is a party is disputed: every claim is kept, each with its sources.
    assert parties["paris-declaration"] == {
        # No source names the coalition a signatory: the editors' inference, said so.
        ("coalition-of-the-willing", "SIGNATORY", False): {"INFERRED": "signatory"},
        ("ukraine", "ENDORSER", False): {"seed-article": None},
        ("united-states", "SIGNATORY", True): {"online-ua-900348": "signatory"},
        ("united-states", "PARTICIPANT_NON_SIGNATORY", True): {
            "eurointegration-7228560": "not a formal party",
            "washexam-3106948": "did not sign",
        },
        ("united-states", "ENDORSER", True): {"seed-article": "supports"},
    }
    elysee = next(
        c
        for d in documents
        for p in d["parties"]["nodes"]
        for c in p["citations"]["nodes"]
        if c["source"] and c["source"]["slug"] == "eurointegration-7228560"
    )
    # The Élysée's own words, as the report gives them: verbatim.
    assert (elysee["basis"], elysee["quote"]) == ("VERBATIM", "not a formal party")
    assert (
        elysee["source"]["url"] == "https://www.eurointegration.com.ua/eng/news/2026/01/7/7228560"
    )


def test_status_history_of_the_us_ukraine_security_guarantees(client: Client) -> None:
    track = run(client, "track-status-history")["track"]
    assert track["name"] == "US-Ukraine bilateral security guarantees"
    assert track["status"] == "READY_FOR_FINALISATION"
    history = [
        (
            u["status"],
            u["reported"]["value"],
            u["reported"]["precision"],
            u["reportedBy"]["slug"],
            u["statement"]["slug"],
        )
        for u in track["updates"]["nodes"]
    ]
    # Oldest first by the latest day each may be (then the earliest): Umerov's report, on
    # 7 or 8 January, after the 6 January update and before the 8 January one.
    assert history == [
        (
            "PROGRESS_REPORTED",
            "2026-01-06",
            "DAY",
            "steve-witkoff",
            "witkoff-2026-01-06-x-post",
        ),
        (
            "NEGOTIATING",
            "2026-01-07/2026-01-08",
            "DAY",
            "rustem-umerov",
            "umerov-2026-01-talks-in-france-report",
        ),
        (
            "READY_FOR_FINALISATION",
            "2026-01-08",
            "DAY",
            "volodymyr-zelensky",
            "zelensky-2026-01-08-ready-for-finalization",
        ),
    ]
    progress, negotiating, ready = track["updates"]["nodes"]
    assert sources_of(negotiating) == {"hvylya-310": None}
    assert sources_of(progress) == {"ijr-witkoff-guarantees": None, "seed-article": None}
    # The seed article's unnamed official; other reports name Zelensky.
    assert sources_of(ready) == {"seed-article": None, "hvylya-310": "Volodymyr Zelensky"}
    assert ready["statement"]["quote"] == (
        "ready for finalization at the highest level with the President of the United States."
    )


def test_every_statement_by_starmer_with_both_dates(client: Client) -> None:
    actor = run(client, "statements-by-actor", {"slug": "keir-starmer"})["actor"]
    assert actor["name"] == "Keir Starmer"
    statements = actor["statements"]
    assert statements["totalCount"] == 2
    assert {s["slug"] for s in statements["nodes"]} == {
        "starmer-2026-01-06-declaration-of-intent",
        "starmer-2026-01-06-further-steps",
    }
    for statement in statements["nodes"]:
        assert statement["said"] == {"value": "2026-01-06", "precision": "DAY"}
        assert (statement["channel"], statement["place"]) == ("PRESS_CONFERENCE", "Paris")
        assert statement["onBehalfOf"] == {"slug": "united-kingdom"}
        # The article's "on Monday" (5 January) and the 6 January of president.gov.ua.
        dates = {c["source"]["slug"]: c["claimedValue"] for c in statement["saidAt"]["nodes"]}
        assert dates == {"seed-article": "2026-01-05", "president-gov-ua-102317": "2026-01-06"}
    framework = next(s for s in statements["nodes"] if s["slug"].endswith("declaration-of-intent"))
    assert framework["quote"].startswith("It paves the way for the legal framework")


def test_both_translations_of_zakharovas_key_phrase(client: Client) -> None:
    statement = run(client, "key-phrase-translations")["statement"]
    assert statement["slug"] == "zakharova-2026-01-08-legitimate-targets"
    assert statement["speaker"] == {"name": "Maria Zakharova"}
    translations = {c["claimedValue"]: c for c in statement["citations"]["nodes"]}
    assert set(translations) == {"legitimate combat targets", "legitimate military targets"}
    article = translations["legitimate combat targets"]
    assert article["source"]["slug"] == "seed-article"
    assert "legitimate combat targets" in article["quote"]
    tass = translations["legitimate military targets"]
    assert tass["source"] == {
        "slug": "tass-2069287",
        "publisher": "TASS",
        "url": "https://tass.com/politics/2069287",
    }
    assert tass["quote"] == "legitimate military targets"


def test_the_paris_summit_with_who_took_part_and_what_happened_at_it(client: Client) -> None:
    event = run(client, "event-details")["event"]
    assert (event["kind"], event["title"], event["place"]) == (
        "SUMMIT",
        "Paris summit of the Coalition of the Willing",
        "Paris",
    )
    assert event["starts"] == {"value": "2026-01-06", "precision": "DAY"}
    roles = {p["actor"]["slug"]: p["role"] for p in event["participants"]["nodes"]}
    assert roles == {
        "france": "HOST",
        "united-kingdom": "PARTICIPANT",
        "ukraine": "PARTICIPANT",
        "coalition-of-the-willing": "PARTICIPANT",
    }
    assert all(p["citations"]["nodes"] for p in event["participants"]["nodes"])
    assert {c["slug"] for c in event["concerns"]} == {
        "paris-declaration",
        "declaration-of-intent",
        "coalition-security-guarantees",
    }
    assert [s["slug"] for s in event["statements"]["nodes"]] == [
        "starmer-2026-01-06-declaration-of-intent",
        "starmer-2026-01-06-further-steps",
    ]
    assert {d["slug"] for d in event["declarations"]["nodes"]} == {
        "paris-declaration",
        "declaration-of-intent",
    }
    assert event["trackUpdates"]["nodes"] == [
        {"status": "SIGNED", "track": {"slug": "coalition-security-guarantees"}}
    ]
    # The date is disputed as Starmer's remarks are: both claims, each with its source.
    dates = {
        c["source"]["slug"]: c["claimedValue"]
        for c in event["citations"]["nodes"]
        if c["field"] == "starts_at"
    }
    assert dates == {"president-gov-ua-102317": "2026-01-06", "seed-article": "2026-01-05"}


def test_the_timeline_of_6_to_9_january_places_the_events(client: Client) -> None:
    text = (ROOT / "graphql" / "operations" / "timeline.graphql").read_text()
    answer = client.post(text)
    # One statement: PostgreSQL builds the whole answer, sources and their basis included.
    assert answer["extensions"]["sqlRoundTrips"] == 1
    nodes = answer["data"]["timeline"]["nodes"]
    order = [(n["kind"], n["item"].get("slug")) for n in nodes]
    summit = order.index(("EVENT", "paris-summit-2026-01-06"))
    talks = order.index(("EVENT", "talks-in-france-2026-01-07"))
    day = {n["item"].get("slug"): n["at"][:10] for n in nodes}
    statements = [(i, slug) for i, (kind, slug) in enumerate(order) if kind == "STATEMENT"]
    on_the_6th = [i for i, slug in statements if day[slug] == "2026-01-06"]
    on_the_8th = [i for i, slug in statements if day[slug] == "2026-01-08"]
    assert len(on_the_6th) == 3
    assert len(on_the_8th) == 4
    # The summit, then what was said on its day, then the talks, then 8 January.
    assert summit < min(on_the_6th)
    assert max(on_the_6th) < talks < min(on_the_8th)
    # Umerov's report, dated 7 or 8 January, after the talks and before the 8th alone.
    umerov = order.index(("STATEMENT", "umerov-2026-01-talks-in-france-report"))
    assert talks < umerov < min(on_the_8th)
    # Every item with what backs it, each source with its basis.
    for node in nodes:
        record = node["item"].get("declaration", node["item"])
        citations = record["citations"]["nodes"]
        assert citations, node
        assert all(c["basis"] in {"VERBATIM", "PARAPHRASE", "INFERRED"} for c in citations)
        assert all((c["basis"] == "INFERRED") == (c["source"] is None) for c in citations)
    at_the_summit = [n["item"] for n in nodes if n["kind"] == "STATEMENT"][:3]
    assert {s["slug"]: (s["event"] or {}).get("slug") for s in at_the_summit} == {
        "starmer-2026-01-06-declaration-of-intent": "paris-summit-2026-01-06",
        "starmer-2026-01-06-further-steps": "paris-summit-2026-01-06",
        "witkoff-2026-01-06-x-post": None,
    }
