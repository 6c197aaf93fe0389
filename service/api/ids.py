"""Opaque global ids: base64url("kind:id"), the same for every client and every kind."""

from __future__ import annotations

import base64
import binascii

from service.errors import Invalid
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
        raise Invalid(f"{global_id!r} is not a valid id", field=field) from None


def _database_id(number: str) -> int:
    # Only what encode_id writes: int() alone also takes " 7", "1_0", "-5", "٣" and
    # numbers past bigint, which PostgreSQL then refuses as a server error.
    if not (number.isascii() and number.isdigit()) or len(number) > 19:
        raise ValueError(number)
    record_id = int(number)
    if record_id >= 2**63:
        raise ValueError(number)
    return record_id


def decode_id_of(global_id: str, kinds: tuple[RecordKind, ...], field: str) -> int:
    """The database id of a global id that must be of one of `kinds`."""
    kind, record_id = decode_id(global_id, field)
    if kind not in kinds:
        raise Invalid(f"expected the id of a {' or '.join(kinds)}, got a {kind}", field=field)
    return record_id
