"""Commands that create and change warnings."""

from __future__ import annotations

import msgspec

from service.record.fields import GlobalId, IdList, Slug, Text, Version

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateWarning(msgspec.Struct, kw_only=True):
    """A warning made in a statement."""

    slug: Slug
    statement_id: GlobalId
    condition: Text
    consequence: Text
    repeats_earlier: bool = False
    repeats_warning_id: GlobalId | None = None
    target_ids: IdList = msgspec.field(default_factory=list)
    answers_ids: IdList = msgspec.field(default_factory=list)
    note: Text | None = None


class UpdateWarning(msgspec.Struct, kw_only=True):
    """Changes to a warning; `targetIds`/`answersIds`, when given, replace the whole set."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    statement_id: GlobalId | Unset = UNSET
    condition: Text | Unset = UNSET
    consequence: Text | Unset = UNSET
    repeats_earlier: bool | Unset = UNSET
    repeats_warning_id: GlobalId | Unset | None = UNSET
    target_ids: IdList | Unset = UNSET
    answers_ids: IdList | Unset = UNSET
    note: Text | Unset | None = UNSET
