"""Commands that create and change tracks and their updates."""

from __future__ import annotations

import msgspec

from service.record.fields import DateText, GlobalId, Name, Slug, Text, Version
from service.vocab import TrackStatus

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateTrack(msgspec.Struct, kw_only=True):
    """A new negotiation track."""

    slug: Slug
    name: Name
    summary: Text | None = None
    note: Text | None = None


class UpdateTrack(msgspec.Struct, kw_only=True):
    """Changes to a track."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    name: Name | Unset = UNSET
    summary: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET


class AddTrackUpdate(msgspec.Struct, kw_only=True):
    """A reported change of a track's status."""

    track_id: GlobalId
    status: TrackStatus
    reported: DateText
    event_id: GlobalId | None = None
    reported_by_id: GlobalId | None = None
    statement_id: GlobalId | None = None
    summary: Text | None = None
    note: Text | None = None


class UpdateTrackUpdate(msgspec.Struct, kw_only=True):
    """Changes to a status update."""

    expected_version: Version
    status: TrackStatus | Unset = UNSET
    reported: DateText | Unset = UNSET
    event_id: GlobalId | Unset | None = UNSET
    reported_by_id: GlobalId | Unset | None = UNSET
    statement_id: GlobalId | Unset | None = UNSET
    summary: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET
