"""Per-schema caches of what depends only on an operation's text (and variables).

Strawberry's ValidationCache keys on the parsed document, whose hash walks the whole tree
(about 200 node hashes for a benchmark query, every request); the text of the query
hashes once per string. The cost count and the compiled statement depend on the
variables too: they are kept per (text, operation name, variables).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Any, Generic, TypeVar

import msgspec
from graphql import GraphQLError
from graphql.language.parser import parse
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.schema import validate_document

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

OperationKey = tuple[str, str | None, bytes]

KEPT_TEXT_MAX = 20_000
"""Longest query text (characters) the caches keep. A request body may hold a megabyte
in one string literal: kept by the hundred, such texts (and their parsed documents)
would fill the process's memory. Real documents are far shorter (the longest in graphql/
is under 2,000); a longer one is parsed, validated and counted each time."""

_encode = msgspec.json.Encoder(order="deterministic").encode
_MISSING = object()


class Lru(Generic[K, V]):
    """A bounded mapping: the least recently used entry goes first."""

    def __init__(self, max_entries: int) -> None:
        """Keep at most `max_entries`."""
        self.max_entries = max_entries
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, default: Any = _MISSING) -> Any:
        """The value of `key` (now the most recent), or `default` (KeyError if none)."""
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        if default is _MISSING:
            raise KeyError(key)
        return default

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key`, dropping the oldest entry beyond the bound."""
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def values(self) -> Iterator[V]:
        """The values, oldest first."""
        return iter(self._entries.values())


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
    error policy (failures.py) rewrites them in place.
    """

    def __init__(self, valid: Lru[str, bool]) -> None:
        """Remember valid texts in `valid` (one per schema)."""
        self.valid = valid

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is None or query not in self.valid:
            errors: list[GraphQLError] = validate_document(
                context.schema._schema,
                context.graphql_document,  # type: ignore[arg-type]
                context.validation_rules,
            )
            context.pre_execution_errors = errors
            if not errors and query is not None and len(query) <= KEPT_TEXT_MAX:
                self.valid.put(query, True)
        else:
            self.valid.get(query)  # now the most recent
            context.pre_execution_errors = []
        yield


class ParserCacheOfShortTexts(ParserCache):
    """Strawberry's parser cache, for texts up to KEPT_TEXT_MAX only (see there)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and len(context.query) > KEPT_TEXT_MAX:
            context.graphql_document = parse(context.query, **context.parse_options)
            yield
            return
        yield from super().on_parse()
