"""What each claim rests on, through HTTP on real PostgreSQL: a source's words, their
summary, or the editors' inference; links with their own citations; a source's text
checked against its verbatim quotes; several channels; editor notes; translations; and
stances toward a document and its clauses (#18)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.client import Client
from tests.api.dataset import ok

pytestmark = [pytest.mark.db, pytest.mark.slow]

ARTICLE = (
    "The minister said the talks would resume in March.\n"
    "He added that the   coalition would meet again."
)


def errors(payload: Any) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


@pytest.fixture(scope="module")
def ids(client: Client) -> dict[str, str]:
    found: dict[str, str] = {}

    def add(key: str, mutation: str, input: dict[str, Any]) -> None:
        found[key] = ok(client.mutate(mutation, input))["id"]

    add("minister", "createActor", {"slug": "f-minister", "kind": "PERSON", "name": "Minister"})
    add("coalition", "createActor", {"slug": "f-coalition", "kind": "COALITION", "name": "C"})
    add(
        "article",
        "createSource",
        {
            "slug": "f-article",
            "url": "urn:f:1",
            "publisher": "P",
            "kind": "NEWS_ARTICLE",
            "text": ARTICLE,
        },
    )
    add(
        "wire",
        "createSource",
        {"slug": "f-wire", "url": "urn:f:2", "publisher": "W", "kind": "WIRE"},
    )
    add(
        "plan",
        "createDeclaration",
        {"slug": "f-plan", "title": "Plan", "kind": "PLAN", "status": "DRAFT"},
    )
    add(
        "clause",
        "addProvision",
        {
            "declarationId": found["plan"],
            "slug": "f-plan/one",
            "position": 1,
            "topic": "CEASEFIRE_MONITORING",
            "title": "One",
        },
    )
    add(
        "other",
        "createDeclaration",
        {"slug": "f-other", "title": "Other", "kind": "PLAN", "status": "DRAFT"},
    )
    add(
        "statement",
        "createStatement",
        {
            "slug": "f-talks",
            "speakerId": found["minister"],
            "said": "2026-01-08",
            "channels": ["TELEGRAM", "WEBSITE"],
            "quote": "the talks would resume in March",
            "language": "en",
            "translatedFrom": "ru",
            "note": "An English rendering.",
            "aboutIds": [found["plan"], found["coalition"]],
        },
    )
    return found


def cite(client: Client, input: dict[str, Any]) -> Any:
    return client.mutate("addCitation", input, "id basis quote note translatedFrom")


def test_a_verbatim_quote_must_be_in_the_text_the_record_holds(
    client: Client, ids: dict[str, str]
) -> None:
    wrong = cite(
        client,
        {"subjectId": ids["statement"], "sourceId": ids["article"], "quote": "the talks are over"},
    )
    assert errors(wrong) == [("quote", "INVALID")]
    assert "PARAPHRASE" in wrong["errors"][0]["message"]
    # Runs of spaces and line breaks count as one space.
    found = ok(
        cite(
            client,
            {
                "subjectId": ids["statement"],
                "sourceId": ids["article"],
                "quote": "resume in March. He added that the coalition",
            },
        )
    )
    assert found["basis"] == "VERBATIM"
    # A summary of the same source is not held to its words.
    summary = ok(
        cite(
            client,
            {
                "subjectId": ids["statement"],
                "sourceId": ids["article"],
                "basis": "PARAPHRASE",
                "quote": "The talks are to resume in spring.",
            },
        )
    )
    assert summary["basis"] == "PARAPHRASE"
    # A source whose text the record does not hold is taken at its word.
    ok(
        cite(
            client,
            {
                "subjectId": ids["statement"],
                "sourceId": ids["wire"],
                "quote": "Talks resume in March",
                "translatedFrom": "ru",
            },
        )
    )


def test_a_source_text_that_drops_a_verbatim_quote_is_refused(
    client: Client, ids: dict[str, str]
) -> None:
    source = client.data('{ source(slug: "f-article") { version } }')["source"]
    refused = client.mutate(
        "updateSource",
        {"id": ids["article"], "expectedVersion": source["version"], "text": "Nothing."},
    )
    assert errors(refused) == [("text", "INVALID")]
    kept = client.data('{ source(slug: "f-article") { text version } }')["source"]
    assert kept == {"text": ARTICLE, "version": source["version"]}


def test_an_inference_has_no_source_and_says_why(client: Client, ids: dict[str, str]) -> None:
    subject = ids["statement"]
    assert errors(cite(client, {"subjectId": subject, "basis": "INFERRED"})) == [
        ("note", "INVALID")
    ]
    assert errors(
        cite(
            client,
            {"subjectId": subject, "basis": "INFERRED", "sourceId": ids["wire"], "note": "Why."},
        )
    ) == [("sourceId", "INVALID")]
    assert errors(cite(client, {"subjectId": subject, "basis": "PARAPHRASE", "quote": "Q."})) == [
        ("sourceId", "INVALID")
    ]
    inferred = ok(
        cite(
            client,
            {
                "subjectId": subject,
                "basis": "INFERRED",
                "note": "The minister speaks for the government.",
            },
        )
    )
    assert (inferred["basis"], inferred["quote"]) == ("INFERRED", None)


def test_links_carry_their_citations_and_sourced_only_leaves_inferences_out(
    client: Client, ids: dict[str, str]
) -> None:
    subject = ids["statement"]
    # A link the record does not have cannot be cited.
    missing = cite(
        client,
        {
            "subjectId": subject,
            "sourceId": ids["wire"],
            "quote": "Q",
            "field": "about",
            "targetId": ids["other"],
        },
    )
    assert errors(missing) == [("targetId", "INVALID")]
    ok(
        cite(
            client,
            {
                "subjectId": subject,
                "sourceId": ids["article"],
                "quote": "the talks would resume",
                "field": "about",
                "targetId": ids["plan"],
            },
        )
    )
    ok(
        cite(
            client,
            {
                "subjectId": subject,
                "basis": "INFERRED",
                "field": "about",
                "targetId": ids["coalition"],
                "note": "The coalition is who would meet.",
            },
        )
    )
    query = """query($sourced: Boolean!) { statement(slug: "f-talks") {
        links(sourcedOnly: $sourced) { field sourced inferred target { id }
                                       citations { basis note source { slug } } } } }"""
    links = client.data(query, {"sourced": False})["statement"]["links"]
    by_target = {link["target"]["id"]: link for link in links}
    assert by_target[ids["plan"]]["sourced"] is True
    assert by_target[ids["plan"]]["citations"] == [
        {"basis": "VERBATIM", "note": None, "source": {"slug": "f-article"}}
    ]
    coalition = by_target[ids["coalition"]]
    assert (coalition["sourced"], coalition["inferred"]) == (False, True)
    assert coalition["citations"][0]["source"] is None
    sourced = client.data(query, {"sourced": True})["statement"]["links"]
    assert [link["target"]["id"] for link in sourced] == [ids["plan"]]
    # The record's citations filtered by basis: sources only.
    bases = client.data(
        """{ statement(slug: "f-talks") {
               all: citations { totalCount }
               sourced: citations(bases: [VERBATIM, PARAPHRASE]) { nodes { basis } } } }"""
    )["statement"]
    assert {c["basis"] for c in bases["sourced"]["nodes"]} == {"VERBATIM", "PARAPHRASE"}
    assert bases["all"]["totalCount"] > len(bases["sourced"]["nodes"])


def test_several_channels_a_translation_and_a_note(client: Client, ids: dict[str, str]) -> None:
    statement = client.data(
        '{ statement(slug: "f-talks") { channels channel translatedFrom note quote } }'
    )["statement"]
    assert statement == {
        "channels": ["TELEGRAM", "WEBSITE"],
        "channel": "TELEGRAM",
        "translatedFrom": "ru",
        "note": "An English rendering.",
        "quote": "the talks would resume in March",
    }
    found = client.data("{ statements(filter: {channels: [WEBSITE]}) { nodes { slug } } }")[
        "statements"
    ]["nodes"]
    assert {"slug": "f-talks"} in found
    # The deprecated `channel` still works, as a one-item `channels`; both at once do not.
    made = ok(
        client.mutate(
            "createStatement",
            {
                "slug": "f-old-client",
                "speakerId": ids["minister"],
                "said": "2026",
                "channel": "X",
                "summary": "What was said, in the editors' words.",
            },
            "channels quote summary",
        )
    )
    assert (made["channels"], made["quote"]) == (["X"], None)
    both = client.mutate(
        "createStatement",
        {
            "slug": "f-both",
            "speakerId": ids["minister"],
            "said": "2026",
            "channel": "X",
            "channels": ["X"],
            "quote": "Q",
        },
    )
    assert errors(both) == [("channel", "INVALID")]
    # Neither words nor summary: refused.
    wordless = client.mutate(
        "createStatement",
        {"slug": "f-wordless", "speakerId": ids["minister"], "said": "2026", "channels": ["X"]},
    )
    assert errors(wordless) == [("quote", "INVALID")]


def test_every_kind_takes_a_note(client: Client, ids: dict[str, str]) -> None:
    plan = client.data('{ declaration(slug: "f-plan") { version note } }')["declaration"]
    assert plan["note"] is None
    updated = ok(
        client.mutate(
            "updateDeclaration",
            {
                "id": ids["plan"],
                "expectedVersion": plan["version"],
                "note": "The title is a description.",
            },
            "note",
        )
    )
    assert updated["note"] == "The title is a description."
    node = client.data(
        "query($id: ID!) { node(id: $id) { ... on Record { note } } }", {"id": ids["clause"]}
    )["node"]
    assert node == {"note": None}


def test_stances_toward_a_document_include_its_clauses(client: Client, ids: dict[str, str]) -> None:
    for subject, position in (
        (ids["plan"], "SUPPORTS"),
        (ids["clause"], "OPPOSES"),
        (ids["other"], "NEUTRAL"),
    ):
        ok(
            client.mutate(
                "createStance",
                {"actorId": ids["coalition"], "subjectId": subject, "position": position},
            )
        )
    query = """query($f: StanceFilter) { stances(filter: $f) {
        nodes { position subject { id } } } }"""
    toward = client.data(query, {"f": {"declarationIds": [ids["plan"]]}})["stances"]["nodes"]
    assert sorted((s["subject"]["id"], s["position"]) for s in toward) == sorted(
        [(ids["plan"], "SUPPORTS"), (ids["clause"], "OPPOSES")]
    )
    exact = client.data(query, {"f": {"subjectIds": [ids["plan"]]}})["stances"]["nodes"]
    assert [s["position"] for s in exact] == ["SUPPORTS"]
    wrong_kind = client.post(query, {"f": {"declarationIds": [ids["clause"]]}})
    assert wrong_kind["errors"][0]["extensions"]["code"] == "INVALID"
