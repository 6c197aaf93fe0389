"""Commands that create and change declarations, provisions and parties."""

from __future__ import annotations

import msgspec

from service.record.fields import (
    DateText,
    GlobalId,
    Name,
    Position,
    ShortText,
    Slug,
    Text,
    Version,
)
from service.vocab import (
    BindingNature,
    DeclarationKind,
    DeclarationStatus,
    PartyRole,
    ProvisionTopic,
)

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateDeclaration(msgspec.Struct, kw_only=True):
    """A new document."""

    slug: Slug
    title: Name
    kind: DeclarationKind
    status: DeclarationStatus
    short_name: ShortText | None = None
    adopted: DateText | None = None
    adopted_place: ShortText | None = None
    event_id: GlobalId | None = None
    binding: BindingNature = BindingNature.UNKNOWN
    summary: Text | None = None
    note: Text | None = None


class UpdateDeclaration(msgspec.Struct, kw_only=True):
    """Changes to a document; absent fields stay as they are."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    title: Name | Unset = UNSET
    kind: DeclarationKind | Unset = UNSET
    status: DeclarationStatus | Unset = UNSET
    short_name: ShortText | Unset | None = UNSET
    adopted: DateText | Unset | None = UNSET
    adopted_place: ShortText | Unset | None = UNSET
    event_id: GlobalId | Unset | None = UNSET
    binding: BindingNature | Unset = UNSET
    summary: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET


class AddProvision(msgspec.Struct, kw_only=True):
    """A clause of a document, at a position."""

    declaration_id: GlobalId
    slug: Slug
    position: Position
    topic: ProvisionTopic
    title: Name
    body: Text | None = None
    note: Text | None = None


class UpdateProvision(msgspec.Struct, kw_only=True):
    """Changes to a clause."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    position: Position | Unset = UNSET
    topic: ProvisionTopic | Unset = UNSET
    title: Name | Unset = UNSET
    body: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET


class AddParty(msgspec.Struct, kw_only=True):
    """A claim that an actor takes part in a document in a role."""

    declaration_id: GlobalId
    actor_id: GlobalId
    role: PartyRole
    note: Text | None = None


class UpdateParty(msgspec.Struct, kw_only=True):
    """Changes to a party claim."""

    expected_version: Version
    role: PartyRole | Unset = UNSET
    note: Text | Unset | None = UNSET
