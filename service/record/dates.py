"""Dates with a precision: "2026", "2026-01", "2026-01-08" or a full ISO timestamp."""

from __future__ import annotations

import re
from datetime import UTC, datetime

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
