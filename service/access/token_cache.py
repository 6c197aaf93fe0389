"""Tokens verified recently, so a busy client costs no database lookup per request.

An entry is only used while this process hears revocations: the change listener LISTENs
on `api_token_changes` (migration 0006) and empties the cache on every announcement and
whenever its connection drops or comes back; while it is away the cache is off. An
entry lives `ttl_s` at most, after which the token is looked up again (which also notes
its last use, at most once a minute). Only the sha256 of a secret is kept, never the
secret, and only tokens that were valid; a refused token is looked up every time.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from service.access.roles import Caller

TokenKey = tuple[int, bytes]
"""A token's id and the sha256 of its secret."""


class TokenCache:
    """Callers of recently verified tokens (least recently used go first)."""

    def __init__(
        self,
        ttl_s: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep an entry `ttl_s` seconds at most, and `max_entries` entries."""
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[TokenKey, tuple[Caller, float]] = OrderedDict()
        self.active = False
        """On only while revocations are heard (see `listening`)."""

    def get(self, key: TokenKey) -> Caller | None:
        """The caller of a token verified less than `ttl_s` ago, if the cache is on."""
        if not self.active:
            return None
        found = self._entries.get(key)
        if found is None:
            return None
        caller, expires = found
        if self._clock() >= expires:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return caller

    def put(self, key: TokenKey, caller: Caller) -> None:
        """Remember a token just verified (ignored while the cache is off)."""
        if not self.active or self.ttl_s <= 0:
            return
        self._entries[key] = (caller, self._clock() + self.ttl_s)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def tokens_changed(self) -> None:
        """A token was revoked or changed (here or on another instance): forget them all."""
        self._entries.clear()

    def listening(self, heard: bool) -> None:
        """Whether revocations are heard from now on; either way, forget what was kept
        (what changed while nobody listened was not heard)."""
        self.active = heard
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
