"""Commands that add and change citations."""

from __future__ import annotations

import msgspec

from service.record.fields import FieldName, GlobalId, Language, Quote, Text, Version
from service.vocab import CitationBasis

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class AddCitation(msgspec.Struct, kw_only=True):
    """What backs a claim about any record: a source's words or their summary, or the
    editors' inference (with a note saying why)."""

    subject_id: GlobalId
    basis: CitationBasis = CitationBasis.VERBATIM
    source_id: GlobalId | None = None
    quote: Quote | None = None
    quote_language: Language = "en"
    translated_from: Language | None = None
    field: FieldName | None = None
    target_id: GlobalId | None = None
    claimed_value: Text | None = None
    note: Text | None = None


class UpdateCitation(msgspec.Struct, kw_only=True):
    """Changes to a citation; absent fields stay as they are."""

    expected_version: Version
    basis: CitationBasis | Unset = UNSET
    source_id: GlobalId | Unset | None = UNSET
    quote: Quote | Unset | None = UNSET
    quote_language: Language | Unset = UNSET
    translated_from: Language | Unset | None = UNSET
    field: FieldName | Unset | None = UNSET
    target_id: GlobalId | Unset | None = UNSET
    claimed_value: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET
