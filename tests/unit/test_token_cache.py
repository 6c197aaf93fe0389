"""The token cache: used only while revocations are heard, entries expire, bounded."""

from __future__ import annotations

from service.access.roles import Caller, Role
from service.access.token_cache import TokenCache
from tests.unit.clock import Clock

EDITOR = Caller(name="app", role=Role.EDITOR)
KEY = (1, b"\x01" * 32)


def test_nothing_is_kept_until_revocations_are_heard() -> None:
    cache = TokenCache(ttl_s=60)
    cache.put(KEY, EDITOR)
    assert cache.get(KEY) is None
    cache.listening(True)
    cache.put(KEY, EDITOR)
    assert cache.get(KEY) == EDITOR


def test_an_entry_lives_ttl_seconds_at_most() -> None:
    clock = Clock(100.0)
    cache = TokenCache(ttl_s=60, clock=clock)
    cache.listening(True)
    cache.put(KEY, EDITOR)
    clock.now += 59.9
    assert cache.get(KEY) == EDITOR
    clock.now += 0.2
    assert cache.get(KEY) is None
    assert len(cache) == 0


def test_a_change_or_a_lost_listener_forgets_everything() -> None:
    cache = TokenCache(ttl_s=60)
    cache.listening(True)
    cache.put(KEY, EDITOR)
    cache.tokens_changed()
    assert cache.get(KEY) is None
    cache.put(KEY, EDITOR)
    cache.listening(False)
    assert cache.get(KEY) is None
    cache.put(KEY, EDITOR)  # ignored while nobody listens
    cache.listening(True)
    assert cache.get(KEY) is None


def test_the_least_recently_used_go_first() -> None:
    cache = TokenCache(ttl_s=60, max_entries=2)
    cache.listening(True)
    keys = [(n, bytes([n]) * 32) for n in range(3)]
    cache.put(keys[0], EDITOR)
    cache.put(keys[1], EDITOR)
    assert cache.get(keys[0]) == EDITOR  # now the most recent
    cache.put(keys[2], EDITOR)
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) == EDITOR
    assert cache.get(keys[2]) == EDITOR


def test_zero_seconds_keeps_nothing() -> None:
    cache = TokenCache(ttl_s=0)
    cache.listening(True)
    cache.put(KEY, EDITOR)
    assert cache.get(KEY) is None
