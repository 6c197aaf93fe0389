"""The configuration of the transport side, one frozen object built from Settings.

`create_app` builds it (`transport_config`) and passes it to `build_controller`; the
answer pipeline, the controller's Strawberry hooks and the websocket handler all read it
from there (`view.config` on a websocket), and nothing assigns to it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from service.access.rate_limit import Budget
from service.graphql.compiled.extension import QueryCompiler
from service.http.response_cache import ResponseCache
from service.http.trusted_documents import DocumentRegistry, DocumentRules, default_folders
from service.settings import Settings

if TYPE_CHECKING:
    from service.observability.tracing import Tracing


@dataclass(frozen=True)
class TransportConfig:
    """How /graphql admits and answers requests.

    Attributes:
        request_timeout_s: an HTTP request is cancelled (504) after this long.
        max_query_tokens: most tokens any parse of a document reads (MAX_QUERY_TOKENS).
        documents: trusted documents, persisted queries and MAX_QUERY_CHARS.
        response_cache: serve repeated queries from this cache (None: no cache).
        query_compiler: keeps compiled statements, which answer repeats (None: none).
        report_round_trips: answers carry `extensions.sqlRoundTrips` (not in production).
        rate_budget: the budget the rate-limit middleware spends, which operations sent
            over websockets spend too (None: no limit).
        ws_ping_interval_s: seconds between server pings on subscription websockets.
        tracing: OpenTelemetry's spans of each operation (None: tracing is off).
    """

    request_timeout_s: float = 10.0
    max_query_tokens: int = 2000
    documents: DocumentRules = field(default_factory=DocumentRules)
    response_cache: ResponseCache | None = None
    query_compiler: QueryCompiler | None = None
    report_round_trips: bool = False
    rate_budget: Budget | None = None
    ws_ping_interval_s: float = 15.0
    tracing: Tracing | None = None


def transport_config(
    settings: Settings,
    query_compiler: QueryCompiler | None,
    response_cache: ResponseCache | None,
    rate_budget: Budget | None,
    tracing: Tracing | None = None,
) -> TransportConfig:
    """The configuration `settings` give (the cache, compiler, budget and tracing are
    made by the app factory, which shares them with the listener, schema and middleware)."""
    return TransportConfig(
        request_timeout_s=settings.request_timeout_ms / 1000,
        max_query_tokens=settings.max_query_tokens,
        documents=DocumentRules(
            registry=DocumentRegistry.load(default_folders(settings.trusted_documents_dir)),
            trusted_only=settings.trusted_documents_only,
            max_query_tokens=settings.max_query_tokens,
            max_query_chars=settings.max_query_chars,
        ),
        response_cache=response_cache,
        query_compiler=query_compiler,
        report_round_trips=not settings.is_production,
        rate_budget=rate_budget,
        ws_ping_interval_s=settings.ws_ping_interval_s,
        tracing=tracing,
    )
