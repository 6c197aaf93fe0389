"""Keyset paging: cursors round-trip, are checked, and the SQL condition is exact."""

from datetime import UTC, datetime

import pytest

from service.database.named_queries import query
from service.errors import Invalid
from service.record.keyset import decode_cursor, encode_cursor, keyset_condition, leading_bound
from service.record.paging import Order, PageRequest, SortKey, union_branches

ORDER = Order((SortKey("said_at", "timestamptz", True), SortKey("id", "bigint", True)))


def test_cursor_round_trip() -> None:
    row = {"said_at": datetime(2026, 1, 8, tzinfo=UTC), "id": 42, "other": "x"}
    cursor = encode_cursor(ORDER, row)
    assert decode_cursor(ORDER, cursor, "after") == ["2026-01-08T00:00:00+00:00", 42]


@pytest.mark.parametrize("cursor", ["garbage!", "", "WzFd"])  # WzFd = [1]: wrong length
def test_bad_cursor_is_invalid(cursor: str) -> None:
    with pytest.raises(Invalid) as excinfo:
        decode_cursor(ORDER, cursor, "after")
    assert excinfo.value.field == "after"


def test_keyset_condition_follows_each_direction() -> None:
    sql = keyset_condition(ORDER, ["2026-01-08", 42], 3, after=True)
    assert sql == (
        "((t.said_at < ($3::text)::timestamptz) or "
        "(t.said_at = ($3::text)::timestamptz and t.id < ($4::text)::bigint))"
    )
    before = keyset_condition(ORDER, ["2026-01-08", 42], 1, after=False)
    assert "t.said_at > ($1::text)::timestamptz" in before


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (PageRequest(first=1, last=1), "not both"),
        (PageRequest(first=101), "between 0 and 100"),
        (PageRequest(last=-1), "between 0 and 100"),
    ],
)
def test_page_size_limits(page: PageRequest, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        page.limit(20, 100)


def test_default_page_size_and_direction() -> None:
    assert PageRequest().limit(20, 100) == 20
    assert PageRequest(last=5).backwards
    assert PageRequest(before="c").backwards
    assert not PageRequest(first=5, before="c").backwards


def test_leading_bound_is_the_first_key_inclusive() -> None:
    assert leading_bound(ORDER, 3, after=True) == "t.said_at <= ($3::text)::timestamptz"
    assert leading_bound(ORDER, 3, after=False) == "t.said_at >= ($3::text)::timestamptz"
    ascending = Order((SortKey("name", "text"), SortKey("id", "bigint")))
    assert leading_bound(ascending, 1, after=True) == "t.name >= ($1::text)::text"


def test_the_timeline_splits_into_one_branch_per_kind() -> None:
    branches = union_branches(query("timeline", "timeline"))
    kinds = ["statement", "warning", "track_update", "declaration", "event"]
    assert len(branches) == len(kinds)
    for branch, kind in zip(branches, kinds, strict=True):
        assert f"select '{kind}'::text as item_kind" in branch
        assert "\nunion all\n" not in branch


def test_a_query_without_branches_is_refused() -> None:
    with pytest.raises(ValueError, match="not a union"):
        union_branches("select 1")


def test_cursors_of_undated_rows_name_the_infinities() -> None:
    # asyncpg reads timestamptz -infinity / infinity (the sort key of an undated stance,
    # membership or source) as the naive datetime.min / max; PostgreSQL must read the
    # cursor's value back as the same instant.
    for value, name in ((datetime.min, "-infinity"), (datetime.max, "infinity")):
        cursor = encode_cursor(ORDER, {"said_at": value, "id": 7})
        assert decode_cursor(ORDER, cursor, "after") == [name, 7]
