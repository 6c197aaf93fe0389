"""What one step of the generator produces, and the constants the steps share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.vocab import (
    RecordKind,
)

K = RecordKind
Row = tuple[Any, ...]
START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2026, 10, 31, tzinfo=UTC) - START).total_seconds())
ROLES = ("spokesperson", "minister", "deputy minister", "ambassador", "adviser", "envoy")
PLACES = ("Paris", "Geneva", "Istanbul", "Brussels", "Warsaw", "Riyadh", "Vienna", "Helsinki")
FIELDS = ("said_at", "speaker", "key_phrase", "on_behalf_of")


@dataclass
class Links:
    """Rows of a link table owned by the step's records: (owner row index, target id)."""

    table: str
    owner_column: str
    target_column: str
    pairs: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Step:
    """One kind's rows (no id yet) and the link rows its records own."""

    kind: RecordKind
    columns: list[str]
    rows: list[Row]
    links: list[Links] = field(default_factory=list)
    back_ref: int | None = None
    """A column holding, instead of an id, an offset back to an earlier row of this step
    (a warning repeating an earlier one): resolved once the step's ids are known."""

    def with_ids(self, ids: Sequence[int]) -> list[Row]:
        """The rows with their ids in front, and offsets turned into ids."""
        out = []
        for i, (record_id, row) in enumerate(zip(ids, self.rows, strict=True)):
            if self.back_ref is not None and row[self.back_ref] is not None:
                row = (
                    *row[: self.back_ref],
                    ids[i - row[self.back_ref]],
                    *row[self.back_ref + 1 :],
                )
            out.append((record_id, *row))
        return out

    @property
    def table(self) -> str:
        """The kind's table (named like the kind)."""
        return self.kind.value
