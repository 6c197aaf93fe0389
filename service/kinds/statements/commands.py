"""Commands that create and change statements."""

from __future__ import annotations

import msgspec

from service.record.fields import (
    Channels,
    DateText,
    EventCode,
    GlobalId,
    IdList,
    Language,
    Quote,
    ShortText,
    Slug,
    Text,
    Version,
)

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateStatement(msgspec.Struct, kw_only=True):
    """A new statement."""

    slug: Slug
    speaker_id: GlobalId
    said: DateText
    channels: Channels
    quote: Quote | None = None
    event_id: GlobalId | None = None
    on_behalf_of_id: GlobalId | None = None
    place: ShortText | None = None
    language: Language = "en"
    translated_from: Language | None = None
    event_code: EventCode | None = None
    summary: Text | None = None
    about_ids: IdList = msgspec.field(default_factory=list)
    note: Text | None = None


class UpdateStatement(msgspec.Struct, kw_only=True):
    """Changes to a statement; `aboutIds`, when given, replaces the whole set."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    speaker_id: GlobalId | Unset = UNSET
    said: DateText | Unset = UNSET
    channels: Channels | Unset = UNSET
    event_id: GlobalId | Unset | None = UNSET
    quote: Quote | Unset | None = UNSET
    on_behalf_of_id: GlobalId | Unset | None = UNSET
    place: ShortText | Unset | None = UNSET
    language: Language | Unset = UNSET
    translated_from: Language | Unset | None = UNSET
    event_code: EventCode | Unset | None = UNSET
    summary: Text | Unset | None = UNSET
    about_ids: IdList | Unset = UNSET
    note: Text | Unset | None = UNSET
