"""A response cache for GraphQL queries with exact invalidation.

An answer is stored with the data version it was computed at: the newest settled
change id and the number of changes committed after it (`data_version` in
sql/queries/live.sql; every commit changes one or the other, even one landing below a
change already committed). A request reads the current version first (a few index
reads) and is served from the cache only when the entry was made at that same version,
so a read after a committed write never sees stale data, on this instance or any other.
NOTIFY (through the change listener) empties the cache as soon as another write lands,
which keeps memory for live entries only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import msgspec

from service.lru import Lru

_encode_sorted = msgspec.json.Encoder(order="sorted").encode

DataVersion = tuple[int, int]
"""(newest settled change id, changes committed after it): later data, a larger version."""


@dataclass(frozen=True)
class Entry:
    """One cached answer: the bytes sent and the data version they reflect."""

    version: DataVersion
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
    """A bounded cache of answers, all made at the newest data version seen.

    Bounded twice: by answers and by their bytes. An answer may be large (a query may
    return up to MAX_QUERY_NODES nodes), so a count alone could hold more memory than the
    process has; one answer over an eighth of the bytes is not kept at all, so that it
    cannot push out many smaller ones. A segmented LRU (service/lru.py): answers
    asked for again are protected from a stream of one-off queries.
    """

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: Lru[bytes, Entry] = Lru(max_entries, max_bytes, _body_bytes)
        self._version: DataVersion = (0, 0)

    def get(self, key: bytes, version: DataVersion) -> Entry | None:
        """The answer made at `version`, if any."""
        entry: Entry | None = self._entries.get(key, None)
        if entry is None or entry.version != version:
            return None
        return entry

    def put(self, key: bytes, entry: Entry) -> None:
        """Keep an answer; answers of older versions are dropped (they can never hit)."""
        if entry.version < self._version or len(entry.body) > self.max_bytes // 8:
            return
        if entry.version > self._version:
            self._clear(entry.version)
        self._entries.put(key, entry)

    def invalidate(self, change_id: int) -> None:
        """A change was committed (NOTIFY): every stored answer is now outdated, unless
        it was made once the change had settled already (at a version past it)."""
        if change_id > self._version[0]:
            self._clear((change_id, 0))

    @property
    def size_bytes(self) -> int:
        """The bytes of the answers kept."""
        return self._entries.weight

    def _clear(self, version: DataVersion) -> None:
        self._entries.clear()
        self._version = version

    def __len__(self) -> int:
        return len(self._entries)


def _body_bytes(entry: Entry) -> int:
    return len(entry.body)
