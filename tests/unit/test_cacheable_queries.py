"""Which queries the response cache may keep: decided over the whole operation."""

from __future__ import annotations

import time

import pytest

from service.http.cached_answers import is_cacheable_query

CALLER_SPECIFIC = [
    "{ viewer { name } }",
    "{ me: viewer { name } }",
    "query { ...F } fragment F on Query { viewer { name } }",
    "{ ... on Query { viewer { name } } }",
    "{ ... @include(if: true) { viewer { name } } }",
    "{ viewer @skip(if: false) { name } }",
    "query { ...A } fragment A on Query { ... on Query { ...B } }"
    " fragment B on Query { viewer { name } }",
    "query Q { actors { totalCount } ...T } fragment T on Query { tokens { name } }",
    "{ ...Missing }",
]
ROLE_ONLY = [
    "{ actors { totalCount } }",
    "query { ...F } fragment F on Query { actors { nodes { name } } }",
    "{ ... on Query { actors { totalCount } } }",
    # A fragment spreading itself is invalid, and is walked once all the same.
    "query { ...F } fragment F on Query { actors { totalCount } ...F }",
]

# Enough tokens for the 25-level fan-out below (MAX_QUERY_TOKENS is 2000 by default).
TOKENS = 10_000


@pytest.mark.parametrize("document", CALLER_SPECIFIC)
def test_a_caller_specific_field_anywhere_is_never_cached(document: str) -> None:
    assert not is_cacheable_query(document, None, TOKENS)


@pytest.mark.parametrize("document", ROLE_ONLY)
def test_reads_the_same_for_a_role_are_cached(document: str) -> None:
    assert is_cacheable_query(document, None, TOKENS)


def test_the_operation_named_is_the_one_judged() -> None:
    document = "query A { viewer { name } } query B { actors { totalCount } }"
    assert not is_cacheable_query(document, "A", TOKENS)
    assert is_cacheable_query(document, "B", TOKENS)


@pytest.mark.parametrize("bottom", ["viewer { name }", "__typename"])
def test_a_fragment_fan_out_is_walked_once_per_fragment(bottom: str) -> None:
    # 25 levels, each spreading the next ten times: 10**25 paths, 25 fragments.
    levels = 25
    fragments = [
        f"fragment F{i} on Query {{ {' '.join(f'...F{i + 1}' for _ in range(10))} }}"
        for i in range(levels)
    ]
    document = (
        "query { ...F0 } " + " ".join(fragments) + f" fragment F{levels} on Query {{ {bottom} }}"
    )
    started = time.perf_counter()
    assert is_cacheable_query(document, None, TOKENS) is (bottom == "__typename")
    assert time.perf_counter() - started < 5  # generous: it takes a millisecond
