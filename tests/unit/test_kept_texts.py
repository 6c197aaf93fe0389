"""The per-text caches keep short texts only: a megabyte string literal, sent in a
hundred different requests, must not stay in memory (operation_caches.KEPT_TEXT_MAX)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graphql import parse
from strawberry.extensions.parser_cache import _get_parse_cache

from service.api.operation_caches import (
    KEPT_TEXT_MAX,
    Lru,
    ParserCacheOfShortTexts,
    ValidationByText,
    operation_key,
)
from service.api.schema import build_schema
from service.settings import load_settings

SCHEMA = build_schema(load_settings({}))
SHORT = '{ search(text: "tribunal") { nodes { kind } } }'
LONG = '{ search(text: "' + "x" * KEPT_TEXT_MAX + '") { nodes { kind } } }'


def _context(text: str) -> Any:
    return SimpleNamespace(
        query=text,
        parse_options={},
        graphql_document=parse(text),
        schema=SCHEMA,
        validation_rules=[],
        pre_execution_errors=None,
    )


def test_operation_keys_only_for_short_texts() -> None:
    assert operation_key(SHORT, None, None) is not None
    assert operation_key(LONG, None, None) is None  # neither counted nor compiled once


def test_validation_keeps_short_texts_only() -> None:
    valid: Lru[str, bool] = Lru(10)
    for text in (SHORT, LONG):
        extension = ValidationByText(valid)
        extension.execution_context = _context(text)
        steps = extension.on_validate()
        next(steps)
        assert extension.execution_context.pre_execution_errors == []
    assert SHORT in valid
    assert LONG not in valid


def test_parsing_keeps_short_texts_only() -> None:
    extension = ParserCacheOfShortTexts(maxsize=7)  # a cache of its own (keyed by size)
    cache = _get_parse_cache(7)
    for text in (SHORT, LONG, LONG + " "):
        extension.execution_context = _context(text)
        steps = extension.on_parse()
        next(steps)
        assert extension.execution_context.graphql_document.definitions
    assert cache.cache_info().currsize == 1
