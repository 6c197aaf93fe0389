"""The GraphQL schema, merged from the feature modules."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from service.api.actor_mutations import ActorMutation
from service.api.actors import ActorQuery
from service.api.context import Info
from service.api.declaration_mutations import DeclarationMutation
from service.api.declaration_queries import DeclarationQuery
from service.api.errors import DomainErrorCodes
from service.api.nodes import Node, resolve_global
from service.api.round_trips import SqlRoundTrips
from service.api.sources import SourceMutation, SourceQuery
from service.api.stances import StanceMutation, StanceQuery
from service.api.statement_mutations import StatementMutation
from service.api.statements import StatementQuery
from service.api.timeline import TimelineQuery
from service.api.tracks import TrackMutation, TrackQuery
from service.api.warnings import WarningMutation, WarningQuery
from service.errors import Invalid
from service.settings import Settings

MAX_NODES_PER_REQUEST = 100


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any record by its global id (null when there is none).")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_global(info, id)

    @strawberry.field(description="Records by global id, in the order asked (null for missing).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES_PER_REQUEST:
            raise Invalid(f"ask for at most {MAX_NODES_PER_REQUEST} ids", field="ids")
        return [await resolve_global(info, i) for i in ids]


Query = merge_types(
    "Query",
    (
        NodeQuery,
        ActorQuery,
        SourceQuery,
        DeclarationQuery,
        StatementQuery,
        WarningQuery,
        TrackQuery,
        StanceQuery,
        TimelineQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        ActorMutation,
        SourceMutation,
        DeclarationMutation,
        StatementMutation,
        WarningMutation,
        TrackMutation,
        StanceMutation,
    ),
)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with its per-request extensions (caches shared across requests)."""
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        DomainErrorCodes,
    ]
    if not settings.is_production:
        extensions.append(SqlRoundTrips)
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)
