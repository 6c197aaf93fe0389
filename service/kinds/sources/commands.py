"""Commands that create and change sources."""

from __future__ import annotations

from datetime import datetime

import msgspec

from service.record.fields import DateText, Language, Name, Slug, SourceText, Text, Url, Version
from service.vocab import SourceKind

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateSource(msgspec.Struct, kw_only=True):
    """A new source."""

    slug: Slug
    url: Url
    publisher: Name
    kind: SourceKind
    title: Name | None = None
    language: Language = "en"
    published: DateText | None = None
    retrieved_at: datetime | None = None
    text: SourceText | None = None
    note: Text | None = None


class UpdateSource(msgspec.Struct, kw_only=True):
    """Changes to a source; absent fields stay as they are."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    url: Url | Unset = UNSET
    publisher: Name | Unset = UNSET
    kind: SourceKind | Unset = UNSET
    title: Name | Unset | None = UNSET
    language: Language | Unset = UNSET
    published: DateText | Unset | None = UNSET
    retrieved_at: datetime | Unset | None = UNSET
    text: SourceText | Unset | None = UNSET
    note: Text | Unset | None = UNSET
