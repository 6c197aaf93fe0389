"""A small record built through the public mutations, for the query tests."""

from __future__ import annotations

from typing import Any

from tests.api.client import Client


def ok(result: Any) -> dict[str, Any]:
    """A mutation's record; fails the test on payload errors."""
    assert "errors" not in result, result
    return dict(result)


def build(client: Client) -> dict[str, str]:
    """Create actors, a document with clauses and parties, statements, a warning, a track.

    Returns:
        Global ids by a short name.
    """
    ids: dict[str, str] = {}

    def add(key: str, mutation: str, input: dict[str, Any]) -> str:
        ids[key] = ok(client.mutate(mutation, input))["id"]
        return ids[key]

    add(
        "tass",
        "createSource",
        {
            "slug": "tass",
            "url": "https://tass.com/1",
            "publisher": "TASS",
            "kind": "WIRE",
            "published": "2026-01-08",
        },
    )
    add(
        "article",
        "createSource",
        {
            "slug": "article",
            "url": "urn:test:article",
            "publisher": "A newspaper",
            "kind": "NEWS_ARTICLE",
            "published": "2026-01",
        },
    )
    add(
        "russia",
        "createActor",
        {
            "slug": "russia",
            "kind": "STATE",
            "name": "Russia",
            "countryCode": "RU",
            "aliases": ["Russian Federation"],
        },
    )
    add(
        "uk",
        "createActor",
        {"slug": "uk", "kind": "STATE", "name": "United Kingdom", "countryCode": "GB"},
    )
    add(
        "us",
        "createActor",
        {"slug": "us", "kind": "STATE", "name": "United States", "countryCode": "US"},
    )
    add(
        "mfa",
        "createActor",
        {
            "slug": "russia-mfa",
            "kind": "GOVERNMENT_BODY",
            "name": "Ministry of Foreign Affairs of Russia",
        },
    )
    add(
        "zakharova",
        "createActor",
        {"slug": "maria-zakharova", "kind": "PERSON", "name": "Maria Zakharova"},
    )
    add(
        "starmer",
        "createActor",
        {"slug": "keir-starmer", "kind": "PERSON", "name": "Keir Starmer", "countryCode": "GB"},
    )
    add(
        "membership",
        "addMembership",
        {
            "memberId": ids["zakharova"],
            "organizationId": ids["mfa"],
            "role": "spokeswoman",
            "onBehalfOfId": ids["russia"],
            "start": "2015-08",
        },
    )
    add(
        "paris",
        "createDeclaration",
        {
            "slug": "paris-declaration",
            "title": "Paris Declaration",
            "kind": "JOINT_DECLARATION",
            "status": "SIGNED",
            "adopted": "2026-01-06",
            "adoptedPlace": "Paris",
            "binding": "POLITICALLY_BINDING",
        },
    )
    add(
        "intent",
        "createDeclaration",
        {
            "slug": "declaration-of-intent",
            "title": "Declaration of Intent",
            "kind": "DECLARATION_OF_INTENT",
            "status": "SIGNED",
            "adopted": "2026-01-06",
        },
    )
    add(
        "force",
        "addProvision",
        {
            "declarationId": ids["paris"],
            "slug": "paris/force",
            "position": 3,
            "topic": "MULTINATIONAL_FORCE",
            "title": "A multinational force for Ukraine",
        },
    )
    add(
        "monitoring",
        "addProvision",
        {
            "declarationId": ids["paris"],
            "slug": "paris/monitoring",
            "position": 1,
            "topic": "CEASEFIRE_MONITORING",
            "title": "US-led ceasefire monitoring",
        },
    )
    add(
        "support",
        "addProvision",
        {
            "declarationId": ids["paris"],
            "slug": "paris/support",
            "position": 2,
            "topic": "MILITARY_SUPPORT",
            "title": "Support for Ukraine's armed forces",
        },
    )
    add(
        "uk_party",
        "addParty",
        {"declarationId": ids["paris"], "actorId": ids["uk"], "role": "SIGNATORY"},
    )
    add(
        "us_signed",
        "addParty",
        {"declarationId": ids["paris"], "actorId": ids["us"], "role": "SIGNATORY"},
    )
    add(
        "us_not_formal",
        "addParty",
        {"declarationId": ids["paris"], "actorId": ids["us"], "role": "PARTICIPANT_NON_SIGNATORY"},
    )
    add(
        "warning_statement",
        "createStatement",
        {
            "slug": "zakharova-targets",
            "speakerId": ids["zakharova"],
            "onBehalfOfId": ids["russia"],
            "said": "2026-01-08",
            "channel": "TELEGRAM",
            "quote": "All such units and facilities will be considered"
            " as legitimate combat targets",
            "eventCode": "1384",
            "aboutIds": [ids["paris"], ids["force"]],
        },
    )
    add(
        "starmer_1",
        "createStatement",
        {
            "slug": "starmer-legal-framework",
            "speakerId": ids["starmer"],
            "said": "2026-01-06",
            "channel": "PRESS_CONFERENCE",
            "place": "Paris",
            "eventCode": "0334",
            "quote": "It paves the way for the legal framework under which forces could operate",
            "aboutIds": [ids["intent"]],
        },
    )
    add(
        "starmer_2",
        "createStatement",
        {
            "slug": "starmer-steps",
            "speakerId": ids["starmer"],
            "said": "2026-01-06T15:30:00Z",
            "channel": "PRESS_CONFERENCE",
            "quote": "We will participate in US-led monitoring",
            "aboutIds": [ids["monitoring"]],
        },
    )
    add(
        "warning",
        "createWarning",
        {
            "slug": "zakharova-legitimate-targets",
            "statementId": ids["warning_statement"],
            "condition": "Western units deployed in Ukraine",
            "consequence": "treated as legitimate combat targets",
            "repeatsEarlier": True,
            "targetIds": [ids["uk"], ids["us"]],
            "answersIds": [ids["force"], ids["support"]],
        },
    )
    add(
        "track",
        "createTrack",
        {"slug": "us-ukraine-guarantees", "name": "US-Ukraine security guarantees"},
    )
    add(
        "update_1",
        "addTrackUpdate",
        {
            "trackId": ids["track"],
            "status": "PROGRESS_REPORTED",
            "reported": "2026-01-06",
            "reportedById": ids["us"],
        },
    )
    add(
        "update_2",
        "addTrackUpdate",
        {
            "trackId": ids["track"],
            "status": "READY_FOR_FINALISATION",
            "reported": "2026-01-08",
            "statementId": ids["starmer_2"],
        },
    )
    add(
        "stance_oppose",
        "createStance",
        {
            "actorId": ids["russia"],
            "subjectId": ids["paris"],
            "position": "OPPOSES",
            "since": "2026-01-08",
            "statementId": ids["warning_statement"],
        },
    )
    add(
        "stance_support",
        "createStance",
        {
            "actorId": ids["uk"],
            "subjectId": ids["paris"],
            "position": "SUPPORTS",
            "since": "2026-01-06",
        },
    )
    add(
        "cite_combat",
        "addCitation",
        {
            "subjectId": ids["warning_statement"],
            "sourceId": ids["article"],
            "quote": "legitimate combat targets",
            "field": "key_phrase",
            "claimedValue": "legitimate combat targets",
        },
    )
    add(
        "cite_military",
        "addCitation",
        {
            "subjectId": ids["warning_statement"],
            "sourceId": ids["tass"],
            "quote": "legitimate military targets",
            "field": "key_phrase",
            "claimedValue": "legitimate military targets",
        },
    )
    add(
        "cite_us_signed",
        "addCitation",
        {
            "subjectId": ids["us_signed"],
            "sourceId": ids["article"],
            "quote": "supported by the United States",
        },
    )
    return ids
