"""Roles and the caller of a request."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a token may do; each role includes the ones before it."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    def includes(self, needed: Role) -> bool:
        """True when this role may do what `needed` may."""
        return _RANK[self] >= _RANK[needed]


_RANK = {Role.READER: 1, Role.EDITOR: 2, Role.ADMIN: 3}

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Caller:
    """Who sent a request.

    Attributes:
        name: the token's name (what the change history records), or `anonymous`.
        role: the token's role; None for an anonymous caller.
    """

    name: str = ANONYMOUS
    role: Role | None = None

    @property
    def is_anonymous(self) -> bool:
        """True when no token was presented."""
        return self.role is None

    def may(self, needed: Role) -> bool:
        """True when the caller's role includes `needed`."""
        return self.role is not None and self.role.includes(needed)


@dataclass(frozen=True)
class Authentication:
    """The outcome of reading a request's credentials.

    Attributes:
        caller: the caller (anonymous when no token was sent, or a bad one).
        problem: why a presented token was refused; None when it was accepted or absent.
    """

    caller: Caller = Caller()
    problem: str | None = None


NOBODY = Authentication()
