"""Opaque global ids: base64url("kind:id"), the same for every client and every kind."""

from __future__ import annotations

import base64
import binascii

from service.errors import Invalid
from service.record.fields import BIGINT_END, ascii_number
from service.vocab import RecordKind


def encode_id(kind: RecordKind, record_id: int) -> str:
    """The global id of a record."""
    return base64.urlsafe_b64encode(f"{kind.value}:{record_id}".encode()).decode().rstrip("=")


def decode_id(global_id: str, field: str = "id") -> tuple[RecordKind, int]:
    """Kind and database id of a global id; Invalid when it is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        kind, _, number = base64.urlsafe_b64decode(padded).decode().partition(":")
        record_id = _database_id(number)
        return RecordKind(kind), record_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        # Quoted at most 100 characters: an id is about 20, a request may send a megabyte.
        shown = global_id if len(global_id) <= 100 else f"{global_id[:100]}..."
        raise Invalid(f"{shown!r} is not a valid id", field=field) from None


def _database_id(number: str) -> int:
    # Only what encode_id writes: a number PostgreSQL would refuse was a server error.
    record_id = ascii_number(number)
    if record_id is None or record_id >= BIGINT_END:
        raise ValueError(number)
    return record_id


def decode_id_of(global_id: str, kinds: tuple[RecordKind, ...], field: str) -> int:
    """The database id of a global id that must be of one of `kinds`."""
    kind, record_id = decode_id(global_id, field)
    if kind not in kinds:
        raise Invalid(f"expected the id of a {' or '.join(kinds)}, got a {kind}", field=field)
    return record_id
