"""Lookups by slug: the human-readable keys of sources, actors, declarations..."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from service.database.named_queries import query
from service.graphql.context import Info
from service.graphql.nodes import load_node
from service.vocab import RecordKind

SlugArgument = Annotated[
    str, strawberry.argument(description="Its slug: the record's stable human-readable key.")
]
"""A root lookup's `slug` argument."""


async def by_slug(info: Info, feature: str, name: str, kind: RecordKind, slug: str) -> Any | None:
    """The record whose slug is `slug` (None when there is none)."""
    record_id = await info.context.pool.fetchval(query(feature, name), slug)
    return await load_node(info, kind, record_id)
