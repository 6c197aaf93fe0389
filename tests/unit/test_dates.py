"""Dates with a precision: parsing, writing back, errors."""

import random
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from service.errors import Invalid
from service.record.dates import (
    DATED_PATTERN,
    EARLIEST,
    LATEST,
    DateRefused,
    PreciseDate,
    ends_before,
    format_partial_date,
    from_columns,
    latest_instant,
    parse_partial_date,
    parse_precise_date,
    read_date,
    write_date,
)
from service.record.paging import SortKey, dated_order
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


# --- Ranges and the interval a date names --------------------------------------------


def _day(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _last(year: int, month: int, day: int) -> datetime:
    """The last microsecond of a day (UTC)."""
    return datetime(year, month, day, 23, 59, 59, 999999, UTC)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2026", _day(2026, 1, 1), _last(2026, 12, 31)),
        ("2026-02", _day(2026, 2, 1), _last(2026, 2, 28)),
        ("2028-02", _day(2028, 2, 1), _last(2028, 2, 29)),
        ("2026-01-08", _day(2026, 1, 8), _last(2026, 1, 8)),
        ("2026-01-08T14:30:00+01:00", _day(2026, 1, 8, 13, 30), _day(2026, 1, 8, 13, 30)),
        ("2026-01-07/2026-01-08", _day(2026, 1, 7), _last(2026, 1, 8)),
        ("2025-12/2026-01", _day(2025, 12, 1), _last(2026, 1, 31)),
        ("2026-01-06T14:00:00Z/2026-01-06T18:30:00+01:00", _day(2026, 1, 6, 14),
         _day(2026, 1, 6, 17, 30)),
        ("9999", _day(9999, 1, 1), _last(9999, 12, 31)),
    ],
)  # fmt: skip
def test_a_date_names_an_interval(text: str, earliest: datetime, latest: datetime) -> None:
    date = parse_precise_date(text)
    assert (date.at, date.latest) == (earliest, latest)
    assert latest_instant(date.until or date.at, date.precision) == latest


def test_a_range_is_read_and_written_back() -> None:
    date = parse_precise_date("2026-01-07/2026-01-08")
    assert date == PreciseDate(
        datetime(2026, 1, 7, tzinfo=UTC), DatePrecision.DAY, datetime(2026, 1, 8, tzinfo=UTC)
    )
    assert date.text() == "2026-01-07/2026-01-08"
    assert parse_partial_date("2026-01-07/2026-01-08") == date  # the seed files' reader
    assert from_columns(date.at, "day", date.until) == date
    # Times are written in UTC, as one date is.
    timed = parse_precise_date("2026-01-06T15:00:00+01:00/2026-01-06T18:00:00+01:00")
    assert timed.text() == "2026-01-06T14:00:00Z/2026-01-06T17:00:00Z"
    assert parse_precise_date(timed.text()) == timed


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-01-08/2026-01-07", "'2026-01-08/2026-01-07' is a range that ends before it starts"),
        ("2026-01/2025-12", "ends before it starts"),
        ("2026-01-06T18:00:00Z/2026-01-06T14:00:00Z", "ends before it starts"),
        ("2026-01/2026-01-15", "ends have different precisions: write both at the same one"),
        ("2026/2026-01-01", "different precisions"),
        ("2026-01-07/2026-01-07", "is one day, not a range: write '2026-01-07' alone"),
        ("2026/2026", "is one year, not a range"),
        ("2026-01-06T15:00:00+01:00/2026-01-06T14:00:00Z", "is one moment, not a range"),
        ("2026-01-07/9999-12-31", "'9999-12-31' is outside the dates the record keeps"),
    ],
)  # fmt: skip
def test_a_range_whose_ends_make_no_range_is_refused_in_words(text: str, words: str) -> None:
    with pytest.raises(Invalid, match=re.escape(words)) as excinfo:
        parse_precise_date(text, field="said")
    assert excinfo.value.field == "said"
    with pytest.raises(DateRefused, match=re.escape(words)):
        parse_partial_date(text)


@pytest.mark.parametrize(
    "text", ["2026-01-07/", "/2026-01-08", "2026-01-07/2026-01-08/2026-01-09", "2026-01-07/x",
             "2026-01-07 / 2026-01-08", "2026-01-07/2026-02-30", "2026-01-07..2026-01-08"],
)  # fmt: skip
def test_a_range_of_no_dates_is_not_a_date(text: str) -> None:
    with pytest.raises(Invalid, match=r"is not a date.*or a range of two"):
        parse_precise_date(text)
    with pytest.raises(ValueError, match="invalid date"):
        parse_partial_date(text)


def test_seed_ranges_need_offsets_as_single_times_do() -> None:
    with pytest.raises(ValueError, match="needs a UTC offset"):
        parse_partial_date("2026-01-06T14:00:00Z/2026-01-06T18:00:00")


def test_the_seed_format_takes_a_range_where_it_takes_a_date() -> None:
    assert re.match(DATED_PATTERN, "2026-01-07/2026-01-08")
    assert re.match(DATED_PATTERN, "2026-01-06T14:00:00Z/2026-01-06T18:00:00+01:00")
    assert not re.match(DATED_PATTERN, "2026-01-07/2026-01-08/2026-01-09")


@pytest.mark.parametrize(
    ("end", "start", "before"),
    [
        ("2025", "2026", True),
        ("2026", "2026-03", False),  # the end's year may be after March
        ("2026-01-31", "2026-02", True),
        ("2026-01/2026-03", "2026-02", False),  # the end may be in March
        ("2026-01-07/2026-01-08", "2026-01-09", True),
        ("2026-01-08", "2026-01-07/2026-01-09", False),
        ("2026-01-06T13:59:59Z", "2026-01-06T14:00:00Z", True),
        ("2026-01-06T14:00:00Z", "2026-01-06T14:00:00Z", False),
    ],
)
def test_an_end_is_before_a_start_only_when_it_cannot_be_after(
    end: str, start: str, before: bool
) -> None:
    assert ends_before(end, start) is before


def test_the_latest_instant_never_leaves_python_s_calendar() -> None:
    rng = random.Random(18)
    for _ in range(5000):
        day = date.fromordinal(
            rng.randint(date(1, 1, 2).toordinal(), date(9999, 12, 30).toordinal())
        )
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for precision in DatePrecision:
            latest = latest_instant(start, precision)
            assert start <= latest
            if precision is not DatePrecision.TIME:
                after = latest + timedelta(microseconds=1) if latest.year < 9999 else None
                assert after is None or read_date(write_date(after, precision))[0] == after


# --- The one order of dated items ----------------------------------------------------


def _sorted(texts: list[str]) -> list[str]:
    """Texts in the one order of dated items (dated_order): latest, then earliest."""
    dates = {t: parse_precise_date(t) for t in texts}
    return sorted(texts, key=lambda t: (dates[t].latest, dates[t].at))


def test_a_less_precise_date_keeps_its_place() -> None:
    texts = [
        "2026-01",
        "2026-01-08",
        "2026-01-07/2026-01-08",
        "2026-01-06",
        "2026-01-08T09:00:00Z",
        "2026-01-08T18:00:00+01:00",
        "2026-01-31",
        "2026-02-01",
        "2026",
    ]
    assert _sorted(texts) == [
        "2026-01-06",
        "2026-01-08T09:00:00Z",  # a day's items in their time of day...
        "2026-01-08T18:00:00+01:00",
        "2026-01-07/2026-01-08",  # ...then those that may be at its end, widest first
        "2026-01-08",
        "2026-01",  # a month after every day it may be, its last day included
        "2026-01-31",
        "2026-02-01",
        "2026",
    ]


def test_dated_order_sorts_by_latest_then_earliest_then_id_one_way() -> None:
    newest = dated_order("said_latest", "said_at", descending=True)
    assert newest.sql() == "said_latest desc, said_at desc, id desc"
    oldest = dated_order("latest", "at", then=(SortKey("item_kind", "text", True),))
    assert oldest.sql() == "latest asc, at asc, item_kind asc, id asc"
