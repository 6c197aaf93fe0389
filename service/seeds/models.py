"""The seed file format, derived from the kinds' descriptions: one msgspec Struct per kind.

Each Struct has the description's fields in its order, with the description's types and
limits (those the API's inputs use). Records that belong to another (memberships to an
actor, participations to an event, provisions and parties to a declaration, warnings to a
statement, updates to a track, citations to anything) are written inline under their
owner. References to other records are slugs, resolved across all files on load.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec

from service.kinds.registry import DESCRIPTIONS
from service.kinds.registry import SECTIONS as SECTION_KINDS
from service.record.dates import DATE_PATTERN, DATED_PATTERN, ends_before, parse_partial_date
from service.record.description import (
    NODEFAULT,
    Column,
    Dated,
    Description,
    Link,
    Nested,
    Reference,
)
from service.record.fields import Slug
from service.vocab import RecordKind

PartialDate = Annotated[str, msgspec.Meta(pattern=DATED_PATTERN)]
Instant = Annotated[str, msgspec.Meta(pattern=DATE_PATTERN)]
"""A date kept without a precision column (a source's `retrieved`): never a range."""
SlugList = Annotated[list[Slug], msgspec.Meta(max_length=200)]
CITATIONS_PER_RECORD = 200

# Every seed key holding a date, of any kind: checked as a real date after decoding.
_DATE_FIELDS = frozenset(f.name for d in DESCRIPTIONS for f in d.fields if isinstance(f, Dated))


class Item(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Base of every seed item: unknown keys are errors, defaults are left out on export."""

    __periods__: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    """The description's `periods`."""

    def __post_init__(self) -> None:
        # The pattern only checks the shape; a 31 February, or a range ending before it
        # starts, must fail here, with its path.
        for name in self.__struct_fields__:
            if name in _DATE_FIELDS and (value := getattr(self, name)) is not None:
                try:
                    parse_partial_date(value)
                except ValueError as exc:
                    raise ValueError(f"`{name}`: {exc}") from None
        # The rules of the database's checks of periods, told with their path.
        for start_name, end_name, message in self.__periods__:
            start, end = getattr(self, start_name), getattr(self, end_name)
            if start is not None and end is not None and ends_before(end, start):
                raise ValueError(f"`{end_name}`: {message}")


def _seed_field(field: Any, items: dict[RecordKind, type[Item]]) -> tuple[str, Any, Any]:
    """(seed key, type, default) of one field of a description."""
    if isinstance(field, Column):
        default = field.default
        if isinstance(default, list):
            default = msgspec.field(default_factory=list)
        return field.name, field.type, default
    if isinstance(field, Reference):
        if field.required:
            return field.seed, Slug, NODEFAULT
        return field.seed, Slug | None, None
    if isinstance(field, Dated):
        kind = PartialDate if field.precision else Instant
        if field.required:
            return field.name, kind, NODEFAULT
        return field.name, kind | None, None
    if isinstance(field, Link):
        return field.seed, SlugList, msgspec.field(default_factory=list)
    assert isinstance(field, Nested)
    child = Annotated[list[items[field.kind]], msgspec.Meta(max_length=field.max_length)]  # type: ignore[valid-type]
    return field.name, child, msgspec.field(default_factory=list)


def defstruct(name: str, fields: list[Any], **options: Any) -> type[Item]:
    """msgspec.defstruct typed as making an Item (its base)."""
    made: type[Item] = msgspec.defstruct(name, fields, **options)  # type: ignore[assignment]
    return made


def _build(order: tuple[Description, ...]) -> dict[RecordKind, type[Item]]:
    """One Struct per kind; a kind's nested kinds (and citations) are built before it."""
    items: dict[RecordKind, type[Item]] = {}
    pending = list(order)
    while pending:
        description = next(
            d
            for d in pending
            if all(n.kind in items for n in d.nested)
            and (not d.cited or RecordKind.CITATION in items)
        )
        pending.remove(description)
        fields = [_seed_field(f, items) for f in description.fields]
        if description.cited:
            citations = Annotated[
                list[items[RecordKind.CITATION]],  # type: ignore[valid-type]
                msgspec.Meta(max_length=CITATIONS_PER_RECORD),
            ]
            fields.append(("citations", citations, msgspec.field(default_factory=list)))
        items[description.kind] = defstruct(
            description.seed_name,
            [
                (name, kind, default) if default is not NODEFAULT else (name, kind)
                for name, kind, default in fields
            ],
            bases=(Item,),
            namespace={"__periods__": description.periods},
            kw_only=True,
            module=__name__,
        )
    return items


ITEMS: dict[RecordKind, type[Item]] = _build(DESCRIPTIONS)
"""The seed item type of each kind."""

SECTIONS: dict[str, type[Item]] = {name: ITEMS[d.kind] for name, d in SECTION_KINDS.items()}
"""Top-level keys of a seed file and the type of their items; a file may hold several."""

# The item types by name, for readers of the format (and its tests).
Source: Any = ITEMS[RecordKind.SOURCE]
Actor: Any = ITEMS[RecordKind.ACTOR]
Membership: Any = ITEMS[RecordKind.MEMBERSHIP]
Event: Any = ITEMS[RecordKind.EVENT]
Participation: Any = ITEMS[RecordKind.PARTICIPATION]
Declaration: Any = ITEMS[RecordKind.DECLARATION]
Provision: Any = ITEMS[RecordKind.PROVISION]
Party: Any = ITEMS[RecordKind.PARTY]
Statement: Any = ITEMS[RecordKind.STATEMENT]
WarningItem: Any = ITEMS[RecordKind.WARNING]
Track: Any = ITEMS[RecordKind.TRACK]
TrackUpdate: Any = ITEMS[RecordKind.TRACK_UPDATE]
Stance: Any = ITEMS[RecordKind.STANCE]
Citation: Any = ITEMS[RecordKind.CITATION]
