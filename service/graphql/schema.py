"""The GraphQL schema, merged from the feature modules."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from service.access.permissions import require_role_on_every_field
from service.access.roles import Role
from service.errors import Invalid
from service.graphql.batch import batch_mutation
from service.graphql.compiled.catalog import SchemaCatalog
from service.graphql.compiled.extension import CompiledQueries, QueryCompiler
from service.graphql.compiled.mutations import CompiledMutations
from service.graphql.context import Info
from service.graphql.datetimes import BOUNDED_DATETIME
from service.graphql.described import describe_derived
from service.graphql.failures import ErrorPolicy, ProtectedSchema
from service.graphql.history import HistoryQuery
from service.graphql.live import Subscription
from service.graphql.matrix import MatrixQuery
from service.graphql.nodes import Node, resolve_global
from service.graphql.nul_inputs import NulInputs
from service.graphql.round_trips import SqlRoundTrips
from service.graphql.settling import SettlingExecutor
from service.graphql.timeline import TimelineQuery
from service.graphql.tokens import TokenMutation, TokenQuery
from service.http.cost import CostLimit, PageSizes
from service.http.limits import document_limits, shape_limits
from service.http.operation_caches import (
    OperationKey,
    ParsedDocuments,
    ParserByText,
    ValidationByText,
)
from service.kinds.actors.mutations import ActorMutation
from service.kinds.actors.types import ActorQuery
from service.kinds.citations.mutations import CitationMutation
from service.kinds.declarations.mutations import DeclarationMutation
from service.kinds.declarations.types import DeclarationQuery
from service.kinds.events.mutations import EventMutation
from service.kinds.events.types import EventQuery
from service.kinds.sources.mutations import SourceMutation
from service.kinds.sources.types import SourceQuery
from service.kinds.stances.mutations import StanceMutation
from service.kinds.stances.types import StanceQuery
from service.kinds.statements.mutations import StatementMutation
from service.kinds.statements.types import StatementQuery
from service.kinds.tracks.mutations import TrackMutation
from service.kinds.tracks.types import TrackQuery
from service.kinds.warnings.mutations import WarningMutation
from service.kinds.warnings.types import WarningQuery
from service.lru import Lru
from service.settings import Settings

if TYPE_CHECKING:
    from service.observability.tracing import Tracing

MAX_NODES_PER_REQUEST = 100
# Bounds of the per-schema caches: validated query texts (parsed ones are bounded by
# their size: operation_caches.PARSED_CHARS_KEPT), and what depends on the variables
# too (cost counts, compiled statements).
DOCUMENTS_KEPT = 512
OPERATIONS_KEPT = 1000


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any record by its global id (null when there is none).")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Its global id.")],
    ) -> Node | None:
        return await resolve_global(info, id)

    @strawberry.field(description="Records by global id, in the order asked (null for missing).")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Their global ids, at most 100.")
        ],
    ) -> list[Node | None]:
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
        EventQuery,
        StatementQuery,
        WarningQuery,
        TrackQuery,
        StanceQuery,
        MatrixQuery,
        TimelineQuery,
        HistoryQuery,
        TokenQuery,
    ),
)
RECORD_MUTATIONS = (
    ActorMutation,
    SourceMutation,
    CitationMutation,
    DeclarationMutation,
    EventMutation,
    StatementMutation,
    WarningMutation,
    TrackMutation,
    StanceMutation,
)
Mutation = merge_types(
    "Mutation", (*RECORD_MUTATIONS, batch_mutation(RECORD_MUTATIONS), TokenMutation)
)
# Every mutation needs an editor token unless it asks for more (token management: admin).
require_role_on_every_field(Mutation, Role.EDITOR)


def build_schema(settings: Settings, tracing: Tracing | None = None) -> strawberry.Schema:
    """The schema with its per-request extensions (caches shared across requests).

    Args:
        settings: the service's settings.
        tracing: OpenTelemetry's spans (None: tracing is off): each operation's span is
            named after it, parsing, validation and the limits included.
    """
    sizes = PageSizes(default=settings.default_page_size, maximum=settings.max_page_size)
    documents = ParsedDocuments()
    valid: Lru[str, bool] = Lru(DOCUMENTS_KEPT)
    counts: Lru[OperationKey, int] = Lru(OPERATIONS_KEPT)
    shape = shape_limits(settings)
    extensions: list[Any] = [
        document_limits(settings),
        lambda: ParserByText(documents),
        lambda: ValidationByText(valid, shape),
        NulInputs,
        lambda: CostLimit(settings.max_query_nodes, sizes, counts),
    ]
    if tracing is not None:
        extensions.insert(0, tracing.extension)  # first: around the others
    if not settings.is_production:
        extensions.append(SqlRoundTrips)
    compiler: QueryCompiler | None = None  # reads the schema, once it is built

    def compiled_queries() -> CompiledQueries:
        assert compiler is not None  # built below, before any request
        return CompiledQueries(compiler)

    def compiled_mutations() -> CompiledMutations:
        assert compiler is not None
        return CompiledMutations(compiler.mutations)

    if settings.compiled_queries:
        # Last: it runs after the limits, and answers in the executor's place; the plans
        # of mutations are kept after the executor answered (compiled/mutations.py).
        extensions += [compiled_queries, compiled_mutations]
    config = StrawberryConfig(
        batching_config={"max_operations": settings.max_operations_per_request}
    )
    schema = ProtectedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=config,
        scalar_overrides={datetime: BOUNDED_DATETIME},
        execution_context_class=SettlingExecutor,
    )
    describe_derived(schema._schema)
    if settings.compiled_queries:
        compiler = QueryCompiler(
            SchemaCatalog(schema), (sizes.default, sizes.maximum), OPERATIONS_KEPT
        )
        schema.query_compiler = compiler  # the HTTP view answers kept statements directly
    schema.error_policy = ErrorPolicy(
        mask_unexpected=settings.is_production,
        hide_suggestions=not settings.introspection_enabled,
        statement_timeout_ms=settings.statement_timeout_ms,
    )
    return schema
