"""The DateTime scalar, read within the instants the record keeps.

Strawberry's own DateTime accepts any ISO 8601 time. One whose offset carries it past
year 1 or 9999 in UTC ("0001-01-01T00:00:00+01:00") failed in asyncpg as a server error,
and the very first and last instants reach PostgreSQL as -infinity and infinity. This
one refuses them as a coercion error, like any malformed DateTime, and reads a time
without an offset as UTC (as dates in inputs are), never as the server's local time.
"""

from __future__ import annotations

from datetime import UTC, datetime

import dateutil.parser  # type: ignore[import-untyped]  # (Strawberry parses with it)
from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition

from service.record.dates import kept


def _bounded(text: str) -> datetime:
    moment = dateutil.parser.isoparse(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return kept(moment, text, "times")


BOUNDED_DATETIME = ScalarDefinition(
    name=DateTimeDefinition.name,
    description=DateTimeDefinition.description,
    specified_by_url=DateTimeDefinition.specified_by_url,
    serialize=DateTimeDefinition.serialize,
    parse_value=wrap_parser(_bounded, "DateTime", exceptions=(ValueError, OverflowError)),
    parse_literal=None,
    origin=datetime,
)
"""Use as `scalar_overrides={datetime: BOUNDED_DATETIME}`: the SDL is unchanged."""
