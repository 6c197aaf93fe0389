"""How errors reach clients: domain errors get a stable code; nothing else leaks."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from service.errors import DomainError


def code_of(error: GraphQLError) -> str | None:
    """The stable code of an error raised as a DomainError, if it was one."""
    original = error.original_error
    return original.code if isinstance(original, DomainError) else None


class DomainErrorCodes(SchemaExtension):
    """Give errors raised from DomainError `extensions.code` (and `field`)."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            original = error.original_error
            if isinstance(original, DomainError):
                extensions = dict(error.extensions or {})
                extensions["code"] = original.code
                if original.field:
                    extensions["field"] = original.field
                error.extensions = extensions
