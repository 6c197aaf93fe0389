"""A response cache for GraphQL queries with exact invalidation.

An answer is stored with the data version it was computed at: the id of the newest
committed change (`max(change.id)`; change ids follow commit order). A request reads the
current version first (one cheap index lookup) and is served from the cache only when
the entry was made at that same version, so a read after a committed write never sees
stale data, on this instance or any other. NOTIFY (through the change listener) empties
the cache as soon as another write lands, which keeps memory for live entries only.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import msgspec

_encode_sorted = msgspec.json.Encoder(order="sorted").encode


@dataclass(frozen=True)
class Entry:
    """One cached answer: the bytes sent and the data version they reflect."""

    version: int
    body: bytes
    media_type: str


def cache_key(role: str, document: str, operation_name: str | None, variables: object) -> bytes:
    """The key of a query: caller's role, document, operation and variables (any order)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (role, document, operation_name or "", _encode_sorted(variables or {})):
        data = part if isinstance(part, bytes) else part.encode()
        digest.update(len(data).to_bytes(4, "big"))
        digest.update(data)
    return digest.digest()


class ResponseCache:
    """A bounded LRU of answers, all made at the newest data version seen."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[bytes, Entry] = OrderedDict()
        self._version = 0

    def get(self, key: bytes, version: int) -> Entry | None:
        """The answer made at `version`, if any."""
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: bytes, entry: Entry) -> None:
        """Keep an answer; answers of older versions are dropped (they can never hit)."""
        if entry.version < self._version:
            return
        if entry.version > self._version:
            self._entries.clear()
            self._version = entry.version
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def invalidate(self, change_id: int) -> None:
        """A change was committed (NOTIFY): every stored answer is now outdated."""
        if change_id > self._version:
            self._entries.clear()
            self._version = change_id

    def __len__(self) -> int:
        return len(self._entries)
