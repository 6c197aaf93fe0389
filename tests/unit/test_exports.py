"""The exports follow the schema and the kinds registry (#19), with no database: a kind
has its export; a line's selection is a valid query a client could send; the CSV's
columns are its leaves, each once; the parameters are the list's arguments."""

from __future__ import annotations

import pytest
from graphql import validate

from service.exports.catalog import STANCE_MATRIX, TIMELINE, export_catalog, find_exports, plural
from service.exports.parameters import PAGING, SINCE
from service.exports.selection import LIST_ITEMS_IN_CSV
from service.exports.statement import Exporter
from service.graphql.schema import build_schema
from service.kinds.registry import DESCRIPTIONS
from service.settings import load_settings
from service.vocab import RecordKind

SETTINGS = load_settings({"ENVIRONMENT": "test"})
SCHEMA = build_schema(SETTINGS)
CATALOG = export_catalog(SCHEMA)
EXPORTS = find_exports(SCHEMA)
EXPORTERS = {
    name: Exporter(SCHEMA, CATALOG, export, (SETTINGS.default_page_size, SETTINGS.max_page_size))
    for name, export in EXPORTS.items()
}


def test_every_kind_of_the_registry_has_its_export() -> None:
    kinds = [plural(d.kind) for d in DESCRIPTIONS]
    assert list(EXPORTS) == [*kinds, TIMELINE, STANCE_MATRIX]
    assert plural(RecordKind.PARTY) == "parties"
    assert plural(RecordKind.TRACK_UPDATE) == "track-updates"


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_a_line_is_a_query_a_client_could_send(name: str) -> None:
    assert validate(SCHEMA._schema, EXPORTERS[name].document) == []


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_the_csv_has_a_column_per_leaf_each_once(name: str) -> None:
    headers = [c.header for c in EXPORTERS[name].columns]
    assert len(set(headers)) == len(headers)
    assert not any(h.endswith(".nodes") or ".nodes." in h for h in headers)
    if EXPORTS[name].line_type != "StanceCell":
        assert headers[0] in ("id", "kind")
    if "citations.totalCount" in headers:
        numbered = {
            h.split(".")[1] for h in headers if h.startswith("citations.") and h[10].isdigit()
        }
        assert numbered == {str(n) for n in range(1, LIST_ITEMS_IN_CSV + 1)}


def test_what_a_statement_line_holds() -> None:
    headers = [c.header for c in EXPORTERS["statements"].columns]
    for expected in (
        "id", "slug", "said.value", "said.precision", "channels", "quote", "speaker.id",
        "speaker.slug", "speaker.name", "citations.totalCount", "citations.1.basis",
        "citations.1.quote", "citations.1.source.url", "citations.1.target.id",
    ):  # fmt: skip
        assert expected in headers, expected
    # Deprecated, or only the executor's: not exported.
    assert "channel" not in headers
    assert not any(h.startswith(("about", "links", "history", "warnings.")) for h in headers)


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_the_parameters_are_the_lists_arguments(name: str) -> None:
    exporter = EXPORTERS[name]
    names = [p.name for p in exporter.parameters]
    assert SINCE not in names
    assert not PAGING & set(names)
    root = exporter.export.root
    if root is None:
        assert names == []
        return
    field = SCHEMA._schema.query_type.fields[root]  # type: ignore[union-attr]
    arguments = {p.argument for p in exporter.parameters}
    assert arguments == set(field.args) - PAGING
