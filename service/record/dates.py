"""Dates with a precision: "2026", "2026-01", "2026-01-08" or a full ISO timestamp.

The one date reader of the API's inputs and the seed files. The database stores a
timestamptz and a `date_precision` next to it; a partial date is stored at the first
instant of its period, in UTC, so it is written back as the same text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

import msgspec

from service.errors import Invalid
from service.vocab import DatePrecision

# The one grammar of dates, for the API's inputs and the seed files alike: ASCII digits
# only (`\d` would take "٢٠٢٦"), a four-digit year, and a timestamp in ISO 8601's
# extended form, with an optional UTC offset (the seed files require one).
DATE_PATTERN = (
    r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$"
)
_SHAPE = re.compile(DATE_PATTERN)
_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")

# How each partial precision is written: by Python here, by PostgreSQL's to_char in the
# compiled answers (service/graphql/compiled/sql_json.py), both zero-padded to four digits
# (strftime("%Y") writes year 999 as "999" on Linux, which no reader takes back).
SQL_FORMATS = {
    DatePrecision.YEAR: "YYYY",
    DatePrecision.MONTH: "YYYY-MM",
    DatePrecision.DAY: "YYYY-MM-DD",
}


def write_date(at: datetime, precision: DatePrecision | str) -> str:
    """`at` written at its precision, in UTC: "0999", "0050-03", "2026-01-08", or an ISO
    timestamp with Z (microseconds only when not 0). `read_date` reads it back."""
    utc = at.astimezone(UTC)
    match DatePrecision(precision):
        case DatePrecision.YEAR:
            return f"{utc.year:04d}"
        case DatePrecision.MONTH:
            return f"{utc.year:04d}-{utc.month:02d}"
        case DatePrecision.DAY:
            return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        case _:
            return utc.isoformat().replace("+00:00", "Z")


def read_date(text: str, *, naive_as_utc: bool = True) -> tuple[datetime, DatePrecision]:
    """The instant a date names (the start of its period, UTC) and its precision.

    Raises:
        ValueError: `text` is not written in DATE_PATTERN, names no real date, or is a
            timestamp without an offset when `naive_as_utc` is off.
    """
    if not _SHAPE.match(text):
        raise ValueError(f"invalid date {text!r}")
    partial = _PARTIAL.match(text)
    if partial:
        year, month, day = partial.groups()
        precision = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        try:
            return datetime(int(year), int(month or 1), int(day or 1), tzinfo=UTC), precision
        except ValueError as exc:
            raise ValueError(f"invalid date {text!r}: {exc}") from None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"invalid date {text!r}: {exc}") from None
    if moment.tzinfo is None:
        if not naive_as_utc:
            raise ValueError(f"timestamp {text!r} needs a UTC offset (Z or +hh:mm)")
        moment = moment.replace(tzinfo=UTC)
    return moment, DatePrecision.TIME


class PreciseDate(msgspec.Struct, frozen=True):
    """A point in time and how much of it is known; `at` is the start of that period (UTC)."""

    at: datetime
    precision: DatePrecision

    def text(self) -> str:
        """The date written at its precision ("2026-01", "2026-01-08", ISO for a time)."""
        return write_date(self.at, self.precision)


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
    """Read a date written at its precision; a full timestamp has precision `time` (one
    without an offset is in UTC).

    Raises:
        Invalid: the text is no such date, or one outside EARLIEST..LATEST.
    """
    try:
        at, precision = read_date(text.strip())
    except ValueError:
        raise Invalid(
            f"{text!r} is not a date: write YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 timestamp",
            field=field,
        ) from None
    try:
        kept(at, text)
    except ValueError as outside:
        raise Invalid(str(outside), field=field) from None
    return PreciseDate(at.astimezone(UTC), precision)


def from_columns(at: datetime | None, precision: str | None) -> PreciseDate | None:
    """A PreciseDate from its two columns (None when the date is unknown)."""
    if at is None or precision is None:
        return None
    return PreciseDate(at, DatePrecision(precision))


Precision = Literal["year", "month", "day", "time"]


def parse_partial_date(text: str) -> tuple[datetime, Precision]:
    """Read a seed date into the instant stored in the database and its precision.

    Raises:
        ValueError: not a real date, or a timestamp without a UTC offset (a naive time
            would be read in the database server's time zone, which nobody can see).
    """
    moment, precision = read_date(text, naive_as_utc=False)
    value: Precision = precision.value
    return kept(moment, text).astimezone(UTC), value


def format_partial_date(moment: datetime, precision: str) -> str:
    """The seed text of a stored instant at its precision (write_date)."""
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
