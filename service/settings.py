"""Settings: one frozen Struct read from the environment, failing loudly on bad values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import msgspec


class Environment(StrEnum):
    """Where the service runs; production hardens defaults (masking, introspection...)."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class LogFormat(StrEnum):
    """How log lines are written: one JSON object a line, or aligned text for people."""

    JSON = "json"
    CONSOLE = "console"


class SettingsError(Exception):
    """A missing or malformed setting; the message names the environment variable."""


Port = Annotated[int, msgspec.Meta(ge=0, le=65535)]
# Checked here: asyncpg's own error for anything else was a traceback.
Dsn = Annotated[str, msgspec.Meta(pattern=r"^postgres(ql)?://")]
Positive = Annotated[int, msgspec.Meta(ge=1)]


class Settings(
    msgspec.Struct, frozen=True, kw_only=True, rename="upper", forbid_unknown_fields=False
):
    """Every setting, named after its environment variable (field name in upper case)."""

    database_url: Dsn | None = None
    """PostgreSQL DSN (postgresql://user:pass@host:port/db). Unset: start the embedded server."""

    response_cache: bool | None = None
    """Serve repeated queries from memory while the data is unchanged (exact invalidation).
    Unset: on in production only."""

    response_cache_entries: Annotated[int, msgspec.Meta(ge=1)] = 10000
    """Most answers the response cache keeps (least recently used go first)."""

    response_cache_bytes: Annotated[int, msgspec.Meta(ge=1)] = 64 * 1024 * 1024
    """Most bytes of answers the response cache keeps; one answer over an eighth of it is
    not kept."""

    compiled_queries: bool = True
    """Answer the queries whose every field has SQL with one statement built by PostgreSQL
    (service/graphql/compiled); off: the executor answers everything (same answers, slower)."""

    trusted_documents_only: bool = False
    """Run only registered documents (graphql/operations and TRUSTED_DOCUMENTS_DIR)."""

    trusted_documents_dir: str | None = None
    """A folder of the deployment's own registered .graphql documents."""

    ws_ping_interval_s: Annotated[float, msgspec.Meta(gt=0)] = 15.0
    """Seconds between server pings on subscription websockets (keeps proxies from
    closing idle sockets)."""

    max_subscriptions_per_connection: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 20
    """Most subscriptions one websocket may run at once (more: closed with 4429)."""

    max_websockets: Annotated[int, msgspec.Meta(ge=1)] = 1000
    """Most websockets open at once in one process (more: refused at the handshake with
    503 and Retry-After)."""

    max_websockets_per_address: Annotated[int, msgspec.Meta(ge=0)] = 250
    """Most websockets open at once from one client address in one process (0: no cap;
    behind a proxy, set FORWARDED_ALLOW_IPS so that clients keep their own addresses).
    An office behind one NAT address counts as one client: a newsroom of 250 open
    dashboards fits."""

    listen_database_url: Dsn | None = None
    """Direct PostgreSQL DSN for the change listener (LISTEN needs a session: not through
    PgBouncer in transaction mode). Unset: DATABASE_URL."""

    host: str = "127.0.0.1"
    """Address the HTTP server binds to."""

    port: Port = 8000
    """TCP port of the HTTP server."""

    workers: Positive = 1
    """Number of server worker processes."""

    environment: Environment = Environment.DEVELOPMENT
    """development, test or production; production hides internals from clients."""

    log_level: Annotated[str, msgspec.Meta(pattern="^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$")] = (
        "INFO"
    )
    """Log threshold: DEBUG, INFO, WARNING, ERROR or CRITICAL."""

    data_dir: str = ".data"
    """Folder of the embedded database (relative to the working directory when not absolute)."""

    embedded_pg_port: Port = 54329
    """TCP port (on 127.0.0.1) of the embedded PostgreSQL server."""

    seed_on_first_start: bool = True
    """Load the bundled seeds when `serve` finds an empty embedded database."""

    db_pool_min_size: Annotated[int, msgspec.Meta(ge=0)] = 1
    """Connections the pool keeps open."""

    db_pool_max_size: Positive = 10
    """Most connections the pool opens."""

    db_statement_cache_size: Annotated[int, msgspec.Meta(ge=0)] = 100
    """asyncpg prepared-statement cache per connection; 0 behind PgBouncer in transaction mode."""

    statement_timeout_ms: Positive = 5000
    """PostgreSQL statement_timeout for every query the service runs."""

    max_page_size: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    """Largest `first`/`last` a connection accepts."""

    default_page_size: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 20
    """Page size when a client gives neither `first` nor `last`."""

    log_format: LogFormat | None = None
    """json or console; unset: json in production, console otherwise."""

    playground: bool | None = None
    """Serve the GraphiQL playground to browsers at GET /graphql; unset: on unless production."""

    playground_assets_dir: str | None = None
    """Folder of the playground's scripts and styles (GraphiQL): `<name>@<version>/<file>`.

    Unset: `service/playground/vendor` inside the package, which the install fills
    (hatch_build.py). The files are checked against `assets.json` at startup; when any is
    missing or altered, the playground page says so and how to fix it (never a CDN).
    """

    shutdown_timeout_s: Positive = 10
    """Seconds in-flight requests get to finish after SIGTERM before they are cancelled."""

    token_cache_s: Annotated[int, msgspec.Meta(ge=0, le=3600)] = 60
    """Seconds a verified token is trusted without a lookup, while revocations are heard
    (NOTIFY); a revoked token is refused at once all the same. 0: look up every request."""

    allow_anonymous_reads: bool | None = None
    """Queries without a token are answered; unset: on unless production (mutations always
    need an editor token)."""

    introspection: bool | None = None
    """Answer introspection (`__schema`, `__type`) and suggest field names in errors;
    unset: on unless production."""

    max_query_depth: Positive = 12
    """Deepest nesting of fields an operation may select."""

    max_aliases: Positive = 30
    """Most aliases one document may use."""

    max_query_tokens: Positive = 2000
    """Most lexical tokens (names, punctuation, values) in one document."""

    max_query_chars: Positive = 100_000
    """Most characters in one document's text: parsing costs time per character, and
    within the token limit a string literal or a comment may be a megabyte long."""

    max_query_fields: Positive = 1000
    """Most field selections one document may make once its fragments are expanded."""

    max_query_nodes: Positive = 100_000
    """Most nodes one operation could return: page sizes multiplied through nested lists."""

    max_operations_per_request: Positive = 5
    """Most operations in one batched request (a JSON array of operations)."""

    max_request_body_bytes: Positive = 1_048_576
    """Largest request body accepted (413 beyond)."""

    request_timeout_ms: Positive = 10000
    """Longest a GraphQL request may run before it is cancelled (504)."""

    metrics_token: str | None = None
    """Bearer token that /metrics asks for; unset: /metrics is open unless production,
    and not served at all in production."""

    rate_limit: Annotated[int, msgspec.Meta(ge=0)] = 600
    """Requests a minute per token (per client address without one); 0 turns it off."""

    cors_origins: str | None = None
    """Comma-separated origins browsers may call the API from (CORS); unset: none."""

    allowed_hosts: str | None = None
    """Comma-separated host names the service answers to (others get 400); unset: any."""

    @property
    def response_cache_enabled(self) -> bool:
        """Whether the response cache is on (explicit setting, else production)."""
        return self.is_production if self.response_cache is None else self.response_cache

    @property
    def is_production(self) -> bool:
        """True when running with production hardening."""
        return self.environment is Environment.PRODUCTION

    @property
    def effective_log_format(self) -> LogFormat:
        """LOG_FORMAT, or its default for the environment (json in production)."""
        if self.log_format is not None:
            return self.log_format
        return LogFormat.JSON if self.is_production else LogFormat.CONSOLE

    @property
    def playground_enabled(self) -> bool:
        """PLAYGROUND, or its default for the environment (off in production)."""
        return (not self.is_production) if self.playground is None else self.playground

    @property
    def anonymous_reads_allowed(self) -> bool:
        """ALLOW_ANONYMOUS_READS, or its default for the environment (off in production)."""
        if self.allow_anonymous_reads is None:
            return not self.is_production
        return self.allow_anonymous_reads

    @property
    def introspection_enabled(self) -> bool:
        """INTROSPECTION, or its default for the environment (off in production)."""
        return (not self.is_production) if self.introspection is None else self.introspection

    @property
    def cors_origin_list(self) -> list[str]:
        """CORS_ORIGINS as a list (empty: no cross-origin access)."""
        return _split_list(self.cors_origins)

    @property
    def allowed_host_list(self) -> list[str]:
        """ALLOWED_HOSTS as a list (empty: any host)."""
        return _split_list(self.allowed_hosts)

    @property
    def data_path(self) -> Path:
        """The embedded database folder as an absolute path."""
        return Path(self.data_dir).expanduser().resolve()


def _split_list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


_FIELD_ENV_NAMES = frozenset(name.upper() for name in Settings.__struct_fields__)


def load_settings(
    environ: Mapping[str, str] | None = None, **overrides: str | int | None
) -> Settings:
    """Read settings from `environ` (default: the process environment).

    Args:
        environ: variables to read; only the names of Settings fields are looked at.
        **overrides: field values (by field name) that win over the environment.

    Raises:
        SettingsError: one line naming the variable and what is wrong with it.
    """
    source = os.environ if environ is None else environ
    raw: dict[str, object] = {k: v for k, v in source.items() if k in _FIELD_ENV_NAMES and v != ""}
    raw.update({k.upper(): v for k, v in overrides.items()})
    try:
        return msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(_explain(exc, raw)) from None


def _explain(exc: msgspec.ValidationError, raw: Mapping[str, object]) -> str:
    message = str(exc)
    # msgspec reports "... - at `$.PORT`": lead with the variable's name and value.
    head, _, where = message.rpartition(" - at `$.")
    if not where:
        return f"invalid settings: {message}"
    name = where.rstrip("`")
    if name.endswith("_URL"):
        # A DSN may hold a password: never in a message that reaches a terminal or a log.
        return f"invalid environment variable {name}: {head} (postgresql://user:pass@host/db)"
    return f"invalid environment variable {name}={raw.get(name)!r}: {head}"
