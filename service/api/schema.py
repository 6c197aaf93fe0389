"""The GraphQL schema, merged from the feature modules."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from service.settings import Settings


@strawberry.type(description="Read the position record.")
class Query:
    @strawberry.field(description="The service's version.")
    def version(self) -> str:
        return "0.1.0"


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with its per-request extensions (caches shared across requests)."""
    return strawberry.Schema(
        query=Query,
        extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
    )
