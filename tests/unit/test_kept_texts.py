"""The per-text caches keep short texts only: a megabyte string literal, sent in a
hundred different requests, must not stay in memory (operation_caches.KEPT_TEXT_MAX)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from graphql import parse

from service.graphql.schema import build_schema
from service.http.document_shape import ShapeLimits
from service.http.operation_caches import (
    KEPT_TEXT_MAX,
    ParsedDocuments,
    ParserByText,
    ValidationByText,
    operation_key,
)
from service.lru import Lru
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
        extension = ValidationByText(valid, ShapeLimits(12, 30, 5000))
        extension.execution_context = _context(text)
        steps = extension.on_validate()
        next(steps)
        assert extension.execution_context.pre_execution_errors == []
    assert SHORT in valid
    assert LONG not in valid


def test_parsing_keeps_short_texts_only() -> None:
    documents = ParsedDocuments()
    extension = ParserByText(documents)
    for text in (SHORT, LONG, LONG + " ", SHORT):
        extension.execution_context = _context(text)
        steps = extension.on_parse()
        next(steps)
        document = extension.execution_context.graphql_document
        assert document is not None
        assert document.definitions
    assert len(documents) == 1
    assert documents.get(SHORT) is not None


def test_parsed_documents_stay_within_their_characters() -> None:
    # 2,000-token documents (about 1.2 MB each once parsed): counted by entries, 512 of
    # them were kept; counted by characters, the oldest go.
    documents = ParsedDocuments(max_chars=50_000)
    texts = ["{ " + " ".join(f"f{i}_{n}" for i in range(1_000)) + " }" for n in range(20)]
    for text in texts:
        documents.put(text, parse(text))
    assert documents.chars <= 50_000
    assert 0 < len(documents) < 20
    assert documents.get(texts[-1]) is not None  # the newest stay
    assert documents.get(texts[0]) is None  # the oldest went first
