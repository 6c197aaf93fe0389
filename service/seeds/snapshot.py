"""Turning the stored record back into seed items, in a deterministic order.

Items are ordered by slug, inline records by their natural key, reference lists by slug,
so two databases holding the same record export the same files whatever their ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from service.kinds.citations.description import CITATION
from service.kinds.registry import BY_KIND, DESCRIPTIONS, SECTIONS
from service.record.dates import format_instant, from_columns
from service.record.description import Column, Dated, Description, Link, Reference
from service.seeds.checks import SLUGGED_KINDS
from service.seeds.models import ITEMS, Item

Row = dict[str, Any]


@dataclass
class Snapshot:
    """Every row the seed format covers, by kind, and the link tables by link name."""

    rows: dict[str, list[Row]]
    links: dict[str, dict[int, list[int]]]
    """Link sets by the writer's link name (`about_ids`), then owner."""


@dataclass
class Built:
    """Seed items per section, and what could not be expressed in the seed format."""

    sections: dict[str, list[Item]]
    skipped: list[str] = dataclass_field(default_factory=list)


def _date(row: Row, field: Dated) -> str | None:
    """A dated field's seed text, a range included (read back as the same columns)."""
    date = from_columns(row[field.at], row[field.precision_column], row[field.until])
    return None if date is None else date.text()


class _Builder:
    """Seed items from rows, field by field as the kinds' descriptions list them."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.rows = snapshot.rows
        self.links = snapshot.links
        self.skipped: list[str] = []
        self.cited: set[int] = set()
        self.slug_of = {r["id"]: r["slug"] for k in SLUGGED_KINDS for r in self.rows[k]}
        self.children: dict[str, dict[int, list[Row]]] = {}
        for description in DESCRIPTIONS:
            if description.owner is not None:
                grouped: dict[int, list[Row]] = defaultdict(list)
                for row in self.rows[description.kind]:
                    grouped[row[description.owner.column]].append(row)
                self.children[description.kind] = grouped

    def refs(self, link: Link, owner: Row) -> list[str]:
        """Slugs of an owner's links; a link to a record without a slug cannot be written."""
        slugs = []
        for target in self.links[link.name].get(owner["id"], []):
            if target in self.slug_of:
                slugs.append(self.slug_of[target])
            else:
                self.skipped.append(f"{link.seed} of {owner['slug']}: record {target} has no slug")
        return sorted(slugs)

    def items(self, description: Description, rows: list[Row]) -> list[Item]:
        """The items of `rows`, in the description's export order."""
        built: list[tuple[tuple[Any, ...], Item]] = []
        for row in rows:
            item = self.item(description, row)
            if item is not None:
                built.append((self.order(description, row, item), item))
        return [item for _, item in sorted(built, key=lambda pair: pair[0])]

    def order(self, description: Description, row: Row, item: Item) -> tuple[Any, ...]:
        """The sort key: stored instants for dates (not their text), seed values else."""
        key: list[Any] = []
        for name in description.export_order:
            field = description.seed_field(name)
            value = row[field.at] if isinstance(field, Dated) else getattr(item, name)
            key.append("" if value is None else value)
        return tuple(key)

    def item(self, description: Description, row: Row) -> Item | None:
        """One row as a seed item; None when a reference has no slug to be written with."""
        values: dict[str, Any] = {}
        for field in description.fields:
            if isinstance(field, Column):
                value = row[field.name]
                values[field.name] = list(value) if isinstance(value, list) else value
            elif isinstance(field, Reference):
                target = row[field.column]
                if target is not None and target not in self.slug_of:
                    self.skipped.append(
                        f"{description.kind} {row['id']}: its {field.seed} has no slug"
                    )
                    return None
                values[field.seed] = None if target is None else self.slug_of[target]
            elif isinstance(field, Dated):
                at = row[field.at]
                if not field.precision:
                    values[field.name] = None if at is None else format_instant(at)
                else:
                    values[field.name] = _date(row, field)
            elif isinstance(field, Link):
                values[field.seed] = self.refs(field, row)
            else:
                child = BY_KIND[field.kind]
                values[field.name] = self.items(child, self.children[child.kind].get(row["id"], []))
        if description.cited:
            values["citations"] = self.citations(row)
        return ITEMS[description.kind](**values)

    def citations(self, row: Row) -> list[Item]:
        self.cited.add(row["id"])
        return self.items(CITATION, self.children[CITATION.kind].get(row["id"], []))


def build_sections(snapshot: Snapshot) -> Built:
    """The seed items of a snapshot, per section, ordered deterministically."""
    b = _Builder(snapshot)
    sections = {
        section: b.items(description, snapshot.rows[description.kind])
        for section, description in SECTIONS.items()
    }
    # Citations of records the format cannot hold (a citation of a citation, say).
    for subject_id, rows in b.children[CITATION.kind].items():
        if subject_id not in b.cited:
            b.skipped.extend(f"citation {c['id']}: its subject cannot be exported" for c in rows)
    return Built(sections, b.skipped)
