"""The desired database row of each seed entry, with references resolved to record ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.kinds.registry import DESCRIPTIONS, LATER_LINKS
from service.record.dates import parse_partial_date
from service.record.description import Column, Dated, Description, Link, Reference
from service.seeds.entries import Entry


class Ids:
    """Record ids known so far in a load: by slug, and by entry (records without slug)."""

    def __init__(self) -> None:
        self.by_slug: dict[str, int] = {}
        self.by_entry: dict[Entry, int] = {}

    def remember(self, entry: Entry, record_id: int) -> None:
        """Note the id an entry was stored under."""
        self.by_entry[entry] = record_id
        if entry.slug is not None:
            self.by_slug[entry.slug] = record_id

    def of(self, slug: str) -> int:
        """The id of a slug written earlier in this load (validation made sure it is)."""
        return self.by_slug[slug]

    def maybe(self, slug: str | None) -> int | None:
        """The id of an optional reference."""
        return None if slug is None else self.by_slug[slug]

    def parent(self, entry: Entry) -> int:
        """The id of the record an entry is written under."""
        assert entry.parent is not None
        return self.by_entry[entry.parent]


@dataclass(frozen=True)
class Desired:
    """What the database should hold for one entry: column values, and link sets by the
    writer's link name."""

    entry: Entry
    values: dict[str, Any]
    links: dict[str, frozenset[int]]


# How each seed key becomes columns, worked out once per kind from its description:
# (what it is, the seed key, the column or link name, the date's field or None).
# A link set to kinds written later (LATER_LINKS) is left to `later_links`.
_COLUMN, _REFERENCE, _DATE, _LINK, _LATER_LINK = range(5)
Step = tuple[int, str, str, Dated | None]


def _plan(description: Description) -> tuple[Step, ...]:
    steps: list[Step] = []
    later = LATER_LINKS.get(description.kind, ())
    for field in description.fields:
        if isinstance(field, Column):
            steps.append((_COLUMN, field.name, field.name, None))
        elif isinstance(field, Reference):
            steps.append((_REFERENCE, field.seed, field.column, None))
        elif isinstance(field, Dated):
            steps.append((_DATE, field.name, field.at, field))
        elif isinstance(field, Link):
            what = _LATER_LINK if field.name in later else _LINK
            steps.append((what, field.seed, field.name, None))
    return tuple(steps)


_PLANS = {str(d.kind): (d.owner.column if d.owner else None, _plan(d)) for d in DESCRIPTIONS}


def desired_row(entry: Entry, ids: Ids) -> Desired:
    """The row (and link sets) an entry stands for, read off its kind's description; its
    references must be known to `ids`. Link sets to kinds written later are left out:
    `later_links` gives them once every record of the load exists."""
    owner, steps = _PLANS[entry.kind]
    item = entry.value
    values: dict[str, Any] = {}
    links: dict[str, frozenset[int]] = {}
    if owner is not None:
        values[owner] = ids.parent(entry)
    for what, key, name, dated in steps:
        value = getattr(item, key)
        if what == _COLUMN:
            values[name] = list(value) if isinstance(value, list) else value
        elif what == _REFERENCE:
            values[name] = None if value is None else ids.by_slug[value]
        elif what == _DATE:
            assert dated is not None
            date = None if value is None else parse_partial_date(value)
            values[name] = None if date is None else date.at
            if dated.precision:
                values[dated.precision_column] = None if date is None else date.precision.value
                values[dated.until] = None if date is None else date.until
        elif what == _LINK:
            links[name] = frozenset(map(ids.of, value))
    return Desired(entry, values, links)


def later_links(entry: Entry, ids: Ids) -> dict[str, frozenset[int]]:
    """The link sets of an entry that point at kinds written after its own (LATER_LINKS),
    by the writer's link name; every record of the load must be known to `ids`."""
    _, steps = _PLANS[entry.kind]
    return {
        name: frozenset(map(ids.of, getattr(entry.value, key)))
        for what, key, name, _ in steps
        if what == _LATER_LINK
    }


def describe(entry: Entry) -> str:
    """A short human label of an entry for reports: its slug or its natural key."""
    v = entry.value
    owner = describe(entry.parent) if entry.parent else ""
    if entry.slug is not None:
        return entry.slug
    if entry.kind == "membership":
        return f"{owner} as {v.role} of {v.organization}"
    if entry.kind in ("party", "participation"):
        return f"{owner}: {v.actor} as {v.role}"
    if entry.kind == "track_update":
        return f"{owner}: {v.status} {v.reported}"
    if entry.kind == "stance":
        return f"{v.actor} {v.position} {v.subject}"
    field = f" on {v.field}" if v.field else ""
    return f"{owner} <- {v.source}{field}"
