"""Dates with their precision: "2026" (year), "2026-01" (month), "2026-01-06" (day), or a
full ISO 8601 timestamp with a UTC offset (time).

The database stores a timestamptz and a `date_precision` next to it; a partial date is
stored at the first instant of its period, in UTC, so it exports back to the same text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from service.record.dates import DATE_PATTERN, kept, read_date, write_date

Precision = Literal["year", "month", "day", "time"]

__all__ = [
    "DATE_PATTERN",
    "ends_before",
    "format_instant",
    "format_partial_date",
    "parse_partial_date",
]


def parse_partial_date(text: str) -> tuple[datetime, Precision]:
    """Read a seed date into the instant stored in the database and its precision
    (service.record.dates.read_date, the API's reader).

    Raises:
        ValueError: not a real date, or a timestamp without a UTC offset (a naive time
            would be read in the database server's time zone, which nobody can see).
    """
    moment, precision = read_date(text, naive_as_utc=False)
    value: Precision = precision.value
    return kept(moment, text).astimezone(UTC), value


def format_partial_date(moment: datetime, precision: str) -> str:
    """The seed text of a stored instant at its precision (service.record.dates.write_date)."""
    return write_date(moment, precision)


def format_instant(moment: datetime) -> str:
    """A stored instant without a precision column: a day at midnight UTC, else a timestamp."""
    utc = moment.astimezone(UTC)
    if (utc.hour, utc.minute, utc.second, utc.microsecond) == (0, 0, 0, 0):
        return format_partial_date(utc, "day")
    return format_partial_date(utc, "time")


def ends_before(end: str, start: str) -> bool:
    """Whether the period `end` names is over before the period `start` names begins
    ("2025" before "2026"; not "2026" before "2026-03"): date_period_end in SQL."""
    end_at, end_precision = parse_partial_date(end)
    start_at, _ = parse_partial_date(start)
    if end_at >= start_at:
        return False
    try:
        return _period_end(end_at, end_precision) <= start_at
    except ValueError:
        return False  # the period runs past 9999, so past any start


def _period_end(at: datetime, precision: Precision) -> datetime:
    """The first instant after the period starting at `at` (at itself for a time)."""
    if precision == "year":
        return at.replace(year=at.year + 1)  # at is January 1st: never a 29 February
    if precision == "month":
        return at.replace(year=at.year + at.month // 12, month=at.month % 12 + 1)
    if precision == "day":
        return at + timedelta(days=1)
    return at
