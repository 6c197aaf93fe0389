"""Dates with a precision: parsing, writing back, errors."""

from datetime import UTC, datetime

import pytest

from service.dates import PreciseDate, from_columns, parse_precise_date
from service.errors import Invalid
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
