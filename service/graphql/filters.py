"""Helpers turning filter inputs into query parameters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from service.graphql.ids import decode_id_of
from service.record.dates import LATEST, parse_precise_date
from service.vocab import DatePrecision, RecordKind

AS_OF_DESCRIPTION = (
    "Only what was held on this date (YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp): for each "
    "actor and subject, the stances begun by the end of that date and not followed by "
    "another begun by then, from the stance history (`since`; an undated stance holds "
    "from the start until a dated one follows). Two begun together are both held."
)


def ids_of(
    global_ids: Sequence[str] | None, kinds: tuple[RecordKind, ...], field: str
) -> list[int] | None:
    """Database ids of a filter's global ids (None: no condition)."""
    if not global_ids:
        return None
    return [decode_id_of(g, kinds, field) for g in global_ids]


def held_at(as_of: str | None, field: str = "asOf") -> datetime | None:
    """The instant an as-of date is read at: the end of its period (exclusive), so that
    `2026-01-08` holds what was begun on that day; None when `as_of` is None.

    Raises:
        Invalid: `as_of` is not a date the record keeps.
    """
    if as_of is None:
        return None
    date = parse_precise_date(as_of, field)
    start = date.at
    match date.precision:
        case DatePrecision.YEAR:
            end = start.replace(year=start.year + 1) if start.year < LATEST.year else LATEST
        case DatePrecision.MONTH:
            year, month = divmod(start.month, 12)
            end = (
                start.replace(year=start.year + year, month=month + 1)
                if (start.year, start.month) < (LATEST.year, LATEST.month)
                else LATEST
            )
        case DatePrecision.DAY:
            end = min(start + timedelta(days=1), LATEST)
        case _:
            end = start + timedelta(microseconds=1)
    return end
