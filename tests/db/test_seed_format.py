"""The seed format without a database: dates with precision, YAML scalars, slugs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from service.record.dates import format_partial_date, parse_partial_date
from service.seeds.documents import read_document
from service.seeds.models import Provision, Source, Statement


@pytest.mark.parametrize(
    ("text", "moment", "precision"),
    [
        ("2026", datetime(2026, 1, 1, tzinfo=UTC), "year"),
        ("2026-01", datetime(2026, 1, 1, tzinfo=UTC), "month"),
        ("2026-01-06", datetime(2026, 1, 6, tzinfo=UTC), "day"),
        ("2026-01-06T14:30:00Z", datetime(2026, 1, 6, 14, 30, tzinfo=UTC), "time"),
        ("2026-01-06T14:30:00+01:00", datetime(2026, 1, 6, 13, 30, tzinfo=UTC), "time"),
    ],
)
def test_partial_dates_round_trip(text: str, moment: datetime, precision: str) -> None:
    read = parse_partial_date(text)
    assert (read.at, read.precision, read.until) == (moment, precision, None)
    formatted = format_partial_date(moment, precision)
    assert parse_partial_date(formatted) == read
    assert formatted == text or precision == "time"


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13", "2026-01-06T14:30:00"])
def test_impossible_or_naive_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"date|offset"):
        parse_partial_date(text)


def test_yaml_keeps_codes_and_dates_as_text(tmp_path: Path) -> None:
    seed = tmp_path / "scalars.yaml"
    seed.write_text(
        "a: 2026-01-06\nb: 0334\nc: NO\nd: 2026\ne: true\nf: ~\ng: 1.5\n", encoding="utf-8"
    )

    document, problems = read_document(seed, "scalars.yaml")

    assert problems == []
    assert document is not None
    assert document.data == {
        "a": "2026-01-06", "b": "0334", "c": "NO", "d": "2026", "e": True, "f": None, "g": "1.5",
    }  # fmt: skip


def test_slug_pattern_allows_one_declaration_prefix() -> None:
    def provision(slug: str) -> object:
        return {"slug": slug, "position": "1", "topic": "other", "title": "T"}

    assert msgspec.convert(provision("decl/clause-1"), Provision, strict=False).position == 1
    for bad in ("Decl", "a--b", "a/b/c", "-a", "a b"):
        with pytest.raises(msgspec.ValidationError, match="regex"):
            msgspec.convert(provision(bad), Provision, strict=False)


def test_event_code_and_language_patterns() -> None:
    statement = {
        "slug": "s", "speaker": "a", "said": "2026", "channels": ["x"], "quote": "q",
    }  # fmt: skip
    assert msgspec.convert({**statement, "event_code": "0334"}, Statement).event_code == "0334"
    with pytest.raises(msgspec.ValidationError, match="event_code"):
        msgspec.convert({**statement, "event_code": "3"}, Statement)
    with pytest.raises(msgspec.ValidationError, match="language"):
        msgspec.convert({**statement, "language": "English"}, Statement)


def test_a_range_is_a_date_with_a_precision_only() -> None:
    base = {"slug": "s", "url": "urn:s", "publisher": "P", "kind": "wire"}
    ranged = msgspec.convert({**base, "published": "2026-01-07/2026-01-08"}, Source)
    assert ranged.published == "2026-01-07/2026-01-08"
    # `retrieved` keeps an instant, without a precision: a range would lose its end.
    with pytest.raises(msgspec.ValidationError, match=r"regex .* - at `\$.retrieved`"):
        msgspec.convert({**base, "retrieved": "2026-01-07/2026-01-08"}, Source)
