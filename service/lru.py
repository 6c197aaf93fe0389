"""A bounded mapping that one-off keys cannot empty of the keys in use (segmented LRU).

Used wherever the service keeps something per query text, operation or record: a
client sending a stream of keys seen once must not push out what others repeat.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()


class Lru(Generic[K, V]):
    """A bounded mapping that one-off keys cannot empty of the keys in use (segmented LRU).

    A new key goes to a probation segment; a key asked for again moves to the protected
    segment (at most PROTECTED_SHARE of the entries), whose least recently used entry
    falls back to probation when it is full. Past the bounds, probation's least recently
    used entry goes first. So a stream of keys seen once (search texts typed once each,
    or a client sending made-up queries) only turns probation over, and the operations
    clients repeat stay kept. Filled by keys seen once, it is a plain LRU.

    Bounded by `max_entries`, and with `weigh`, by `max_weight` (the sum of the values'
    weights, e.g. bytes).
    """

    PROTECTED_SHARE = 0.8

    def __init__(
        self,
        max_entries: int,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
    ) -> None:
        """Keep at most `max_entries`, weighing at most `max_weight` by `weigh`."""
        self.max_entries = max_entries
        self.max_protected = int(max_entries * self.PROTECTED_SHARE)
        self.max_weight = max_weight
        self.weight = 0
        self._weigh = weigh
        self._probation: OrderedDict[K, V] = OrderedDict()
        self._protected: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, default: Any = _MISSING) -> Any:
        """The value of `key` (now the most recent), or `default` (KeyError if none)."""
        if key in self._protected:
            self._protected.move_to_end(key)
            return self._protected[key]
        if key in self._probation:
            value = self._probation.pop(key)
            self._protect(key, value)
            return value
        if default is _MISSING:
            raise KeyError(key)
        return default

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key`, dropping the oldest entries beyond the bounds."""
        segment = self._protected if key in self._protected else self._probation
        replaced = segment.pop(key, _MISSING)
        if replaced is not _MISSING:
            self.weight -= self._weight_of(replaced)
        segment[key] = value
        self.weight += self._weight_of(value)
        while len(self) > self.max_entries or (
            self.max_weight is not None and self.weight > self.max_weight
        ):
            _, dropped = (self._probation or self._protected).popitem(last=False)
            self.weight -= self._weight_of(dropped)

    def discard(self, key: K) -> None:
        """Drop `key`'s entry, if kept."""
        for segment in (self._probation, self._protected):
            dropped = segment.pop(key, _MISSING)
            if dropped is not _MISSING:
                self.weight -= self._weight_of(dropped)

    def clear(self) -> None:
        """Drop every entry."""
        self._probation.clear()
        self._protected.clear()
        self.weight = 0

    def _weight_of(self, value: Any) -> int:
        return 0 if self._weigh is None else self._weigh(value)

    def _protect(self, key: K, value: V) -> None:
        if not self.max_protected:
            self._probation[key] = value  # too small to have segments: a plain LRU
            return
        self._protected[key] = value
        if len(self._protected) > self.max_protected:
            demoted, demoted_value = self._protected.popitem(last=False)
            self._probation[demoted] = demoted_value

    def __contains__(self, key: object) -> bool:
        return key in self._protected or key in self._probation

    def __len__(self) -> int:
        return len(self._protected) + len(self._probation)

    def values(self) -> Iterator[V]:
        """The values: probation's, then the protected ones, each oldest first."""
        yield from self._probation.values()
        yield from self._protected.values()
