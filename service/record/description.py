"""The one description of a kind of record, that everything else derives from.

A kind's description (in its home, `service/kinds/<home>/description.py`) says what its
table holds and how each value is checked: the writer composes its statements from it, the
seed loader derives its file format, its checks and its rows from it, the export writes
it back, and a test compares it with the database's own checks (tests/db/test_descriptions.py).

Fields are listed in the order the seed files write them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from service.vocab import RecordKind

NODEFAULT: Any = msgspec.NODEFAULT


@dataclass(frozen=True)
class Column:
    """A plain column, set as it is written.

    Attributes:
        name: the SQL column (and the seed file's key).
        type: the msgspec type checking it, limits included (service/record/fields.py).
        default: the seed file's default when the key is left out (NODEFAULT: required).
    """

    name: str
    type: Any
    default: Any = NODEFAULT

    @property
    def columns(self) -> tuple[str, ...]:
        """The SQL columns this field fills."""
        return (self.name,)


@dataclass(frozen=True)
class Reference:
    """A column holding the id of another record.

    Attributes:
        column: the SQL column (`speaker_id`).
        kinds: the kinds it may point at (the database enforces them too: 0010).
        seed: the seed file's key, holding a slug (`speaker`).
        required: whether it must be set.
    """

    column: str
    kinds: tuple[RecordKind, ...]
    seed: str
    required: bool = True

    @property
    def name(self) -> str:
        """The seed file's key."""
        return self.seed

    @property
    def columns(self) -> tuple[str, ...]:
        """The SQL columns this field fills."""
        return (self.column,)


@dataclass(frozen=True)
class Dated:
    """A date with its precision: `said` fills said_at and said_precision.

    Attributes:
        name: the input's and the seed file's key; the columns are `<name>_at` and
            `<name>_precision`.
        required: whether it must be set.
        precision: False for an instant kept without a precision column (a source's
            `retrieved`): only `<name>_at` exists.
    """

    name: str
    required: bool = False
    precision: bool = True

    @property
    def at(self) -> str:
        """The timestamptz column."""
        return f"{self.name}_at"

    @property
    def columns(self) -> tuple[str, ...]:
        """The SQL columns this field fills."""
        return (self.at, f"{self.name}_precision") if self.precision else (self.at,)


@dataclass(frozen=True)
class Link:
    """A many-to-many set a record owns (statement -> subjects, warning -> targets...).

    Attributes:
        name: the writer's and the inputs' name (`about_ids`).
        table: the link table.
        owner_column: its column holding the owner's id.
        target_column: its column holding the target's id.
        target_kinds: the kinds a target may be (the database enforces them too: 0010).
        seed: the seed file's key, holding a list of slugs (`about`).
    """

    name: str
    table: str
    owner_column: str
    target_column: str
    target_kinds: tuple[RecordKind, ...]
    seed: str

    @property
    def columns(self) -> tuple[str, ...]:
        """No column of the owner's table: the set lives in its own table."""
        return ()


@dataclass(frozen=True)
class Nested:
    """Records of another kind written inline under this one in the seed files
    (memberships under their actor); the child's `owner` column gets this record's id.

    Attributes:
        name: the seed file's key (`memberships`).
        kind: the kind of the records written there.
        max_length: how many one owner may list.
    """

    name: str
    kind: RecordKind
    max_length: int

    @property
    def columns(self) -> tuple[str, ...]:
        """No column: the children are records of their own."""
        return ()


Field = Column | Reference | Dated | Link | Nested


@dataclass(frozen=True)
class Owner:
    """The column of a kind written inline under another that holds its owner's id.

    Attributes:
        column: the SQL column (`member_id`).
        kinds: the kinds the owner may be.
    """

    column: str
    kinds: tuple[RecordKind, ...]


@dataclass(frozen=True)
class Description:
    """One kind of record.

    Attributes:
        kind: the record kind (also its row in `record`).
        name: the SQL table (a fixed identifier, never client input).
        fields: what a record holds, in the seed files' order.
        key: the columns that identify a record: its slug, or its natural key.
        owner: for a kind written inline under another, the column holding the owner.
        export_order: seed keys ordering the records of this kind in an export.
        cited: whether citations may be written inline under it in the seed files.
        seed_name: the name of its seed item type (`WarningItem`).
        checks: the table's named database checks (sql/migrations/0009): the input field
            at fault and what is wrong, in words; the writer reports them so.
        periods: dated fields that must not end before they start: (start, end, message).
            The database checks it too (a named check in `checks`).
    """

    kind: RecordKind
    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ("slug",)
    owner: Owner | None = None
    export_order: tuple[str, ...] = ("slug",)
    cited: bool = True
    seed_name: str = ""
    checks: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    periods: tuple[tuple[str, str, str], ...] = ()

    @property
    def slugged(self) -> bool:
        """Whether the record has a slug (one namespace across all slugged kinds)."""
        return self.key == ("slug",)

    @property
    def references(self) -> dict[str, tuple[RecordKind, ...]]:
        """Every column holding a record id and the kinds it may point at (owner included)."""
        found = {f.column: f.kinds for f in self.fields if isinstance(f, Reference)}
        if self.owner is not None:
            found = {self.owner.column: self.owner.kinds, **found}
        return found

    @property
    def links(self) -> dict[str, Link]:
        """Link sets by the writer's name."""
        return {f.name: f for f in self.fields if isinstance(f, Link)}

    @property
    def dates(self) -> dict[str, str]:
        """Dated input fields with a precision, and the column prefix they fill."""
        return {f.name: f.name for f in self.fields if isinstance(f, Dated) and f.precision}

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the seeds and the writer set (owner first), in field order."""
        owner = (self.owner.column,) if self.owner else ()
        return owner + tuple(c for f in self.fields for c in f.columns)

    @property
    def nested(self) -> tuple[Nested, ...]:
        """Kinds written inline under this one in the seed files."""
        return tuple(f for f in self.fields if isinstance(f, Nested))

    def seed_field(self, name: str) -> Field:
        """The field with this seed key."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)
