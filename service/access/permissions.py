"""Strawberry permissions: which role a field needs, applied to every mutation.

A refused field fails before its resolver runs (nothing is written) with a GraphQL error
carrying `extensions.code` UNAUTHENTICATED or FORBIDDEN, and the HTTP answer gets the
matching status (401 / 403) when there is one.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition

from service.access.roles import Role
from service.errors import Forbidden, Unauthenticated

UNAUTHENTICATED = Unauthenticated.code
FORBIDDEN = Forbidden.code


def set_http_status(context: Any, code: str) -> None:
    """Give the HTTP response the status of an access error (no-op over websockets)."""
    response = getattr(context, "response", None)
    if response is None:
        return
    if code == UNAUTHENTICATED:
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="position-record"'
    elif response.status_code in (None, 200):  # a 401 elsewhere in the document wins
        response.status_code = 403


class TokenRequired(BasePermission):
    """The caller presented a valid token."""

    message = "this operation needs a token: send `Authorization: Bearer <token>`"
    error_extensions = {"code": UNAUTHENTICATED}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        """True for a caller with a role."""
        if not info.context.caller.is_anonymous:
            return True
        set_http_status(info.context, UNAUTHENTICATED)
        return False


class RoleRequired(BasePermission):
    """The caller's token has at least `role`."""

    error_extensions = {"code": FORBIDDEN}

    def __init__(self, role: Role) -> None:
        """Need `role` (or a role that includes it)."""
        self.role = role
        article = "an" if role.value[0] in "aeiou" else "a"
        self.message = f"this operation needs {article} {role} token"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        """True when the caller's role includes the needed one."""
        if info.context.caller.may(self.role):
            return True
        set_http_status(info.context, FORBIDDEN)
        return False


def needs(role: Role) -> PermissionExtension:
    """The field extension making a field need a token of `role`."""
    return PermissionExtension([TokenRequired(), RoleRequired(role)], use_directives=False)


def needed_role(field: Any) -> Role | None:
    """The role a field's permission extension asks for (None: it names none)."""
    for extension in field.extensions:
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, RoleRequired):
                    return permission.role
    return None


def require_role_on_every_field(type_: type, default: Role) -> None:
    """Make every field of `type_` need `default`, unless it already names a role.

    Applied to the merged Mutation type when the schema is built, so a new mutation can
    never be left open by forgetting a decorator.
    """
    definition: StrawberryObjectDefinition = type_.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        if needed_role(field) is None:
            field.extensions.append(needs(default))
