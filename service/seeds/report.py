"""What a load did (or would do): counts per kind, the changes, a summary table, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TextIO

from service.seeds.entries import KIND_ORDER

Outcome = Literal["created", "updated", "unchanged"]
Progress = Callable[[int, int], None]
"""Called as progress(done, total) as a load goes (after each batch of records)."""


@dataclass
class KindCounts:
    """Records of one kind created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """All records of this kind in the seeds."""
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class ChangeNote:
    """One record written (or that would be, in a dry run)."""

    kind: str
    label: str
    outcome: Outcome
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        changed = f" ({', '.join(self.fields)})" if self.fields else ""
        verb = "create" if self.outcome == "created" else "update"
        return f"{verb} {self.kind} {self.label}{changed}"


@dataclass
class LoadReport:
    """The result of `load_seeds`.

    Attributes:
        files: the seed files read, in order.
        counts: per record kind, in load order.
        changes: every record created or updated, in load order.
        dry_run: True when the transaction was rolled back.
        seconds: wall time of the database part of the load.
    """

    files: list[str] = field(default_factory=list)
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in KIND_ORDER}
    )
    changes: list[ChangeNote] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    def note(self, kind: str, label: str, outcome: Outcome, fields: tuple[str, ...] = ()) -> None:
        """Count one record; remember it unless it was unchanged."""
        counts = self.counts[kind]
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        if outcome != "unchanged":
            self.changes.append(ChangeNote(kind, label, outcome, fields))

    def amend(self, kind: str, label: str, fields: tuple[str, ...]) -> None:
        """A record noted earlier in this load was written again (its link sets to kinds
        written later, `fields`): one created stays created; one noted unchanged is
        updated after all; one updated names these fields too."""
        for index, note in enumerate(self.changes):
            if note.kind == kind and note.label == label:
                if note.outcome == "updated":
                    self.changes[index] = ChangeNote(kind, label, "updated", note.fields + fields)
                return
        counts = self.counts[kind]
        counts.unchanged -= 1
        counts.updated += 1
        self.changes.append(ChangeNote(kind, label, "updated", fields))

    @property
    def totals(self) -> KindCounts:
        """The counts summed over every kind."""
        return KindCounts(
            created=sum(c.created for c in self.counts.values()),
            updated=sum(c.updated for c in self.counts.values()),
            unchanged=sum(c.unchanged for c in self.counts.values()),
        )

    def summary_table(self) -> str:
        """A fixed-width table: one row per kind with records, and a total."""
        rows = [(kind, c) for kind, c in self.counts.items() if c.total]
        rows.append(("total", self.totals))
        width = max(len(kind) for kind, _ in rows)
        head = f"{'kind':<{width}}  {'created':>7}  {'updated':>7}  {'unchanged':>9}"
        lines = [head, "-" * len(head)]
        for kind, c in rows:
            if kind == "total":
                lines.append("-" * len(head))
            lines.append(f"{kind:<{width}}  {c.created:>7}  {c.updated:>7}  {c.unchanged:>9}")
        mode = " (dry run: rolled back)" if self.dry_run else ""
        lines.append(f"{len(self.files)} file(s), {self.seconds:.2f} s{mode}")
        return "\n".join(lines)


class ProgressLine:
    """A one-line progress display on a stream, redrawn every `every` records.

    It shows only when the stream is a terminal or the load is long (more than
    `threshold` records): a short load in a log needs no progress lines.
    """

    def __init__(self, stream: TextIO, *, every: int = 250, threshold: int = 1000) -> None:
        self.stream = stream
        self.every = every
        self.threshold = threshold
        self._shown: bool | None = None
        self._tty = stream.isatty()
        self._reported = 0  # how many `every`s were reported: batches jump past multiples

    def __call__(self, done: int, total: int) -> None:
        """Report `done` of `total` records."""
        if self._shown is None:
            self._shown = self._tty or total > self.threshold
        if not self._shown or (done // self.every == self._reported and done != total):
            return
        self._reported = done // self.every
        percent = 100 * done // max(total, 1)
        text = f"loading seeds: {done}/{total} records ({percent}%)"
        # On a terminal the line redraws in place; in a log each update is its own line.
        self.stream.write(f"\r{text}" if self._tty else f"{text}\n")
        if self._tty and done == total:
            self.stream.write("\n")
        self.stream.flush()
