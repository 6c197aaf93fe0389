"""The seed loader and the API refuse, and accept, the same records: both read the same
descriptions (service/kinds/*/description.py) through the same writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest
import yaml

from service.database.pool import init_connection
from service.seeds import SeedError, load_seeds
from tests.api.client import Client, GraphQLErrors
from tests.api.dataset import ok

pytestmark = [pytest.mark.db, pytest.mark.slow]

LONG_SLUG = "a" * 121
LONGEST_SLUG = "a" * 120


# name -> (seed section, seed item, API mutation, API input), `{actor}` and the like
# standing for a record of that kind (a slug in the seeds, an id through the API).
Case = tuple[str, dict[str, Any], str, dict[str, Any]]

# The text the base source holds: a verbatim quote of it must be found in it.
SOURCE_TEXT = "The talks will resume in March, the minister said."


def _cited(citation: dict[str, Any]) -> dict[str, Any]:
    """A new statement about {actor} in the seeds, with one citation; through the API the
    citation is added to {statement}, which is about {actor} too."""
    return {"slug": "cited", "speaker": "{actor}", "said": "2026", "channels": ["x"],
            "quote": "Q", "about": ["{actor}"], "citations": [citation]}  # fmt: skip


REFUSED: dict[str, Case] = {
    "slug too long": (
        "actors", {"slug": LONG_SLUG, "kind": "state", "name": "A"},
        "createActor", {"slug": LONG_SLUG, "kind": "STATE", "name": "A"},
    ),
    "text too long": (
        "actors",
        {"slug": "long-summary", "kind": "state", "name": "A", "summary": "x" * 5001},
        "createActor",
        {"slug": "long-summary", "kind": "STATE", "name": "A", "summary": "x" * 5001},
    ),
    "bad URL": (
        "sources",
        {"slug": "ftp", "url": "ftp://example.org", "publisher": "P", "kind": "wire"},
        "createSource",
        {"slug": "ftp", "url": "ftp://example.org", "publisher": "P", "kind": "WIRE"},
    ),
    "URL too long": (
        "sources",
        {"slug": "long-url", "url": "https://" + "e" * 1993, "publisher": "P", "kind": "wire"},
        "createSource",
        {"slug": "long-url", "url": "https://" + "e" * 1993, "publisher": "P", "kind": "WIRE"},
    ),
    "stance about an actor": (
        "stances", {"actor": "{actor}", "subject": "{actor}", "position": "supports"},
        "createStance", {"actorId": "{actor}", "subjectId": "{actor}", "position": "SUPPORTS"},
    ),
    "stance about a statement": (
        "stances", {"actor": "{actor}", "subject": "{statement}", "position": "supports"},
        "createStance",
        {"actorId": "{actor}", "subjectId": "{statement}", "position": "SUPPORTS"},
    ),
    "speaker of the wrong kind": (
        "statements",
        {"slug": "said-by-a-source", "speaker": "{source}", "said": "2026", "channels": ["x"],
         "quote": "Q"},
        "createStatement",
        {"slug": "said-by-a-source", "speakerId": "{source}", "said": "2026", "channel": "X",
         "quote": "Q"},
    ),
    "event ending before it starts": (
        "events",
        {"slug": "backwards-event", "kind": "meeting", "title": "M", "starts": "2026-01-06",
         "ends": "2026-01-05"},
        "createEvent",
        {"slug": "backwards-event", "kind": "MEETING", "title": "M", "starts": "2026-01-06",
         "ends": "2026-01-05"},
    ),
    "event without a title": (
        "events", {"slug": "untitled-event", "kind": "call", "title": "", "starts": "2026"},
        "createEvent", {"slug": "untitled-event", "kind": "CALL", "title": "", "starts": "2026"},
    ),
    "event of an unknown kind": (
        "events", {"slug": "odd-event", "kind": "party", "title": "T", "starts": "2026"},
        "createEvent", {"slug": "odd-event", "kind": "PARTY", "title": "T", "starts": "2026"},
    ),
    "event concerning an actor": (
        "events",
        {"slug": "about-an-actor", "kind": "talks", "title": "T", "starts": "2026",
         "concerns": ["{actor}"]},
        "createEvent",
        {"slug": "about-an-actor", "kind": "TALKS", "title": "T", "starts": "2026",
         "concernsIds": ["{actor}"]},
    ),
    "statement at a track": (
        "statements",
        {"slug": "at-a-track", "speaker": "{actor}", "said": "2026", "channels": ["x"],
         "quote": "Q", "event": "{track}"},
        "createStatement",
        {"slug": "at-a-track", "speakerId": "{actor}", "said": "2026", "channel": "X",
         "quote": "Q", "eventId": "{track}"},
    ),
    "31 February": (
        "statements",
        {"slug": "impossible-day", "speaker": "{actor}", "said": "2026-02-31", "channels": ["x"],
         "quote": "Q"},
        "createStatement",
        {"slug": "impossible-day", "speakerId": "{actor}", "said": "2026-02-31", "channel": "X",
         "quote": "Q"},
    ),
    "verbatim quote not in the source's text": (
        "statements", _cited({"source": "{source}", "quote": "The talks are over."}),
        "addCitation",
        {"subjectId": "{statement}", "sourceId": "{source}", "quote": "The talks are over."},
    ),
    "inferred claim without a note": (
        "statements", _cited({"basis": "inferred"}),
        "addCitation", {"subjectId": "{statement}", "basis": "INFERRED"},
    ),
    "inferred claim with a source": (
        "statements", _cited({"basis": "inferred", "source": "{source}", "note": "Why."}),
        "addCitation",
        {"subjectId": "{statement}", "basis": "INFERRED", "sourceId": "{source}", "note": "Why."},
    ),
    "paraphrase without a source": (
        "statements", _cited({"basis": "paraphrase", "quote": "They said so."}),
        "addCitation",
        {"subjectId": "{statement}", "basis": "PARAPHRASE", "quote": "They said so."},
    ),
    "citation of a link the record does not have": (
        "statements",
        _cited({"basis": "inferred", "field": "about", "target": "{declaration}", "note": "Why."}),
        "addCitation",
        {"subjectId": "{statement}", "basis": "INFERRED", "field": "about",
         "targetId": "{declaration}", "note": "Why."},
    ),
    "statement with neither words nor summary": (
        "statements",
        {"slug": "wordless", "speaker": "{actor}", "said": "2026", "channels": ["x"]},
        "createStatement",
        {"slug": "wordless", "speakerId": "{actor}", "said": "2026", "channels": ["X"]},
    ),
    "range ending before it starts": (
        "statements",
        {"slug": "backward-range", "speaker": "{actor}", "said": "2026-01-08/2026-01-07",
         "channels": ["x"], "quote": "Q"},
        "createStatement",
        {"slug": "backward-range", "speakerId": "{actor}", "said": "2026-01-08/2026-01-07",
         "channel": "X", "quote": "Q"},
    ),
    "range of two precisions": (
        "stances",
        {"actor": "{actor}", "subject": "{track}", "position": "supports",
         "since": "2026-01/2026-01-15"},
        "createStance",
        {"actorId": "{actor}", "subjectId": "{track}", "position": "SUPPORTS",
         "since": "2026-01/2026-01-15"},
    ),
    "range of one day": (
        "sources",
        {"slug": "one-day-range", "url": "urn:r", "publisher": "P", "kind": "wire",
         "published": "2026-01-07/2026-01-07"},
        "createSource",
        {"slug": "one-day-range", "url": "urn:r", "publisher": "P", "kind": "WIRE",
         "published": "2026-01-07/2026-01-07"},
    ),
}  # fmt: skip

ACCEPTED: dict[str, Case] = {
    "longest slug": (
        "actors", {"slug": LONGEST_SLUG, "kind": "state", "name": "A"},
        "createActor", {"slug": LONGEST_SLUG, "kind": "STATE", "name": "A"},
    ),
    "longest text": (
        "actors", {"slug": "longest-summary", "kind": "state", "name": "A", "summary": "x" * 5000},
        "createActor",
        {"slug": "longest-summary", "kind": "STATE", "name": "A", "summary": "x" * 5000},
    ),
    "stance about a declaration": (
        "stances", {"actor": "{actor}", "subject": "{declaration}", "position": "supports"},
        "createStance",
        {"actorId": "{actor}", "subjectId": "{declaration}", "position": "SUPPORTS"},
    ),
    "event ending in the month it starts": (
        "events",
        {"slug": "month-long-event", "kind": "visit", "title": "V", "starts": "2026-01-06",
         "ends": "2026-01", "concerns": ["{track}", "{declaration}"]},
        "createEvent",
        {"slug": "month-long-event", "kind": "VISIT", "title": "V", "starts": "2026-01-06",
         "ends": "2026-01", "concernsIds": ["{track}", "{declaration}"]},
    ),
    "statement at an event": (
        "statements",
        {"slug": "at-an-event", "speaker": "{actor}", "said": "2026", "channels": ["x"],
         "quote": "Q", "event": "{event}"},
        "createStatement",
        {"slug": "at-an-event", "speakerId": "{actor}", "said": "2026", "channel": "X",
         "quote": "Q", "eventId": "{event}"},
    ),
    "stance about a track": (
        "stances", {"actor": "{actor}", "subject": "{track}", "position": "opposes"},
        "createStance", {"actorId": "{actor}", "subjectId": "{track}", "position": "OPPOSES"},
    ),
    # Runs of spaces and line breaks count as one space.
    "verbatim quote in the source's text": (
        "statements", _cited({"source": "{source}", "quote": "talks  will\nresume"}),
        "addCitation",
        {"subjectId": "{statement}", "sourceId": "{source}", "quote": "talks  will\nresume"},
    ),
    "paraphrase of a source": (
        "statements",
        _cited({"basis": "paraphrase", "source": "{source}", "quote": "They will meet again."}),
        "addCitation",
        {"subjectId": "{statement}", "basis": "PARAPHRASE", "sourceId": "{source}",
         "quote": "They will meet again."},
    ),
    "inferred link with a note": (
        "statements",
        _cited({"basis": "inferred", "field": "about", "target": "{actor}", "note": "Why."}),
        "addCitation",
        {"subjectId": "{statement}", "basis": "INFERRED", "field": "about",
         "targetId": "{actor}", "note": "Why."},
    ),
    "statement with a summary and no words": (
        "statements",
        {"slug": "summarised", "speaker": "{actor}", "said": "2026", "channels": ["x", "website"],
         "summary": "What was said, in the editors' words."},
        "createStatement",
        {"slug": "summarised", "speakerId": "{actor}", "said": "2026",
         "channels": ["X", "WEBSITE"], "summary": "What was said, in the editors' words."},
    ),
    "a range": (
        "statements",
        {"slug": "ranged", "speaker": "{actor}", "said": "2026-01-07/2026-01-08",
         "channels": ["x"], "quote": "Q"},
        "createStatement",
        {"slug": "ranged", "speakerId": "{actor}", "said": "2026-01-07/2026-01-08",
         "channel": "X", "quote": "Q"},
    ),
    "a range of times": (
        "tracks",
        {"slug": "timed", "name": "T", "updates": [
            {"status": "negotiating",
             "reported": "2026-01-06T14:00:00+01:00/2026-01-06T18:00:00+01:00"}]},
        "addTrackUpdate",
        {"trackId": "{track}", "status": "NEGOTIATING",
         "reported": "2026-01-06T14:00:00+01:00/2026-01-06T18:00:00+01:00"},
    ),
}  # fmt: skip

# The records the cases point at, in the seeds (slugs) and through the API (ids).
BASE_SEEDS: dict[str, list[dict[str, Any]]] = {
    "sources": [{"slug": "same-source", "url": "urn:same", "publisher": "P", "kind": "wire",
                 "text": SOURCE_TEXT}],
    "actors": [{"slug": "same-actor", "kind": "state", "name": "Actor"}],
    "declarations": [{"slug": "same-decl", "title": "D", "kind": "plan", "status": "draft"}],
    "tracks": [{"slug": "same-track", "name": "T"}],
    "events": [{"slug": "same-event", "kind": "summit", "title": "S", "starts": "2026"}],
    "statements": [
        {"slug": "same-statement", "speaker": "same-actor", "said": "2026", "channels": ["x"],
         "quote": "Q"}
    ],
}  # fmt: skip
SEED_SLUGS = {
    "{source}": "same-source",
    "{actor}": "same-actor",
    "{declaration}": "same-decl",
    "{track}": "same-track",
    "{statement}": "same-statement",
    "{event}": "same-event",
}


@pytest.fixture(scope="module")
def api_ids(client: Client) -> dict[str, str]:
    actor = ok(client.mutate("createActor", {"slug": "api-actor", "kind": "STATE", "name": "A"}))
    source = ok(
        client.mutate(
            "createSource",
            {
                "slug": "api-source",
                "url": "urn:a",
                "publisher": "P",
                "kind": "WIRE",
                "text": SOURCE_TEXT,
            },
        )
    )
    declaration = ok(
        client.mutate(
            "createDeclaration",
            {"slug": "api-decl", "title": "D", "kind": "PLAN", "status": "DRAFT"},
        )
    )
    track = ok(client.mutate("createTrack", {"slug": "api-track", "name": "T"}))
    event = ok(
        client.mutate(
            "createEvent", {"slug": "api-event", "kind": "SUMMIT", "title": "S", "starts": "2026"}
        )
    )
    statement = ok(
        client.mutate(
            "createStatement",
            {"slug": "api-statement", "speakerId": actor["id"], "said": "2026", "channel": "X",
             "quote": "Q", "aboutIds": [actor["id"]]},
        )
    )  # fmt: skip
    return {
        "{actor}": actor["id"],
        "{source}": source["id"],
        "{declaration}": declaration["id"],
        "{track}": track["id"],
        "{statement}": statement["id"],
        "{event}": event["id"],
    }


def _filled(item: Any, names: dict[str, str]) -> Any:
    """The item with each `{kind}` placeholder replaced, at any depth."""
    if isinstance(item, dict):
        return {k: _filled(v, names) for k, v in item.items()}
    if isinstance(item, list):
        return [_filled(v, names) for v in item]
    return names.get(item, item) if isinstance(item, str) else item


async def _seed_refuses(url: str, folder: Path, section: str, item: dict[str, Any]) -> bool:
    """Whether the seed loader refuses the base records plus `item` (a dry run either way)."""
    seeds: dict[str, list[Any]] = {key: list(items) for key, items in BASE_SEEDS.items()}
    seeds.setdefault(section, []).append(_filled(item, SEED_SLUGS))
    (folder / "case.yaml").write_text(yaml.safe_dump(seeds), encoding="utf-8")
    conn = await asyncpg.connect(url)
    try:
        await init_connection(conn)
        await load_seeds(conn, [folder / "case.yaml"], dry_run=True)
    except SeedError:
        return True
    finally:
        await conn.close()
    return False


def _api_refuses(client: Client, ids: dict[str, str], name: str, data: dict[str, Any]) -> bool:
    try:
        result = client.mutate(name, _filled(data, ids))
    except GraphQLErrors:
        return True  # refused by the GraphQL layer itself (a top-level error)
    return "errors" in result and bool(result["errors"])


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_both_refuse(
    case: str, client: Client, api_ids: dict[str, str], module_db_url: str, tmp_path: Path
) -> None:
    section, item, mutation, data = REFUSED[case]
    assert await _seed_refuses(module_db_url, tmp_path, section, item)
    assert _api_refuses(client, api_ids, mutation, data)


@pytest.mark.parametrize("case", sorted(ACCEPTED))
async def test_both_accept(
    case: str, client: Client, api_ids: dict[str, str], module_db_url: str, tmp_path: Path
) -> None:
    section, item, mutation, data = ACCEPTED[case]
    assert not await _seed_refuses(module_db_url, tmp_path, section, item)
    assert not _api_refuses(client, api_ids, mutation, data)
