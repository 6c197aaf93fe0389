"""Domain errors: what a use-case can refuse, independent of HTTP or GraphQL."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure a client can act on.

    Attributes:
        code: stable machine-readable code (NOT_FOUND, CONFLICT, INVALID, REFERENCED).
        field: the input field at fault, if any (its name, camelCase).
        path: where in the input: the field, then list indexes and nested fields
            (`("aboutIds", 2)`); the field alone when not given.
    """

    code = "INVALID"

    def __init__(
        self, message: str, *, field: str | None = None, path: tuple[str | int, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.path = path or ((field,) if field else ())

    @property
    def each(self) -> list[DomainError]:
        """The problems this error stands for: itself (Problems stands for several)."""
        return [self]

    @property
    def extensions(self) -> dict[str, str]:
        """What a GraphQL error raised from this one carries in `extensions`.

        graphql-core copies an original error's `extensions` into the GraphQLError, on
        every path (queries, mutations, subscription events): one place gives the code.
        """
        extensions = {"code": self.code}
        if self.field:
            extensions["field"] = self.field
        return extensions


class NotFound(DomainError):
    """A referenced record does not exist."""

    code = "NOT_FOUND"


class Conflict(DomainError):
    """A stale version or a duplicate: the record changed or already exists."""

    code = "CONFLICT"


class Invalid(DomainError):
    """The input breaks a rule (length, range, pattern, enum, consistency)."""

    code = "INVALID"


class StillReferenced(DomainError):
    """A delete refused because other records point at this one."""

    code = "REFERENCED"


class Unauthenticated(DomainError):
    """No valid token was presented."""

    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    """The caller's role is too weak for the operation."""

    code = "FORBIDDEN"


class Problems(DomainError):
    """Several problems of one input, all reported at once (the first one's code)."""

    def __init__(self, problems: list[DomainError]) -> None:
        first = problems[0]
        super().__init__("; ".join(p.message for p in problems), field=first.field, path=first.path)
        self.code = first.code
        self.problems = problems

    @property
    def each(self) -> list[DomainError]:
        return list(self.problems)
