"""Dates with a precision: parsing, writing back, errors."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from service.errors import Invalid
from service.record.dates import (
    EARLIEST,
    LATEST,
    PreciseDate,
    format_partial_date,
    from_columns,
    parse_partial_date,
    parse_precise_date,
    read_date,
    write_date,
)
from service.vocab import DatePrecision


@pytest.mark.parametrize(
    ("text", "precision", "at"),
    [
        ("2026", DatePrecision.YEAR, datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01", DatePrecision.MONTH, datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-08", DatePrecision.DAY, datetime(2026, 1, 8, tzinfo=UTC)),
        ("2026-01-08T14:30:00Z", DatePrecision.TIME, datetime(2026, 1, 8, 14, 30, tzinfo=UTC)),
        ("2026-01-08T16:30:00+02:00", DatePrecision.TIME, datetime(2026, 1, 8, 14, 30, tzinfo=UTC)),
    ],
)
def test_parse_and_write_back(text: str, precision: DatePrecision, at: datetime) -> None:
    date = parse_precise_date(text)
    assert date == PreciseDate(at, precision)
    expected = text if precision is not DatePrecision.TIME else "2026-01-08T14:30:00Z"
    assert date.text() == expected


@pytest.mark.parametrize("text", ["Monday", "2026-13", "2026-02-30", "26", "", "2026/01/08"])
def test_not_a_date(text: str) -> None:
    with pytest.raises(Invalid, match="is not a date") as excinfo:
        parse_precise_date(text, field="said")
    assert excinfo.value.field == "said"


def test_from_columns_accepts_database_strings() -> None:
    date = from_columns(datetime(2026, 1, 1, tzinfo=UTC), "month")
    assert date is not None
    assert date.text() == "2026-01"
    assert from_columns(None, None) is None


# --- One writer, one reader, over the whole range the record keeps -------------------


def _round_trip(text: str) -> None:
    """An accepted date, written, reads back as itself; a partial one is written as read."""
    date = parse_precise_date(text)
    again = parse_precise_date(date.text())
    assert again == date, (text, date.text())
    if date.precision is not DatePrecision.TIME:
        assert date.text() == text
    assert date.text() == write_date(date.at, date.precision.value)


def _kept(at: datetime) -> bool:
    return EARLIEST <= at <= LATEST


def test_every_year_and_every_month_round_trips() -> None:
    for year in range(1, 10000):
        texts = [f"{year:04d}", *(f"{year:04d}-{month:02d}" for month in range(1, 13))]
        for text in texts:
            at, _ = read_date(text)
            if _kept(at):
                _round_trip(text)
            else:  # 0001 and 0001-01 start before the first instant kept
                with pytest.raises(Invalid, match="outside"):
                    parse_precise_date(text)


def test_days_round_trip_across_the_range() -> None:
    rng = random.Random(20261204)
    first, last = date(1, 1, 2).toordinal(), date(9999, 12, 30).toordinal()
    days = [date.fromordinal(rng.randint(first, last)) for _ in range(20000)]
    days += [date(y, m, d) for y in (2, 50, 999, 1000, 2024, 9999) for m, d in ((1, 1), (2, 28))]
    days += [date(1, 1, 2), date(9999, 12, 30), date(400, 2, 29), date(2000, 2, 29)]
    for day in days:
        _round_trip(day.isoformat())
    for outside in ("0001-01-01", "9999-12-31"):
        with pytest.raises(Invalid, match="outside"):
            parse_precise_date(outside)


def test_times_round_trip_across_the_range() -> None:
    rng = random.Random(4)
    start, end = EARLIEST.timestamp(), LATEST.timestamp()
    for _ in range(20000):
        at = datetime.fromtimestamp(rng.uniform(start, end), UTC)
        at = at.replace(microsecond=rng.choice([0, at.microsecond]))
        offset = rng.choice(["Z", "+00:00", "+05:30", "-11:00"])
        text = at.isoformat().replace("+00:00", "")
        if offset != "Z" and offset != "+00:00":
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            shifted = at + sign * timedelta(hours=hours, minutes=minutes)
            if not _kept(shifted.replace(tzinfo=UTC)):
                continue
            text = shifted.replace(tzinfo=None).isoformat()
        _round_trip(text + offset)
        assert parse_precise_date(text + offset).at == at
    _round_trip("0999-03-04T05:06:07Z")
    assert parse_precise_date("0050-03-01T00:00:00.000001Z").text() == "0050-03-01T00:00:00.000001Z"


@pytest.mark.parametrize(
    ("precision", "written"),
    [
        ("year", "0999"),
        ("month", "0050-03"),
        ("day", "0007-08-09"),
        ("time", "0999-01-01T00:00:00Z"),
    ],
)
def test_early_years_are_written_with_four_digits(precision: str, written: str) -> None:
    at, _ = read_date(written)
    assert write_date(at, precision) == written
    assert format_partial_date(at, precision) == written  # the seed files' writer is this one


@pytest.mark.parametrize(
    "text",
    # Arabic-Indic and fullwidth digits (which `\d` matches), ISO's basic and week forms.
    [
        *("\u0662\u0660\u0662\u0666", "\uff12\uff10\uff12\uff16-01", "20260108", "2026-W01"),
        *("2026-01-08T10", "999", "10000"),
    ],
)
def test_only_the_one_grammar_is_read(text: str) -> None:
    with pytest.raises(Invalid, match="is not a date"):
        parse_precise_date(text)
    with pytest.raises(ValueError, match="invalid date"):
        parse_partial_date(text)
