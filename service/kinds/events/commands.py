"""Commands that create and change events and their participations."""

from __future__ import annotations

import msgspec

from service.record.fields import DateText, GlobalId, IdList, Name, ShortText, Slug, Text, Version
from service.vocab import EventKind, ParticipationRole

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class CreateEvent(msgspec.Struct, kw_only=True):
    """A new event."""

    slug: Slug
    kind: EventKind
    title: Name
    starts: DateText
    ends: DateText | None = None
    place: ShortText | None = None
    summary: Text | None = None
    note: Text | None = None
    concerns_ids: IdList = msgspec.field(default_factory=list)


class UpdateEvent(msgspec.Struct, kw_only=True):
    """Changes to an event; `concernsIds`, when given, replaces the whole set."""

    expected_version: Version
    slug: Slug | Unset = UNSET
    kind: EventKind | Unset = UNSET
    title: Name | Unset = UNSET
    starts: DateText | Unset = UNSET
    ends: DateText | Unset | None = UNSET
    place: ShortText | Unset | None = UNSET
    summary: Text | Unset | None = UNSET
    note: Text | Unset | None = UNSET
    concerns_ids: IdList | Unset = UNSET


class AddParticipation(msgspec.Struct, kw_only=True):
    """A claim that an actor took part in an event in a role."""

    event_id: GlobalId
    actor_id: GlobalId
    role: ParticipationRole
    note: Text | None = None


class UpdateParticipation(msgspec.Struct, kw_only=True):
    """Changes to a participation claim."""

    expected_version: Version
    role: ParticipationRole | Unset = UNSET
    note: Text | Unset | None = UNSET
