"""The compiled route answers exactly as the executor does: random operations over the
schema, each sent to a service with COMPILED_QUERIES on and to one with it off, on the
same database, must give the same status, data and errors.

Bounded by default (DIFFERENTIAL_OPERATIONS=150 operations); run longer with, say,
DIFFERENTIAL_OPERATIONS=5000, and replay a run with the DIFFERENTIAL_SEED it printed.
The record is the bundled seed plus records written to stress formatting: years before
1000, quotes, backslashes, control characters, non-Latin text, emoji, long text.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import build_schema

from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.api.dataset import ok
from tests.api.differential import OperationGenerator, Pools, default_list_key
from tests.api.tokens import create_token
from tests.server import ROOT, RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

OPERATIONS = int(os.environ.get("DIFFERENTIAL_OPERATIONS", "150"))
SEED = int(os.environ.get("DIFFERENTIAL_SEED", str(random.SystemRandom().randrange(10**9))))
ENV = {"RATE_LIMIT": "0", "RESPONSE_CACHE": "false"}

ODD = "Quote \" apostrophe ' back\\slash \t tab \u0001\u001f\u007f controls \u2028 sep"
LONG = "Долгий текст, 長い文章, نص طويل 🙂 " * 120


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def routes(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningService, RunningService]]:
    """(compiled, executor): two services on the module's database."""
    compiled_env = {**ENV, "COMPILED_QUERIES": "true"}
    executor_env = {**ENV, "COMPILED_QUERIES": "false"}
    with (
        run_service(module_db_url, tmp_path_factory.mktemp("compiled"), compiled_env) as compiled,
        run_service(module_db_url, tmp_path_factory.mktemp("executor"), executor_env) as executor,
    ):
        yield compiled, executor


@pytest.fixture(scope="module")
def stressing_records(
    routes: tuple[RunningService, RunningService], module_db_url: str
) -> list[str]:
    """Records whose text and dates are hard to write the same way twice, ties, and a
    deleted record; returns ids no list shows (the deleted one)."""
    ids: list[str] = []
    editor = Client(routes[0].url, token=create_token(module_db_url, "diff-editor", "editor"))

    def add(mutation: str, input: dict[str, Any]) -> str:
        return str(ok(editor.mutate(mutation, input))["id"])

    source = add(
        "createSource",
        {
            "slug": "early-source",
            "url": "urn:test:early",
            "publisher": "Publisher «ÆØÅ» 🙂",
            "kind": "NEWS_ARTICLE",
            "title": ODD,
            "published": "0999",
            "language": "ru",
        },
    )
    add(
        "createSource",
        {
            "slug": "month-source",
            "url": 'https://example.org/?q=a&b="c"',
            "publisher": "中文出版社",
            "kind": "WIRE",
            "published": "0050-03",
            "retrievedAt": "0999-12-31T23:59:59.000001Z",
        },
    )
    actors = [
        add("createActor", {"slug": "obrien", "kind": "PERSON", "name": 'O\'Brien "the" \\ one'}),
        add("createActor", {"slug": "kirillitsa", "kind": "STATE", "name": "Тест Кириллица"}),
        add(
            "createActor",
            {
                "slug": "emoji-coalition",
                "kind": "COALITION",
                "name": "🙂 Coalition \u200d zwj \u202e rtl",
                "aliases": ["別名", ODD, "السلام"],
                "summary": LONG,
            },
        ),
    ]
    add(
        "addMembership",
        {
            "memberId": actors[0],
            "organizationId": actors[2],
            "role": ODD,
            "start": "0050-03",
            "end": "0999",
        },
    )
    declaration = add(
        "createDeclaration",
        {
            "slug": "early-declaration",
            "title": 'Declaration of 0999 "quoted" 🙂',
            "kind": "JOINT_DECLARATION",
            "status": "SIGNED",
            "adopted": "0050-03",
            "summary": LONG,
        },
    )
    statement = add(
        "createStatement",
        {
            "slug": "early-statement",
            "speakerId": actors[1],
            "said": "0999-01-02",
            "channel": "OTHER",
            "quote": ODD + " " + LONG,
            "language": "ru",
            "aboutIds": [declaration, actors[2]],
        },
    )
    add(
        "createStatement",
        {
            "slug": "year-statement",
            "speakerId": actors[0],
            "said": "0002",
            "channel": "SPEECH",
            "quote": "«Ни шагу назад» \\n not a newline",
        },
    )
    add(
        "createStatement",
        {
            "slug": "time-statement",
            "speakerId": actors[2],
            "said": "0999-06-01T12:30:00.5+05:30",
            "channel": "X",
            "quote": "🙂" * 50,
            "aboutIds": [actors[0]],
        },
    )
    # Ranges (issue 18): early years, two months, two times, each tying on its latest
    # instant with a single date (the earliest instant decides, then the id).
    add(
        "createStatement",
        {
            "slug": "range-statement",
            "speakerId": actors[1],
            "said": "0999-01-01/0999-01-02",
            "channel": "OTHER",
            "quote": "a range",
        },
    )
    add(
        "createStatement",
        {
            "slug": "time-range-statement",
            "speakerId": actors[2],
            "said": "0999-06-01T06:00:00Z/0999-06-01T12:30:00.5+05:30",
            "channel": "X",
            "quote": "a range of times",
        },
    )
    add(
        "createSource",
        {
            "slug": "range-source",
            "url": "urn:test:range",
            "publisher": "P",
            "kind": "WIRE",
            "published": "0050-02/0050-03",
        },
    )
    add("addCitation", {"subjectId": statement, "sourceId": source, "quote": ODD})
    # Ties in every ordering (the id decides), names only case and accents tell apart.
    for number, name in enumerate(["Same name", "Same name", "same name", "Säme name", "_same"]):
        add("createActor", {"slug": f"same-{number}", "kind": "OTHER", "name": name})
    # A deleted record: `node` answers null, `history` still has it.
    gone = add("createActor", {"slug": "deleted", "kind": "PERSON", "name": "Deleted"})
    editor.mutate("deleteActor", {"id": gone})
    ids.append(gone)
    add(
        "createStance",
        {"actorId": actors[1], "subjectId": declaration, "position": "OPPOSES", "since": "0999"},
    )
    return ids


SEEDING_QUERY = """
{
  actors(first: 50) { pageInfo { endCursor } edges { cursor node { __typename id slug } } }
  sources(first: 50) { edges { cursor node { __typename id slug } } }
  declarations(first: 50) { edges { cursor node { __typename id slug } } }
  provisions(first: 50) { edges { cursor node { __typename id slug } } }
  statements(first: 50) { edges { cursor node { __typename id slug } } }
  warnings(first: 50) { edges { cursor node { __typename id slug } } }
  tracks(first: 50) { edges { cursor node { __typename id slug } } }
  stances(first: 50) { edges { cursor node { __typename id } } }
}
"""
SEEDING_LISTS = [
    "actors", "sources", "declarations", "provisions",
    "statements", "warnings", "tracks", "stances",
]  # fmt: skip


def answer(service: RunningService, document: str, variables: dict[str, Any]) -> Any:
    """Status and body, without the per-route extensions (round trips)."""
    response = httpx.post(
        f"{service.url}/graphql", json={"query": document, "variables": variables}, timeout=60
    )
    try:
        body = response.json()
    except ValueError:
        return response.status_code, response.text
    if isinstance(body, dict):
        body.pop("extensions", None)
    return response.status_code, body


def test_the_compiled_route_answers_every_operation_as_the_executor(
    routes: tuple[RunningService, RunningService], stressing_records: list[str]
) -> None:
    compiled, executor = routes
    schema = build_schema((ROOT / "graphql" / "schema.graphql").read_text())
    pools = Pools()
    seeded = answer(compiled, SEEDING_QUERY, {})
    assert seeded == answer(executor, SEEDING_QUERY, {})
    pools.harvest(
        seeded[1]["data"], {n: default_list_key(schema, "Query", n) for n in SEEDING_LISTS}
    )
    pools.ids.extend(stressing_records)
    generator = OperationGenerator(schema, random.Random(SEED), pools)
    started = time.monotonic()
    differences: list[str] = []
    statuses: dict[str, int] = {}
    messages: dict[str, int] = {}
    for number in range(OPERATIONS):
        operation = generator.operation()
        first = answer(compiled, operation.document, operation.variables)
        second = answer(executor, operation.document, operation.variables)
        kind = _kind(first)
        statuses[kind] = statuses.get(kind, 0) + 1
        if kind == "errors":
            message = str(first[1]["errors"][0].get("message"))[:70]
            messages[message] = messages.get(message, 0) + 1
        if first != second:
            differences.append(
                f"operation {number}:\n{operation.document}\nvariables: {operation.variables}\n"
                f"compiled: {first}\nexecutor: {second}"
            )
        elif first[0] == 200 and isinstance(first[1], dict) and first[1].get("data"):
            pools.harvest(first[1]["data"], operation.lists)
    elapsed = time.monotonic() - started
    compiled_answers = _compiled_answers(compiled.log_path)
    report = (
        f"DIFFERENTIAL_SEED={SEED}: {OPERATIONS} operations in {elapsed:.1f} s, "
        f"{compiled_answers} answered by the compiled route; {statuses}; most common errors: "
        f"{sorted(messages.items(), key=lambda m: -m[1])[:6]}"
    )
    print(report)
    assert not differences, f"{report}\n{len(differences)} differ; first:\n" + "\n\n".join(
        differences[:3]
    )
    # The operations must reach the compiled route and real data, not only errors.
    assert compiled_answers >= OPERATIONS // 5, report
    assert statuses.get("data", 0) >= OPERATIONS // 3, report


def _kind(result: tuple[int, Any]) -> str:
    status, body = result
    if status != 200 or not isinstance(body, dict):
        return f"http {status}"
    if body.get("errors"):
        return "errors"
    return "data"


def _compiled_answers(log: Path) -> int:
    """Queries the compiled route answered (access lines say `answer=compiled|statement`)."""
    text = log.read_text(errors="replace")
    return text.count("answer=compiled") + text.count("answer=statement")
