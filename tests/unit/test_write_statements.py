"""The writer's statements, composed for every kind (their SQL runs in tests/db and
tests/api: test_writer_batches.py, test_write_path.py)."""

from __future__ import annotations

import pytest

import service.graphql.schema  # noqa: F401 (registers every kind's node and by-id query)
from service.graphql.nodes import by_id_query
from service.kinds.registry import DESCRIPTIONS
from service.record.description import Description
from service.record.write_statements import (
    Answer,
    Shape,
    answer_over_written,
    create_sql,
    delete_sql,
    size_of,
    update_sql,
)


@pytest.mark.parametrize("table", DESCRIPTIONS, ids=lambda d: d.name)
def test_every_kinds_by_id_query_reads_the_written_rows(table: Description) -> None:
    by_id = by_id_query(table.kind)
    rewritten = answer_over_written(table, by_id)
    assert "from written as" in rewritten
    assert "$1" not in rewritten  # the ids are the written rows', not a parameter
    # Other reads of the same table (a party's `disputed` looks at the other parties)
    # stay on the table.
    assert rewritten.count(f"from {table.name} ") == by_id.count(f"from {table.name} ") - 1


def test_a_party_is_disputed_by_the_other_rows_of_its_table() -> None:
    party = next(d for d in DESCRIPTIONS if d.name == "party")
    rewritten = answer_over_written(party, by_id_query(party.kind))
    assert "from written as p" in rewritten
    assert "from party o" in rewritten


@pytest.mark.parametrize("table", DESCRIPTIONS, ids=lambda d: d.name)
def test_statements_name_only_the_kinds_own_columns_and_links(table: Description) -> None:
    columns = tuple(sorted(table.columns))
    links = tuple(sorted(table.links))
    shape = Shape(columns, links)
    answer = Answer(by_id_query(table.kind))
    for sql in (create_sql(table, shape, answer), update_sql(table, shape, answer)):
        assert sql.startswith("with input as materialized")
        assert "insert into change" in sql
        for name in links:
            assert f"i.v->'{name}'" in sql
    assert "delete from record" in delete_sql(table, Answer())
    # Composed once: the same text object for the same kind, shape and answer.
    assert create_sql(table, shape, answer) is create_sql(table, shape, answer)


def test_an_update_of_nothing_writes_nothing() -> None:
    actor = next(d for d in DESCRIPTIONS if d.name == "actor")
    sql = update_sql(actor, Shape((), ()), Answer())
    assert "insert into change" not in sql
    assert "update actor" not in sql


def test_a_by_id_query_of_another_form_is_refused() -> None:
    actor = next(d for d in DESCRIPTIONS if d.name == "actor")
    with pytest.raises(ValueError, match="does not read"):
        answer_over_written(actor, "select 1 from somewhere_else where id = any($1::bigint[])")


def test_items_are_read_as_their_number_asks() -> None:
    """One item is the array's first element; a few are counted as one row by the planner
    (write_items, migration 0016: each record found by its index); many let the
    statement's parts meet by hash joins."""
    actor = next(d for d in DESCRIPTIONS if d.name == "actor")
    sizes = (
        {size_of(n) for n in (1,)},
        {size_of(n) for n in (2, 16)},
        {size_of(n) for n in (17, 2000)},
    )
    assert sizes == ({"one"}, {"few"}, {"many"})
    texts = {
        size: create_sql(actor, Shape(("name", "slug"), (), size), Answer())
        for size in ("one", "few", "many")
    }
    assert "$1::jsonb -> 0" in texts["one"]
    assert "write_items($1::jsonb)" in texts["few"]
    assert "jsonb_array_elements($1::jsonb)" in texts["many"]
    assert "-> 0" in delete_sql(actor, Answer())
    assert "jsonb_array_elements" in delete_sql(actor, Answer(), "many")
