"""Lru, the bound of the per-text caches: one-off keys cannot push out the keys in use."""

from __future__ import annotations

from service.lru import Lru


def test_filled_by_keys_seen_once_it_drops_the_oldest() -> None:
    kept: Lru[int, str] = Lru(5)
    for n in range(8):
        kept.put(n, str(n))
    assert len(kept) == 5
    assert [n in kept for n in range(8)] == [False] * 3 + [True] * 5
    assert kept.get(7) == "7"
    assert kept.get(0, None) is None


def test_keys_asked_for_again_survive_a_flood_of_one_off_keys() -> None:
    kept: Lru[str, int] = Lru(100)
    hot = [f"hot-{n}" for n in range(60)]
    for key in hot:
        kept.put(key, 1)
        kept.get(key)  # a repeat: the kept statement answers it
    for n in range(10_000):  # search texts typed once each, or made-up queries
        kept.put(f"once-{n}", 0)
        assert len(kept) <= 100
    assert all(key in kept for key in hot)
    # The one-off keys turn over the rest of the room, the newest first kept.
    assert "once-9999" in kept
    assert "once-9000" not in kept


def test_the_protected_share_is_bounded_and_its_oldest_falls_back_to_probation() -> None:
    kept: Lru[int, int] = Lru(10)  # at most 8 protected
    for n in range(10):
        kept.put(n, n)
        kept.get(n)
    # 0 and 1 were the least recently used of the ten asked-for keys: back on probation.
    kept.put(100, 100)
    assert 0 not in kept
    assert all(n in kept for n in range(1, 10))
    kept.put(101, 101)
    assert 1 not in kept
    assert all(n in kept for n in range(2, 10))
    # Asked for again, a key on probation is protected once more.
    assert kept.get(101) == 101
    kept.put(102, 102)
    assert 101 in kept


def test_put_updates_a_kept_value_wherever_it_is() -> None:
    kept: Lru[str, int] = Lru(4)
    kept.put("a", 1)
    kept.put("a", 2)
    assert kept.get("a") == 2
    kept.put("a", 3)  # now protected
    assert kept.get("a") == 3
    assert len(kept) == 1


def test_tiny_bounds_hold() -> None:
    for bound in (1, 2, 3):
        kept: Lru[int, int] = Lru(bound)
        for n in range(10):
            kept.put(n, n)
            assert kept.get(n) == n
            assert len(kept) <= bound
        assert 9 in kept
