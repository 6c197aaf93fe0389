"""Helpers turning filter inputs into query parameters."""

from __future__ import annotations

from collections.abc import Sequence

from service.graphql.ids import decode_id_of
from service.vocab import RecordKind


def ids_of(
    global_ids: Sequence[str] | None, kinds: tuple[RecordKind, ...], field: str
) -> list[int] | None:
    """Database ids of a filter's global ids (None: no condition)."""
    if not global_ids:
        return None
    return [decode_id_of(g, kinds, field) for g in global_ids]
