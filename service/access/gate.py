"""Whether a caller may run any operation at all (before a document is even parsed)."""

from __future__ import annotations

from typing import Any

from service.access.roles import Authentication
from service.settings import Settings

ANONYMOUS_REFUSED = (
    "this service answers only callers with a token: send `Authorization: Bearer <token>`"
)


def refusal(authentication: Authentication, settings: Settings) -> str | None:
    """Why the caller is refused outright (UNAUTHENTICATED), or None.

    A presented token that is malformed, unknown or revoked is refused even for reads: a
    client with a broken token should learn it at once, not read as anonymous. Without a
    token, reads are allowed only when ALLOW_ANONYMOUS_READS says so; mutations are then
    refused field by field (see permissions.py).
    """
    if authentication.problem is not None:
        return authentication.problem
    if authentication.caller.is_anonymous and not settings.anonymous_reads_allowed:
        return ANONYMOUS_REFUSED
    return None


def context_refusal(context: Any) -> str | None:
    """`refusal` for a GraphQL context (see service.graphql.context.Context)."""
    return refusal(Authentication(context.caller, context.auth_problem), context.settings)
