"""Token management over GraphQL (admin only), and `viewer`: who the caller is."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from service.access import tokens as token_store
from service.access.permissions import needs
from service.access.roles import Role
from service.graphql.common import UserError
from service.graphql.context import Info
from service.graphql.mutations import attempt, in_transaction

# Registers Role as the GraphQL enum TokenRole (READER, EDITOR, ADMIN), each value described.
_ROLE_MEANINGS = {
    "READER": "May read (where reads need a token at all).",
    "EDITOR": "May also write the record: every record mutation.",
    "ADMIN": "May also manage tokens.",
}
for _value in strawberry.enum(
    Role, name="TokenRole", description="What a token may do; each role includes the ones before."
).__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = _ROLE_MEANINGS[_value.name]


@strawberry.type(description="An API token, as listed: never its secret.")
class ApiToken:
    name: str = strawberry.field(description="Its name: recorded as the actor of its writes.")
    role: Role = strawberry.field(
        description="reader: queries; editor: also mutations; admin: also tokens."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    last_used_at: datetime | None = strawberry.field(
        description="When it was last used (to the minute); null if never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while it works."
    )

    @staticmethod
    def of(token: token_store.ApiToken) -> ApiToken:
        """The GraphQL form of a stored token."""
        return ApiToken(
            name=token.name,
            role=token.role,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type(description="The caller, as its token identifies it.")
class Viewer:
    name: str = strawberry.field(description="The token's name, or `anonymous`.")
    role: Role | None = strawberry.field(description="The token's role; null without a token.")


@strawberry.input(description="A new token.")
class CreateTokenInput:
    name: str = strawberry.field(
        description="A unique name (1-63 of a-z 0-9 . _ -); never reused, even once revoked."
    )
    role: Role = strawberry.field(description="What the token may do.")


@strawberry.type(description="A created token and its secret, or why not.")
class CreateTokenPayload:
    token: ApiToken | None = strawberry.field(description="The token (null on error).")
    secret: str | None = strawberry.field(
        description="The bearer token to hand to the client. Shown this once: only its "
        "hash is kept."
    )
    errors: list[UserError] = strawberry.field(
        description="Expected failures; when not empty, nothing was written."
    )


@strawberry.input(description="Which token to revoke.")
class RevokeTokenInput:
    name: str = strawberry.field(description="The token's name.")


@strawberry.type(description="A revoked token, or why not.")
class RevokeTokenPayload:
    token: ApiToken | None = strawberry.field(description="The token (null on error).")
    errors: list[UserError] = strawberry.field(
        description="Expected failures; when not empty, nothing was written."
    )


@strawberry.type
class TokenQuery:
    @strawberry.field(description="Who the caller is.")
    def viewer(self, info: Info) -> Viewer:
        caller = info.context.caller
        return Viewer(name=caller.name, role=caller.role)

    @strawberry.field(
        description="Every API token, by name (admin only).", extensions=[needs(Role.ADMIN)]
    )
    async def tokens(
        self,
        info: Info,
        include_revoked: Annotated[
            bool, strawberry.argument(description="List revoked tokens too.")
        ] = True,
    ) -> list[ApiToken]:
        found = await token_store.list_tokens(info.context.pool, include_revoked=include_revoked)
        return [ApiToken.of(t) for t in found]


@strawberry.type
class TokenMutation:
    @strawberry.mutation(
        description="Create an API token (admin only); its secret is in the answer, once.",
        extensions=[needs(Role.ADMIN)],
    )
    async def create_token(self, info: Info, input: CreateTokenInput) -> CreateTokenPayload:
        async def create() -> tuple[token_store.ApiToken, str]:
            command = token_store.new_token_command(input.name, input.role.value)
            return await in_transaction(info, lambda c: token_store.create_token(c, command))

        created, errors = await attempt(create)
        if created is None:
            return CreateTokenPayload(
                token=None, secret=None, errors=[u for e in errors for u in UserError.all_of(e)]
            )
        token, secret = created
        return CreateTokenPayload(token=ApiToken.of(token), secret=secret, errors=[])

    @strawberry.mutation(
        description="Revoke an API token (admin only): it stops working at once. Revoking "
        "twice is harmless.",
        extensions=[needs(Role.ADMIN)],
    )
    async def revoke_token(self, info: Info, input: RevokeTokenInput) -> RevokeTokenPayload:
        async def revoke() -> tuple[token_store.ApiToken, bool]:
            return await in_transaction(info, lambda c: token_store.revoke_token(c, input.name))

        revoked, errors = await attempt(revoke)
        if revoked is None:
            return RevokeTokenPayload(
                token=None, errors=[u for e in errors for u in UserError.all_of(e)]
            )
        if info.context.token_cache is not None:
            # Committed: this instance forgets at once; the others on its NOTIFY.
            info.context.token_cache.tokens_changed()
        return RevokeTokenPayload(token=ApiToken.of(revoked[0]), errors=[])
