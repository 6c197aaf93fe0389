"""Constrained field types shared by the create/update commands (validated by msgspec)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

BIGINT_END = 2**63
"""One past PostgreSQL's largest bigint: every id and change number is below it."""


def ascii_number(text: str) -> int | None:
    """The number `text` spells in ASCII digits alone, else None (int() also reads " 7",
    "1_0", "-5" and "٣"). Past 19 digits it is BIGINT_END: too large for any id, and
    never a long conversion."""
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= 19 else BIGINT_END


def nul_path(value: Any) -> tuple[str | int, ...] | None:
    """Where in a JSON-like `value` a string (a key or a value) holds NUL, which
    PostgreSQL's text cannot store: () for `value` itself, None when nowhere."""
    if isinstance(value, str):
        return () if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                return ()
            if (inner := nul_path(item)) is not None:
                return (str(key), *inner)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (inner := nul_path(item)) is not None:
                return (index, *inner)
    return None


Slug = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=120, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$"
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Quote = Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=r"^(https?://|urn:)\S+$")]
Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
CountryCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
WikidataId = Annotated[str, msgspec.Meta(pattern=r"^Q[0-9]{1,12}$")]
EventCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{2,4}$")]
FieldName = Annotated[str, msgspec.Meta(pattern=r"^[a-z_]{1,60}$")]
# A range of two timestamps with microseconds and offsets is 65 characters.
DateText = Annotated[str, msgspec.Meta(min_length=4, max_length=80)]
GlobalId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Version = Annotated[int, msgspec.Meta(ge=1)]
Position = Annotated[int, msgspec.Meta(ge=1, le=10000)]
Aliases = Annotated[list[Name], msgspec.Meta(max_length=50)]
IdList = Annotated[list[GlobalId], msgspec.Meta(max_length=200)]
