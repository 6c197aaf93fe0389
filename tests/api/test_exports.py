"""The exports over HTTP on a real server and PostgreSQL (#19): every line equals what the
GraphQL API answers for the same selection and filter; the CSV is the same JSON
flattened, and reads back exactly through Python's csv module, commas, quotes, line
breaks and non-Latin text included; one snapshot, named by its change id, and
incremental pulls since it; the API's access rules, rate limit and refusal shape; every
export in the OpenAPI document."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from service.exports.catalog import export_catalog, find_exports
from service.exports.formats import cell, value_at
from service.exports.selection import graphql_of
from service.exports.statement import Exporter
from service.graphql.schema import build_schema
from service.settings import load_settings
from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.api.dataset import ok
from tests.api.tokens import auth, create_token
from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

# Wide enough for a query selecting a whole export line (the timeline's is thousands of
# tokens): the exports themselves are bound by no such limit, only their comparison here.
WIDE = {"MAX_QUERY_TOKENS": "50000", "MAX_QUERY_FIELDS": "10000", "MAX_QUERY_NODES": "10000000",
        "MAX_ALIASES": "1000", "MAX_QUERY_CHARS": "1000000"}  # fmt: skip
SETTINGS = load_settings({"ENVIRONMENT": "test", **WIDE})
SCHEMA = build_schema(SETTINGS)
CATALOG = export_catalog(SCHEMA)
PAGE_SIZES = (SETTINGS.default_page_size, SETTINGS.max_page_size)
EXPORTERS = {
    name: Exporter(SCHEMA, CATALOG, export, PAGE_SIZES)
    for name, export in find_exports(SCHEMA).items()
}
TRICKY = 'He said, "No, never" — никогда; 決して;\nthen: «non»\r\nأبداً, 🙂 end'  # noqa: RUF001


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def service(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service, its query limits wide enough for whole export lines."""
    with run_service(module_db_url, tmp_path_factory.mktemp("exports"), WIDE) as running:
        yield running


@pytest.fixture(scope="module")
def guarded(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The service as production runs it: reads need a token; a small rate limit."""
    env = {"ALLOW_ANONYMOUS_READS": "false", "RATE_LIMIT": "4"}
    with run_service(module_db_url, tmp_path_factory.mktemp("guarded"), env) as running:
        yield running


@pytest.fixture(scope="module")
def editor(client: Client, editor_token: str) -> Client:
    return Client(client.url, token=editor_token)


@pytest.fixture(scope="module")
def seed(client: Client) -> dict[str, str]:
    data = client.data(
        """{ russia: actor(slug: "russia") { id } us: actor(slug: "united-states") { id }
             paris: declaration(slug: "paris-declaration") { id } }"""
    )
    return {key: record["id"] for key, record in data.items()}


def get(service: RunningService, path: str, params: Any = None, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{service.url}{path}", params=params, timeout=60, **kwargs)


def ndjson(response: httpx.Response) -> list[Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    return [msgspec.json.decode(line) for line in response.content.splitlines()]


def api_lines(client: Client, name: str, arguments: str = "", variables: Any = None) -> list[Any]:
    """What the GraphQL API answers for an export's line, under the same arguments."""
    exporter = EXPORTERS[name]
    export, line = exporter.export, graphql_of(exporter.line)
    signature = f"({', '.join(f'${k}: {t}' for k, (t, _) in (variables or {}).items())})"
    values = {k: v for k, (_, v) in (variables or {}).items()} if variables else {}
    declared = signature if variables else ""
    if export.root is None:
        ids = [line["id"] for line in ndjson(get_service(client, f"/exports/{name}.ndjson"))]
        found = []
        for start in range(0, len(ids), 100):
            found += api_lines_of(client, name, ids[start : start + 100])
        return found
    if export.path == ("nodes",):
        paged = f"first: 100{', ' + arguments if arguments else ''}"
        query = f"query{declared} {{ {export.root}({paged}) {{ nodes {{ {line} }} }} }}"
        return list(client.data(query, values)[export.root]["nodes"])
    called = f"{export.root}({arguments})" if arguments else export.root
    query = f"query{declared} {{ {called} {{ cells {{ {line} }} }} }}"
    return list(client.data(query, values)[export.root]["cells"])


def get_service(client: Client, path: str, params: Any = None) -> httpx.Response:
    return httpx.get(f"{client.url}{path}", params=params, timeout=60, headers=client.headers())


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_every_export_is_what_the_api_answers(client: Client, name: str) -> None:
    exported = ndjson(get_service(client, f"/exports/{name}.ndjson"))
    assert exported, name
    assert exported == api_lines(client, name)


FILTERED = [
    (
        "statements",
        {"channels": ["TELEGRAM", "X"], "orderBy": "SAID_ASC"},
        "filter: { channels: $channels }, orderBy: $orderBy",
        {"channels": ("[Channel!]", ["TELEGRAM", "X"]), "orderBy": ("StatementOrder!", "SAID_ASC")},
    ),
    (
        "stances",
        {"asOf": "2026-01-07", "positions": "SUPPORTS"},
        "asOf: $asOf, filter: { positions: $positions }",
        {"asOf": ("String", "2026-01-07"), "positions": ("[StancePosition!]", ["SUPPORTS"])},
    ),
    (
        "timeline",
        {"kinds": ["STATEMENT", "WARNING"], "from": "2026-01-07T00:00:00Z",
         "orderBy": "OLDEST_FIRST"},
        "filter: { kinds: $kinds, from: $from }, orderBy: $orderBy",
        {"kinds": ("[TimelineKind!]", ["STATEMENT", "WARNING"]),
         "from": ("DateTime", "2026-01-07T00:00:00Z"),
         "orderBy": ("TimelineOrder!", "OLDEST_FIRST")},
    ),
    (
        "declarations",
        {"statuses": "SIGNED", "orderBy": "TITLE_ASC"},
        "filter: { statuses: $statuses }, orderBy: $orderBy",
        {"statuses": ("[DeclarationStatus!]", ["SIGNED"]),
         "orderBy": ("DeclarationOrder!", "TITLE_ASC")},
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "params", "arguments", "variables"),
    FILTERED,
    ids=lambda c: c if isinstance(c, str) else "",
)
def test_a_filtered_export_is_what_the_api_answers_for_that_filter(
    client: Client, name: str, params: Any, arguments: str, variables: Any
) -> None:
    exported = ndjson(get_service(client, f"/exports/{name}.ndjson", params))
    everything = ndjson(get_service(client, f"/exports/{name}.ndjson"))
    assert 0 < len(exported) < len(everything) or params.get("orderBy")
    assert exported == api_lines(client, name, arguments, variables)


def test_the_matrix_export_is_the_matrix_as_of_8_january(
    client: Client, seed: dict[str, str]
) -> None:
    params = {"asOf": "2026-01-08", "actorIds": [seed["russia"], seed["us"]]}
    cells = ndjson(get_service(client, "/exports/stance-matrix.ndjson", params))
    variables = {"asOf": ("String", "2026-01-08"), "actors": ("[ID!]", params["actorIds"])}
    assert cells == api_lines(client, "stance-matrix", "asOf: $asOf, actorIds: $actors", variables)
    russia = next(
        c
        for c in cells
        if c["actor"]["slug"] == "russia" and c["subject"]["slug"] == "paris-declaration"
    )
    assert russia["positions"] == ["OPPOSES"]
    assert {c["source"]["slug"] for c in russia["citations"]} == {"seed-article"}
    us = next(
        c
        for c in cells
        if c["actor"]["slug"] == "united-states" and c["subject"]["slug"] == "paris-declaration"
    )
    assert us["disputed"] is True
    assert us["disputes"] == ["PARTY_ROLE"]
    rows = list(
        csv.DictReader(
            io.StringIO(get_service(client, "/exports/stance-matrix.csv", params).text, newline="")
        )
    )
    flat = {(r["actor.slug"], r["subject.slug"]): r for r in rows}
    assert flat["russia", "paris-declaration"]["positions"] == "OPPOSES"
    assert flat["russia", "paris-declaration"]["citations.1.source.slug"] == "seed-article"
    assert flat["united-states", "paris-declaration"]["disputed"] == "true"
    assert flat["united-states", "paris-declaration"]["disputes"] == "PARTY_ROLE"


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_the_csv_is_the_same_lines_flattened(client: Client, name: str) -> None:
    lines = ndjson(get_service(client, f"/exports/{name}.ndjson"))
    response = get_service(client, f"/exports/{name}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.count(b"\r\n") >= len(lines) + 1  # RFC 4180 line ends
    reader = csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""))
    header, *rows = list(reader)
    columns = EXPORTERS[name].columns
    assert header == [c.header for c in columns]
    assert len(set(header)) == len(header)
    assert rows == [[cell(value_at(line, c.path)) for c in columns] for line in lines]


def test_a_csv_with_commas_quotes_line_breaks_and_non_latin_text_reads_back(
    client: Client, editor: Client
) -> None:
    speaker = ok(
        editor.mutate(
            "createActor", {"slug": "csv-speaker", "kind": "PERSON", "name": "Владимир «Тест», 決"}
        )
    )
    said = ok(
        editor.mutate(
            "createStatement",
            {"slug": "csv-tricky", "speakerId": speaker["id"], "said": "2026-01-09",
             "channels": ["TELEGRAM", "X"], "quote": TRICKY,
             "summary": 'A "summary", with; all\nof it'},
        )
    )  # fmt: skip
    response = get_service(client, "/exports/statements.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    (row,) = [r for r in rows if r["slug"] == "csv-tricky"]
    assert row["id"] == said["id"]
    assert row["quote"] == TRICKY
    assert row["summary"] == 'A "summary", with; all\nof it'
    assert row["speaker.name"] == "Владимир «Тест», 決"
    assert row["channels"] == "TELEGRAM | X"
    assert row["said.value"] == "2026-01-09"
    assert row["said.precision"] == "DAY"
    assert row["citations.totalCount"] == "0"


def test_one_snapshot_named_by_its_change_and_pulled_on_since(
    client: Client, editor: Client, seed: dict[str, str]
) -> None:
    first = get_service(client, "/exports/actors.ndjson")
    change = int(first.headers["x-change-id"])
    newest = client.data("{ changes(last: 1) { nodes { id } } }")["changes"]["nodes"][0]["id"]
    assert change == int(newest)
    assert f"actors-{change}.ndjson" in first.headers["content-disposition"]

    gone = ok(
        editor.mutate("createActor", {"slug": "since-gone", "kind": "PERSON", "name": "Gone"})
    )
    second = get_service(client, "/exports/actors.ndjson", {"since": str(change)})
    assert [line["id"] for line in ndjson(second)] == [gone["id"]]
    middle = int(second.headers["x-change-id"])
    assert middle > change

    made = ok(
        editor.mutate("createActor", {"slug": "since-made", "kind": "PERSON", "name": "Made"})
    )
    editor.mutate("deleteActor", {"id": gone["id"], "expectedVersion": gone["version"]})
    stance = client.data(
        "query($a: [ID!]) { stances(filter: { actorIds: $a }, first: 1) { nodes { id version } } }",
        {"a": [seed["russia"]]},
    )["stances"]["nodes"][0]
    ok(
        editor.mutate(
            "updateStance",
            {"id": stance["id"], "expectedVersion": stance["version"], "summary": "Updated."},
        )
    )

    pulled = ndjson(get_service(client, "/exports/actors.ndjson", {"since": str(middle)}))
    assert pulled == [
        *api_lines_of(client, "actors", [made["id"]]),
        {"id": gone["id"], "deleted": True},
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(
                get_service(client, "/exports/actors.csv", {"since": str(middle)}).text, newline=""
            )
        )
    )
    assert [(r["id"], r["deleted"]) for r in rows] == [(made["id"], ""), (gone["id"], "true")]
    assert ndjson(get_service(client, "/exports/statements.ndjson", {"since": str(middle)})) == []
    (cell_line,) = ndjson(
        get_service(client, "/exports/stance-matrix.ndjson", {"since": str(middle)})
    )
    assert cell_line["actor"]["id"] == seed["russia"]
    assert [s["summary"] for s in cell_line["stances"]] == ["Updated."]
    # Nothing changed since the newest change: nothing to pull.
    latest = get_service(client, "/exports/actors.ndjson").headers["x-change-id"]
    assert ndjson(get_service(client, "/exports/actors.ndjson", {"since": latest})) == []


def api_lines_of(client: Client, name: str, ids: list[str]) -> list[Any]:
    exporter = EXPORTERS[name]
    on = f"... on {exporter.export.line_type} {{ {graphql_of(exporter.line)} }}"
    query = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {on} }} }}"
    return list(client.data(query, {"ids": ids})["nodes"])


def test_refusals_have_the_api_shape(client: Client) -> None:
    cases = [
        ("/exports/statements.csv", {"since": "yesterday"}, "INVALID", "since"),
        ("/exports/statements.csv", {"nope": "1"}, "INVALID", "nope"),
        ("/exports/statements.csv", {"channels": "BOGUS"}, "INVALID", "channels"),
        ("/exports/stances.ndjson", {"asOf": "last week"}, "INVALID", "asOf"),
        ("/exports/stances.ndjson", {"actorIds": "not-an-id"}, "INVALID", "actorIds"),
        ("/exports/track-updates.csv", {"reportedFrom": "soon"}, "INVALID", "reportedFrom"),
    ]
    for path, params, code, field in cases:
        response = get_service(client, path, params)
        assert response.status_code == 400, (path, params, response.text)
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == code, (params, error)
        assert error["extensions"].get("field") == field, (params, error)


def test_an_unauthorised_export_is_refused_with_the_apis_code(
    guarded: RunningService, module_db_url: str
) -> None:
    graphql = httpx.post(
        f"{guarded.url}/graphql", json={"query": "{ actors { totalCount } }"}, timeout=10
    )
    api_code = graphql.json()["errors"][0]["extensions"]["code"]
    assert graphql.status_code == 401
    assert api_code == "UNAUTHENTICATED"
    for headers in ({}, auth("pr_1_not-a-real-token")):
        refused = get(guarded, "/exports/statements.csv", headers=headers)
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"].startswith("application/json")
        assert refused.headers["www-authenticate"].startswith("Bearer")
        (error,) = refused.json()["errors"]
        assert error["extensions"]["code"] == api_code
    reader = create_token(module_db_url, "exports-reader", "reader")
    allowed = get(guarded, "/exports/statements.csv", headers=auth(reader))
    assert allowed.status_code == 200
    assert allowed.text.startswith("id,slug,")


def test_an_export_spends_the_rate_budget_as_an_operation(
    guarded: RunningService, module_db_url: str
) -> None:
    token = create_token(module_db_url, "exports-budget", "reader")
    spent = [
        httpx.post(
            f"{guarded.url}/graphql",
            json={"query": "{ __typename }"},
            headers=auth(token),
            timeout=10,
        ),
        get(guarded, "/exports/actors.ndjson", headers=auth(token)),
        get(guarded, "/exports/timeline.csv", headers=auth(token)),
        httpx.post(
            f"{guarded.url}/graphql",
            json={"query": "{ __typename }"},
            headers=auth(token),
            timeout=10,
        ),
    ]
    assert [r.status_code for r in spent] == [200, 200, 200, 200]
    assert spent[1].headers["ratelimit-remaining"] == "2"
    refused = get(guarded, "/exports/actors.ndjson", headers=auth(token))
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) > 0


def test_every_export_is_in_the_openapi_document(client: Client) -> None:
    document = get_service(client, "/schema/openapi.json").json()
    for name, exporter in EXPORTERS.items():
        for extension in ("csv", "ndjson"):
            operation = document["paths"][f"/exports/{name}.{extension}"]["get"]
            parameters = {p["name"]: p for p in operation["parameters"]}
            assert set(parameters) == {"since", *(p.name for p in exporter.parameters)}, name
            assert all(p["in"] == "query" and p["description"] for p in parameters.values())
    channels = document["paths"]["/exports/statements.csv"]["get"]["parameters"]
    (channel,) = [p for p in channels if p["name"] == "channels"]
    assert "TELEGRAM" in str(channel["schema"])


def test_the_readme_shows_a_curl_command_per_export() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in EXPORTERS:
        assert f"/exports/{name}." in readme, name
