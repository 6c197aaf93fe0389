"""Dates as intervals: a date at its precision ("2026", "2026-01", "2026-01-08", an ISO
timestamp) or a range of two at the same precision ("2026-01-07/2026-01-08").

The one date reader of the API's inputs and the seed files. A date names the interval in
which something happened, from its earliest instant to its latest: "2026-01" is some
moment of January, "2026-01-07/2026-01-08" some moment of the 7th or the 8th (not both
days: a range is what the sources allow, not a duration), a timestamp that moment.

The database keeps four columns per dated field: `<name>_at`, the earliest instant (the
start of the first period, in UTC), `<name>_precision`, `<name>_until`, a range's last
period as its first instant (null for one date), and `<name>_latest`, the latest instant,
which it computes itself (`date_latest`, migration 0011; `latest_instant` here). A date is
therefore written back as the same text.

Every list of dated items is ordered by one rule (docs/API.md, "Dates"): the latest
instant an item may have happened, then its earliest, then its id
(`service.record.paging.dated_order`); a window keeps every item whose interval overlaps
it. "2026-01" thus comes after every day of January (it may be the 31st), a range sorts
by its last day, and the items of one day come in their time of day, the untimed last.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

import msgspec

from service.errors import Invalid
from service.vocab import DatePrecision

# The one grammar of dates, for the API's inputs and the seed files alike: ASCII digits
# only (`\d` would take "٢٠٢٦"), a four-digit year, and a timestamp in ISO 8601's
# extended form, with an optional UTC offset (the seed files require one).
_ONE_DATE = (
    r"[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?"
)
DATE_PATTERN = f"^{_ONE_DATE}$"
RANGE_SEPARATOR = "/"
"""Between a range's two ends, as in ISO 8601's intervals."""
DATED_PATTERN = f"^{_ONE_DATE}({RANGE_SEPARATOR}{_ONE_DATE})?$"
"""A date or a range: what a dated field of the seed files holds."""
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

# A precision's period, in the words of an error.
_UNITS = {
    DatePrecision.YEAR: "year",
    DatePrecision.MONTH: "month",
    DatePrecision.DAY: "day",
    DatePrecision.TIME: "moment",
}


class DateRefused(ValueError):
    """A date read in full but not one the record keeps: outside its instants, or a range
    whose ends make no range. The message is worded for people, with the text."""


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
    """The instant one date names (the start of its period, UTC) and its precision.

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


def latest_instant(start: datetime, precision: DatePrecision | str) -> datetime:
    """The last instant (to the microsecond) of the period starting at `start`: the last
    of its year, month or day in UTC, or `start` itself for a time. PostgreSQL's
    `date_latest` (migration 0011) computes the same."""
    utc = start.astimezone(UTC)
    match DatePrecision(precision):
        case DatePrecision.YEAR:
            day = utc.replace(month=12, day=31)
        case DatePrecision.MONTH:
            day = utc.replace(day=calendar.monthrange(utc.year, utc.month)[1])
        case DatePrecision.DAY:
            day = utc
        case _:
            return utc
    return day.replace(hour=23, minute=59, second=59, microsecond=999999)


class PreciseDate(msgspec.Struct, frozen=True):
    """When something happened, as far as it is known: one date at its precision, or a
    range of two at the same precision.

    Attributes:
        at: the earliest instant: the start of the (first) period, UTC.
        precision: how much of each end is known.
        until: for a range, its last period, as its first instant (UTC): "until 8
            January" is to the end of the 8th. None for one date.
    """

    at: datetime
    precision: DatePrecision
    until: datetime | None = None

    @property
    def latest(self) -> datetime:
        """The latest instant it may have happened: the end of its (last) period."""
        return latest_instant(self.at if self.until is None else self.until, self.precision)

    def text(self) -> str:
        """The date written at its precision ("2026-01", "2026-01-08", ISO for a time),
        a range as its two ends joined by RANGE_SEPARATOR."""
        first = write_date(self.at, self.precision)
        if self.until is None:
            return first
        return f"{first}{RANGE_SEPARATOR}{write_date(self.until, self.precision)}"


# The instants the record keeps: a day inside Python's and asyncpg's calendar, whose
# first and last instants asyncpg writes as -infinity and infinity (what an undated row
# sorts by), and where a time zone's offset would carry past year 1 or 9999.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def kept(moment: datetime, text: str, noun: str = "dates") -> datetime:
    """`moment` (read from `text`), if within EARLIEST..LATEST.

    Raises:
        DateRefused: it is not, in words naming `text`.
    """
    if not EARLIEST <= moment <= LATEST:
        raise DateRefused(
            f"{text!r} is outside the {noun} the record keeps (0001-01-02 to 9999-12-30)"
        )
    return moment


def read_dated(text: str, *, naive_as_utc: bool = True) -> PreciseDate:
    """A date, or a range of two dates at the same precision whose last period begins
    after its first ("2026-01-07/2026-01-08"), each end within EARLIEST..LATEST.

    Raises:
        DateRefused: the text is read, but is no date the record keeps (outside its
            instants, or a range ending before it starts, with ends at two precisions,
            or with one period at both ends).
        ValueError: an end is not in the grammar (read_date).
    """
    first, separator, last = text.partition(RANGE_SEPARATOR)
    at, precision = read_date(first, naive_as_utc=naive_as_utc)
    kept(at, first)
    if not separator:
        return PreciseDate(at.astimezone(UTC), precision)
    until, until_precision = read_date(last, naive_as_utc=naive_as_utc)
    kept(until, last)
    if until_precision is not precision:
        raise DateRefused(
            f"{text!r} is a range whose ends have different precisions: write both at "
            "the same one (2026-01-07/2026-01-08, 2025-12/2026-01)"
        )
    if until < at:
        raise DateRefused(f"{text!r} is a range that ends before it starts")
    if until == at:
        raise DateRefused(
            f"{text!r} is one {_UNITS[precision]}, not a range: write {first!r} alone"
        )
    return PreciseDate(at.astimezone(UTC), precision, until.astimezone(UTC))


def parse_precise_date(text: str, field: str | None = None) -> PreciseDate:
    """Read a date or a range given to the API; a full timestamp has precision `time`
    (one without an offset is in UTC).

    Raises:
        Invalid: the text is no such date, or one the record does not keep (read_dated).
    """
    try:
        return read_dated(text.strip())
    except DateRefused as refused:
        raise Invalid(str(refused), field=field) from None
    except ValueError:
        raise Invalid(
            f"{text!r} is not a date: write YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 "
            "timestamp, or a range of two at the same precision (2026-01-07/2026-01-08)",
            field=field,
        ) from None


def from_columns(
    at: datetime | None, precision: str | None, until: datetime | None = None
) -> PreciseDate | None:
    """A PreciseDate from its columns (None when the date is unknown)."""
    if at is None or precision is None:
        return None
    return PreciseDate(at, DatePrecision(precision), until)


def parse_partial_date(text: str) -> PreciseDate:
    """Read a seed date or range into what the database stores (read_dated).

    Raises:
        ValueError: not a real date, or a timestamp without a UTC offset (a naive time
            would be read in the database server's time zone, which nobody can see).
        DateRefused: a date or range the record does not keep, in words for people.
    """
    return read_dated(text, naive_as_utc=False)


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
    """Whether the date `end` is over before the date `start` can begin: its latest
    instant is before the other's earliest ("2025" before "2026"; not "2026" before
    "2026-03"). The database's check of periods says the same (migration 0011)."""
    return parse_partial_date(end).latest < parse_partial_date(start).at
