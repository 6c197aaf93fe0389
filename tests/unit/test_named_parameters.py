"""Named SQL parameters: `:name` in the .sql files, `$n` for asyncpg, values by name."""

from __future__ import annotations

import pytest

from service.database.named_queries import positional
from service.graphql.connection import ListQuery
from service.kinds.statements.types import STATEMENTS


def test_names_are_numbered_in_the_order_they_first_appear() -> None:
    text = "where (:ids::bigint[] is null or id = any(:ids)) and said_at >= :from and x::text = :to"
    converted, names = positional(text)
    assert names == ("ids", "from", "to")
    assert converted == (
        "where ($1::bigint[] is null or id = any($1)) and said_at >= $2 and x::text = $3"
    )


def test_a_query_numbering_its_own_parameters_is_left_as_it_is() -> None:
    assert positional("select * from t where id = $1::bigint") == (
        "select * from t where id = $1::bigint",
        (),
    )


def test_names_and_numbers_are_not_mixed_in_one_query() -> None:
    with pytest.raises(ValueError, match="not both"):
        positional("where a = :a and b = $2")


def test_values_are_bound_by_name_and_a_filter_left_out_is_off() -> None:
    bound = STATEMENTS.bind({"text": "guarantees", "channels": ["telegram"]})
    assert len(bound) == 7
    assert "guarantees" in bound
    assert ["telegram"] in bound
    assert bound.count(None) == 5


def test_a_name_the_query_does_not_have_is_refused() -> None:
    with pytest.raises(KeyError, match="no parameter"):
        STATEMENTS.bind({"speakers": [1]})
    with pytest.raises(KeyError, match="no parameter"):
        ListQuery("statements", "list_statements_about", STATEMENTS.to_node).bind({"x": 1})
