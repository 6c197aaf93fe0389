"""The response cache is bounded by answers and by bytes; versions empty it."""

from __future__ import annotations

from service.http.response_cache import DataVersion, Entry, ResponseCache

V1: DataVersion = (1, 0)


def entry(size: int, version: DataVersion = V1) -> Entry:
    return Entry(version, b"x" * size, "application/json")


def test_the_least_recently_used_answers_go_to_keep_within_the_bytes() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=8_000)
    for name in (b"a", b"b", b"c", b"d"):
        cache.put(name, entry(1_000))
    assert cache.get(b"a", V1) is not None  # now the most recent
    for name in (b"e", b"f", b"g", b"h", b"i"):
        cache.put(name, entry(1_000))
    assert cache.size_bytes == 8_000
    assert cache.get(b"b", V1) is None  # the least recently used went first
    assert cache.get(b"a", V1) is not None
    assert len(cache) == 8


def test_an_answer_over_an_eighth_of_the_bytes_is_not_kept() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=8_000)
    cache.put(b"small", entry(1_000))
    cache.put(b"big", entry(1_001))
    assert cache.get(b"big", V1) is None
    assert cache.get(b"small", V1) is not None
    assert cache.size_bytes == 1_000


def test_a_replaced_answer_counts_once() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=8_000)
    cache.put(b"a", entry(900))
    cache.put(b"a", entry(500))
    assert cache.size_bytes == 500
    assert len(cache) == 1


def test_the_count_bound_still_holds() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=1_000_000)
    for name in (b"a", b"b", b"c"):
        cache.put(name, entry(10))
    assert len(cache) == 2
    assert cache.size_bytes == 20
    assert cache.get(b"a", V1) is None


def test_a_newer_version_empties_the_cache_and_its_bytes() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=8_000)
    cache.put(b"a", entry(1_000, version=(1, 0)))
    cache.put(b"b", entry(700, version=(1, 1)))  # a change committed after the settled one
    assert cache.get(b"a", (1, 0)) is None
    assert cache.size_bytes == 700
    cache.invalidate(3)
    assert cache.size_bytes == 0
    assert len(cache) == 0
    cache.put(b"late", entry(10, version=(2, 1)))  # made before change 3 settled: never kept
    assert len(cache) == 0
    cache.put(b"fresh", entry(10, version=(3, 0)))
    cache.invalidate(2)  # announced late: change 2 had settled before the fresh answer
    assert cache.get(b"fresh", (3, 0)) is not None


def test_answers_asked_for_again_survive_a_stream_of_one_off_queries() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=100_000)
    for n in range(50):
        cache.put(f"page-{n}".encode(), entry(500))
        assert cache.get(f"page-{n}".encode(), V1) is not None  # dashboards repeat these
    for n in range(5_000):  # searches typed once each
        cache.put(f"search-{n}".encode(), entry(900))
        assert cache.size_bytes <= 100_000
        assert len(cache) <= 100
    assert all(cache.get(f"page-{n}".encode(), V1) is not None for n in range(50))
    assert cache.get(b"search-4999", V1) is not None
