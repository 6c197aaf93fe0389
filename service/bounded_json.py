"""The one JSON decoder for input from outside: bodies, variables, websocket messages,
cursors; nesting is bounded.

msgspec decodes recursively and raises RecursionError near Python's recursion limit
(measured: 1,000 levels), which answered a 2 KB body `[[[...]]]` with a 500; below that,
a structure hundreds of levels deep reached code that recurses over it in Python. Any
JSON this service accepts nests a few levels (a body, its variables, an input object, a
list in it): MAX_DEPTH levels are plenty, and beyond them the input is refused, in time
linear in the number of arrays and objects it holds.

Numbers with a fraction or an exponent are read by Python's `float()`: msgspec's own
reading took 9 µs for each `1e308` (a slow path for large exponents), so a 1 MiB body
of them held the event loop for 1.6 s per decoding; `float()` takes 0.3 µs. A number
out of a double's range is refused, as msgspec refuses it.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec

MAX_DEPTH = 32
"""Most arrays and objects nested in one another in any JSON input (a body, a websocket
message, a cursor)."""

TOO_DEEP = f"JSON nested more than {MAX_DEPTH} levels deep"


class JsonRefused(ValueError):
    """Input that is not JSON, or nested too deep: the message says which, plainly."""


def finite_float(text: str) -> float:
    """A JSON number with a fraction or exponent, as msgspec's `float_hook`.

    Raises:
        ValueError: out of a double's range (msgspec makes it a ValidationError).
    """
    value = float(text)
    if math.isinf(value):
        raise ValueError("number out of range")
    return value


_decode = msgspec.json.Decoder(float_hook=finite_float).decode


def decode(data: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """`data` decoded, at most `max_depth` arrays and objects deep.

    Raises:
        JsonRefused: not JSON (msgspec's message, with the byte), or nested too deep.
    """
    try:
        value = _decode(data)
    except RecursionError:
        raise JsonRefused(TOO_DEEP) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise JsonRefused(str(exc)) from None
    if too_deep(value, max_depth):
        raise JsonRefused(f"JSON nested more than {max_depth} levels deep")
    return value


def too_deep(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """Whether `value` nests more than `max_depth` lists and dicts (level by level: no
    recursion, and scalars are skipped in bulk)."""
    level = [value] if isinstance(value, list | dict) else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            return True
        inner: list[Any] = []
        for container in level:
            items = container.values() if isinstance(container, dict) else container
            inner.extend([item for item in items if isinstance(item, list | dict)])
        level = inner
    return False
