"""Commands that add and change citations."""

from __future__ import annotations

import msgspec

from service.record.fields import FieldName, GlobalId, Language, Quote, Text, Version

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class AddCitation(msgspec.Struct, kw_only=True):
    """A source backing a claim about any record, with its exact quote."""

    subject_id: GlobalId
    source_id: GlobalId
    quote: Quote
    quote_language: Language = "en"
    field: FieldName | None = None
    claimed_value: Text | None = None
    note: Text | None = None


class UpdateCitation(msgspec.Struct, kw_only=True):
    """Changes to a citation; absent fields stay as they are."""

    expected_version: Version
    source_id: GlobalId | Unset = UNSET
    quote: Quote | Unset = UNSET
    quote_language: Language | Unset = UNSET
    field: FieldName | Unset | None = UNSET
    claimed_value: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET
