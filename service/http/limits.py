"""Limits on the shape of a document: depth, aliases, fields, tokens, introspection.

The parser stops at the token limit; depth, aliases and expanded fields are measured in
one walk linear in the document (document_shape.py), before graphql-core's rules run
(operation_caches.ValidationByText). The rules are built once here, not per request: they
are the same for every request, so a query text validated once is valid for all. The cost
limit is in cost.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import ASTValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from service.http.document_shape import ShapeLimits
from service.settings import Settings


def shape_limits(settings: Settings) -> ShapeLimits:
    """The depth, alias and field limits of `settings`."""
    return ShapeLimits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_fields=settings.max_query_fields,
    )


class DocumentLimits(SchemaExtension):
    """Adds the limits' validation rules and the parser's token limit to an operation."""

    def __init__(self, rules: tuple[type[ASTValidationRule], ...], max_tokens: int) -> None:
        """Apply `rules` and parse at most `max_tokens` tokens."""
        self.rules = rules
        self.max_tokens = max_tokens

    def on_operation(self) -> Iterator[None]:
        """Set the limits before the document is parsed and validated."""
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (*context.validation_rules, *self.rules)
        yield


def document_limits(settings: Settings) -> Callable[[], DocumentLimits]:
    """A per-request factory of the limits of `settings`, sharing one set of rules."""
    rules: list[type[ASTValidationRule]] = []
    if not settings.introspection_enabled:
        rules.append(NoSchemaIntrospectionCustomRule)
    frozen = tuple(rules)
    return lambda: DocumentLimits(frozen, settings.max_query_tokens)
