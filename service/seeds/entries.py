"""Seed items flattened into entries: one per record, each knowing where it was written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from service.kinds.registry import DESCRIPTIONS, SECTIONS
from service.seeds.documents import Document, PathPart
from service.seeds.problems import Problem

# The order records are written in: every kind's references point at kinds before it
# (warnings may also refer to earlier warnings; citations to anything); link sets to
# later kinds are written in a second pass (registry.LATER_LINKS).
KIND_ORDER = tuple(str(d.kind) for d in DESCRIPTIONS)

SECTION_KINDS = {section: str(d.kind) for section, d in SECTIONS.items()}

# Records written inline under their owner: (field of the owner, kind of the child).
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    str(d.kind): tuple((n.name, str(n.kind)) for n in d.nested) for d in DESCRIPTIONS if d.nested
}


@dataclass(frozen=True)
class Where:
    """A place in a seed document: the document and the path to a value in it."""

    document: Document
    path: tuple[PathPart, ...]

    def at(self, *parts: PathPart) -> Where:
        """The place of a value below this one."""
        return Where(self.document, self.path + parts)

    @property
    def line(self) -> int | None:
        """1-based line of the value (or of its nearest written ancestor)."""
        return self.document.line_of(self.path)

    @property
    def path_text(self) -> str:
        """The path as msgspec writes it: `$.statements[2].speaker`."""
        return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)

    @property
    def location(self) -> str:
        """`file:line`, for messages that point at a second place."""
        line = self.line
        return f"{self.document.file}:{line}" if line else self.document.file

    def problem(self, message: str) -> Problem:
        """A problem at this place."""
        return Problem(self.document.file, self.line, None, message, self.path_text)


@dataclass(eq=False)
class Entry:
    """One record to write: its kind, its validated seed item, where it was written, and
    the entry it sits under (memberships under an actor, citations under anything).

    Entries compare by identity, so they can key the map of record ids made on load.
    """

    kind: str
    value: Any
    where: Where
    parent: Entry | None = None

    @property
    def slug(self) -> str | None:
        """The slug, for the kinds that have one."""
        slug: str | None = getattr(self.value, "slug", None)
        return slug


@dataclass
class Seeds:
    """Every entry of a set of seed files, grouped by kind in the order they were written."""

    files: list[str] = field(default_factory=list)
    entries: dict[str, list[Entry]] = field(default_factory=lambda: {k: [] for k in KIND_ORDER})
    broken_slugs: set[str] = field(default_factory=set)
    """Slugs written in items that failed validation (their problem is already reported)."""
    unreadable: bool = False
    """True when a file could not be parsed at all: its slugs are unknown."""

    @property
    def total(self) -> int:
        """Number of records the seeds describe."""
        return sum(map(len, self.entries.values()))

    def add(self, entry: Entry) -> None:
        """File an entry under its kind."""
        self.entries[entry.kind].append(entry)


def flatten(kind: str, value: Any, where: Where, parent: Entry | None = None) -> Iterator[Entry]:
    """The entry of an item followed by the entries of everything written inline in it."""
    entry = Entry(kind, value, where, parent)
    yield entry
    for field_name, child_kind in CHILDREN.get(kind, ()):
        for index, child in enumerate(getattr(value, field_name)):
            yield from flatten(child_kind, child, where.at(field_name, index), entry)
    for index, citation in enumerate(getattr(value, "citations", ())):
        yield Entry("citation", citation, where.at("citations", index), entry)
