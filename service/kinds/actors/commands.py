"""Commands that create and change actors and memberships."""

from __future__ import annotations

import msgspec

from service.record.fields import (
    Aliases,
    CountryCode,
    DateText,
    GlobalId,
    Name,
    ShortText,
    Slug,
    Text,
    Version,
    WikidataId,
)
from service.vocab import ActorKind

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateActor(msgspec.Struct, kw_only=True):
    """A new actor."""

    slug: Slug
    kind: ActorKind
    name: Name
    aliases: Aliases = msgspec.field(default_factory=list)
    country_code: CountryCode | None = None
    wikidata_id: WikidataId | None = None
    summary: Text | None = None
    note: Text | None = None


class UpdateActor(msgspec.Struct, kw_only=True):
    """Changes to an actor; absent fields stay as they are."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    kind: ActorKind | Unset = UNSET
    name: Name | Unset = UNSET
    aliases: Aliases | Unset = UNSET
    country_code: CountryCode | Unset | None = UNSET
    wikidata_id: WikidataId | Unset | None = UNSET
    summary: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET


class AddMembership(msgspec.Struct, kw_only=True):
    """A role an actor holds in an organisation (Popolo's Membership)."""

    member_id: GlobalId
    organization_id: GlobalId
    role: ShortText
    on_behalf_of_id: GlobalId | None = None
    start: DateText | None = None
    end: DateText | None = None
    note: Text | None = None


class UpdateMembership(msgspec.Struct, kw_only=True):
    """Changes to a membership."""

    expected_version: Version
    role: ShortText | Unset = UNSET
    on_behalf_of_id: GlobalId | Unset | None = UNSET
    start: DateText | Unset | None = UNSET
    end: DateText | Unset | None = UNSET
    note: Text | Unset | None = UNSET
