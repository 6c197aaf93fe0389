"""Commands that create and change stances."""

from __future__ import annotations

import msgspec

from service.record.fields import DateText, GlobalId, Text, Version
from service.vocab import StancePosition

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateStance(msgspec.Struct, kw_only=True):
    """An actor's position toward a document, clause or track, from a date."""

    actor_id: GlobalId
    subject_id: GlobalId
    position: StancePosition
    since: DateText | None = None
    statement_id: GlobalId | None = None
    summary: Text | None = None
    note: Text | None = None


class UpdateStance(msgspec.Struct, kw_only=True):
    """Changes to a stance."""

    expected_version: Version
    position: StancePosition | Unset = UNSET
    since: DateText | Unset | None = UNSET
    statement_id: GlobalId | Unset | None = UNSET
    summary: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET
