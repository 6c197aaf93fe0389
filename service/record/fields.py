"""Constrained field types shared by the create/update commands (validated by msgspec)."""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec

from service.vocab import Channel

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


# The rule each pattern stands for, in words: errors name the rule, never the regex.
PATTERN_RULES: dict[str, str] = {}


def _pattern(regex: str, rule: str) -> str:
    PATTERN_RULES[regex] = rule
    return regex


Slug = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=120,
        pattern=_pattern(
            r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$",
            "lower-case letters and digits, in words joined by single hyphens, with at most "
            "one `/` between a document's slug and its clause's (paris-declaration/"
            "multinational-force)",
        ),
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
Quote = Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
SourceText = Annotated[str, msgspec.Meta(min_length=1, max_length=200_000)]
Url = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=2000,
        pattern=_pattern(
            r"^(https?://|urn:)\S+$", "an http:// or https:// address, or a urn:, without spaces"
        ),
    ),
]
Language = Annotated[
    str,
    msgspec.Meta(
        pattern=_pattern(
            r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "a BCP 47 language tag (en, ru, pt-BR)"
        )
    ),
]
CountryCode = Annotated[
    str,
    msgspec.Meta(
        pattern=_pattern(r"^[A-Z]{2}$", "an ISO 3166-1 alpha-2 code: two capital letters (UA)")
    ),
]
WikidataId = Annotated[
    str,
    msgspec.Meta(
        pattern=_pattern(r"^Q[0-9]{1,12}$", "a Wikidata item id: Q and 1 to 12 digits (Q212)")
    ),
]
EventCode = Annotated[
    str,
    msgspec.Meta(pattern=_pattern(r"^[0-9]{2,4}$", "a CAMEO event code: 2 to 4 digits (0334)")),
]
FieldName = Annotated[
    str,
    msgspec.Meta(
        pattern=_pattern(
            r"^[a-z_]{1,60}$", "an attribute's name: 1 to 60 lower-case letters or underscores"
        )
    ),
]
# A range of two timestamps with microseconds and offsets is 65 characters.
DateText = Annotated[str, msgspec.Meta(min_length=4, max_length=80)]
GlobalId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Version = Annotated[int, msgspec.Meta(ge=1)]
Position = Annotated[int, msgspec.Meta(ge=1, le=10000)]
Aliases = Annotated[list[Name], msgspec.Meta(max_length=50)]
Channels = Annotated[list[Channel], msgspec.Meta(min_length=1, max_length=9)]
IdList = Annotated[list[GlobalId], msgspec.Meta(max_length=200)]


_LENGTH = re.compile(r"^Expected `(str|array|object)` of length (<=|>=) (\d+)$")
_BOUND = re.compile(r"^Expected `(?:int|float)` (<=|>=|<|>) (-?[\d.]+)$")
_REGEX = re.compile(r"^Expected `str` matching regex '(.*)'$")
_WORDS = {"str": "characters", "array": "items", "object": "entries"}
_BOUNDS = {"<=": "at most", ">=": "at least", "<": "less than", ">": "more than"}


def explain(message: str) -> str:
    """msgspec's reason for a refused value (without its `- at $...` suffix), as the rule
    it breaks in words: "at most 120 characters", "a BCP 47 language tag (en, ru, pt-BR)"."""
    if found := _LENGTH.match(message):
        kind, bound, number = found.groups()
        if bound == ">=" and number == "1":
            return "must not be empty"
        return f"must be {_BOUNDS[bound]} {number} {_WORDS[kind]}"
    if found := _BOUND.match(message):
        bound, number = found.groups()
        return f"must be {_BOUNDS[bound]} {number}"
    if found := _REGEX.match(message):
        rule = PATTERN_RULES.get(found.group(1))
        return f"must be {rule}" if rule else "is not in the expected form"
    return message
