"""Dates with a precision: "2026", "2026-01", "2026-01-08" or a full ISO timestamp."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import msgspec

from service.errors import Invalid
from service.vocab import DatePrecision

_PATTERNS = (
    (re.compile(r"^\d{4}$"), DatePrecision.YEAR, "%Y"),
    (re.compile(r"^\d{4}-\d{2}$"), DatePrecision.MONTH, "%Y-%m"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), DatePrecision.DAY, "%Y-%m-%d"),
)


class PreciseDate(msgspec.Struct, frozen=True):
    """A point in time and how much of it is known; `at` is the start of that period (UTC)."""

    at: datetime
    precision: DatePrecision

    def text(self) -> str:
        """The date written at its precision ("2026-01", "2026-01-08", ISO for a time)."""
        if self.precision is DatePrecision.TIME:
            return self.at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        fmt = next(f for _, p, f in _PATTERNS if p == self.precision)
        return self.at.astimezone(UTC).strftime(fmt)


# The instants the record keeps: a day inside Python's and asyncpg's calendar, whose
# first and last instants asyncpg writes as -infinity and infinity (what an undated row
# sorts by), and where a time zone's offset would carry past year 1 or 9999.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def kept(moment: datetime, text: str, noun: str = "dates") -> datetime:
    """`moment` (read from `text`), if within EARLIEST..LATEST.

    Raises:
        ValueError: it is not, in words naming `text`.
    """
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(
            f"{text!r} is outside the {noun} the record keeps (0001-01-02 to 9999-12-30)"
        )
    return moment


def parse_precise_date(text: str, field: str | None = None) -> PreciseDate:
    """Read a date written at its precision; a full timestamp has precision `time`.

    Raises:
        Invalid: the text is no such date, or one outside EARLIEST..LATEST.
    """
    date = _parse(text.strip())
    if date is None:
        raise Invalid(
            f"{text!r} is not a date: write YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp",
            field=field,
        )
    try:
        kept(date.at, text)
    except ValueError as outside:
        raise Invalid(str(outside), field=field) from None
    return date


def _parse(value: str) -> PreciseDate | None:
    for pattern, precision, fmt in _PATTERNS:
        if pattern.match(value):
            try:
                return PreciseDate(datetime.strptime(value, fmt).replace(tzinfo=UTC), precision)
            except ValueError:
                return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return PreciseDate(at, DatePrecision.TIME)


def from_columns(at: datetime | None, precision: str | None) -> PreciseDate | None:
    """A PreciseDate from its two columns (None when the date is unknown)."""
    if at is None or precision is None:
        return None
    return PreciseDate(at, DatePrecision(precision))
