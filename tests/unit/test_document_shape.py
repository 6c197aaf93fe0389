"""Walks over a document are linear in its size, whatever its fragments expand to."""

from __future__ import annotations

import time

import pytest
from graphql import parse

from service import bounded_json
from service.graphql.schema import build_schema
from service.http.cost import PageSizes, count_nodes
from service.http.document_shape import ShapeLimits, operation_shapes
from service.settings import load_settings

SCHEMA = build_schema(load_settings({}))._schema
LIMITS = ShapeLimits(max_depth=12, max_aliases=30, max_fields=1000)


def fan_out(levels: int, spread: str = "...{p} ...{p} ...{p}") -> str:
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [
        f"fragment F{i} on Query {{ {spread.format(p=f'F{i - 1}')} }}" for i in range(1, levels + 1)
    ]
    return f"query {{ ...F{levels} }} " + " ".join(fragments)


def test_a_fan_out_is_counted_exactly_without_expanding_it() -> None:
    document = parse(fan_out(200))
    start = time.perf_counter()
    ((_, shape),) = operation_shapes(document)
    took = time.perf_counter() - start
    assert shape.fields == 3**200
    assert took < 1.0  # linear: about a millisecond
    errors = LIMITS.problems(document)
    assert [e.extensions["code"] for e in errors] == ["TOO_MANY_FIELDS"]  # type: ignore[index]
    assert "more than 1000000000000 field selections" in errors[0].message


def test_a_chain_of_thousands_of_fragments_needs_no_recursion() -> None:
    # Far past Python's recursion limit if each spread recursed into the next fragment.
    ((_, shape),) = operation_shapes(parse(fan_out(5000, "...{p}")))
    assert shape.fields == 1


@pytest.mark.parametrize(
    "text",
    [
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        "query { ...A } fragment A on Query { __typename ...A ...A }",
        "query { ...A } fragment A on Query { ...Missing }",
    ],
)
def test_cycles_and_unknown_fragments_count_nothing_and_end(text: str) -> None:
    ((_, shape),) = operation_shapes(parse(text))
    assert shape.fields <= 1


def test_depth_and_aliases_through_fragments_equal_the_written_out_document() -> None:
    nested = "{ a: actors { nodes { b: statements { nodes { speaker { id } } } } } }"
    spread = (
        "{ a: actors { nodes { ...S } } } "
        "fragment S on Actor { b: statements { nodes { ...P } } } "
        "fragment P on Statement { speaker { ...on Actor { id } } }"
    )
    ((_, written),) = operation_shapes(parse(nested))
    ((_, fragments),) = operation_shapes(parse(spread))
    assert (written.depth, written.aliases, written.fields) == (5, 2, 6)
    assert (fragments.depth, fragments.aliases, fragments.fields) == (5, 2, 6)


def test_introspection_fields_add_no_depth() -> None:
    ((_, shape),) = operation_shapes(parse("{ __schema { types { fields { name } } } }"))
    assert shape.depth == 0


def test_the_cost_count_reuses_each_fragment() -> None:
    spread = "actors(first: 100) {{ nodes {{ slug }} }} ...{p} ...{p}"
    document = parse(fan_out(60, spread))
    start = time.perf_counter()
    nodes = count_nodes(SCHEMA, document, None, {}, PageSizes(10, 100))
    assert time.perf_counter() - start < 1.0
    assert nodes == 100 * (2**60 - 1)  # F60 holds 2^60 - 1 `actors` once expanded


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("[" * 32 + "]" * 32, False),
        ("[" * 33 + "]" * 33, True),
        ('{"a": ' * 33 + "1" + "}" * 33, True),
        ("[" * 100_000 + "]" * 100_000, True),
        ("[" + "[]," * 10_000 + "[]]", False),
    ],
)
def test_json_nesting_is_bounded(text: str, refused: bool) -> None:
    if refused:
        with pytest.raises(bounded_json.JsonRefused, match="nested more than 32 levels deep"):
            bounded_json.decode(text)
    else:
        bounded_json.decode(text)
