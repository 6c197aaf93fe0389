"""Limits on the shape of a document: depth, aliases, tokens, introspection.

Strawberry's QueryDepthLimiter, MaxAliasesLimiter and MaxTokensLimiter do the counting;
their validation rules are built once here, not per request: they are the same for every
request, so a query text validated once is valid for all (operation_caches.py). The cost
limit is in cost.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import ASTValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from service.settings import Settings


def _is_introspection(ignore: IgnoreContext) -> bool:
    # GraphiQL's own introspection query nests `ofType` deeper than any sane data query;
    # introspection is off in production, and the token limit bounds it anyway.
    return ignore.field_name.startswith("__")


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
    rules: list[type[ASTValidationRule]] = [
        depth_rule(settings.max_query_depth, _is_introspection),
        aliases_rule(settings.max_aliases),
    ]
    if not settings.introspection_enabled:
        rules.append(NoSchemaIntrospectionCustomRule)
    frozen = tuple(rules)
    return lambda: DocumentLimits(frozen, settings.max_query_tokens)
