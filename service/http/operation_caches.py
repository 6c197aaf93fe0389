"""Per-schema caches of what depends only on an operation's text (and variables).

Strawberry's ValidationCache keys on the parsed document, whose hash walks the whole tree
(about 200 node hashes for a benchmark query, every request); the text of the query
hashes once per string. The cost count and the compiled statement depend on the
variables too: they are kept per (text, operation name, variables).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import msgspec
from graphql import DocumentNode, GraphQLError
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from service.http.document_shape import ShapeLimits
from service.lru import Lru

OperationKey = tuple[str, str | None, bytes]

KEPT_TEXT_MAX = 20_000
"""Longest query text (characters) the caches keep. A request body may hold a megabyte
in one string literal: kept by the hundred, such texts (and their parsed documents)
would fill the process's memory. Real documents are far shorter (the longest in graphql/
is under 2,000); a longer one is parsed, validated and counted each time."""

_encode = msgspec.json.Encoder(order="deterministic").encode


def operation_key(
    query: str | None, operation_name: str | None, variables: dict[str, Any] | None
) -> OperationKey | None:
    """What an operation's answer shape depends on; None when it is not to be kept (no
    text, a text over KEPT_TEXT_MAX, or variables JSON cannot hold)."""
    if query is None or len(query) > KEPT_TEXT_MAX:
        return None
    try:
        return (query, operation_name, _encode(variables))
    except (TypeError, msgspec.EncodeError):
        return None


class ValidationByText(SchemaExtension):
    """Validate each query text once (the rules are fixed per schema: see limits.py).

    Only valid documents are kept: errors are fresh objects for every request, since the
    error policy (failures.py) rewrites them in place. The shape limits come first: a
    document over one is refused without graphql-core's rules.
    """

    def __init__(self, valid: Lru[str, bool], shape: ShapeLimits) -> None:
        """Remember valid texts in `valid` (one per schema); check `shape` first."""
        self.valid = valid
        self.shape = shape

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is None or query not in self.valid:
            document = context.graphql_document
            assert document is not None
            errors: list[GraphQLError] = self.shape.problems(document) or validate_document(
                context.schema._schema, document, context.validation_rules
            )
            context.pre_execution_errors = errors
            if not errors and query is not None and len(query) <= KEPT_TEXT_MAX:
                self.valid.put(query, True)
        else:
            self.valid.get(query)  # now the most recent
            context.pre_execution_errors = []
        yield


PARSED_CHARS_KEPT = 400_000
"""Most characters of query text whose parsed documents are kept. A parsed document takes
about 110 bytes per character of its text (measured: 1.2 MB for 2,000 tokens in 10,800
characters), so this keeps at most about 45 MB: hundreds of ordinary documents (the
longest in graphql/ is 1,236 characters). Counted in entries alone (Strawberry's
ParserCache), 512 documents of 2,000 tokens, valid or not, held about 600 MB."""


class ParsedDocuments:
    """Parsed documents by text; the least recently used go first, to stay within
    `max_chars` characters of text."""

    def __init__(self, max_chars: int = PARSED_CHARS_KEPT) -> None:
        """Keep documents whose texts add up to at most `max_chars` characters."""
        self.max_chars = max_chars
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self.chars = 0

    def get(self, text: str) -> DocumentNode | None:
        """The document parsed from `text` (now the most recent), if kept."""
        document = self._documents.get(text)
        if document is not None:
            self._documents.move_to_end(text)
        return document

    def put(self, text: str, document: DocumentNode) -> None:
        """Keep `document`, unless its text is over KEPT_TEXT_MAX."""
        if len(text) > KEPT_TEXT_MAX or text in self._documents:
            return
        self._documents[text] = document
        self.chars += len(text)
        while self.chars > self.max_chars:
            oldest, _ = self._documents.popitem(last=False)
            self.chars -= len(oldest)

    def __len__(self) -> int:
        return len(self._documents)


class ParserByText(SchemaExtension):
    """Parse each query text once (Strawberry's ParserCache, bounded by size as well)."""

    def __init__(self, documents: ParsedDocuments) -> None:
        """Keep parsed documents in `documents` (one per schema)."""
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None:
            document = self.documents.get(query)
            if document is None:
                document = parse(query, **context.parse_options)
                self.documents.put(query, document)
            context.graphql_document = document
        yield
