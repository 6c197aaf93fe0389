"""The two formats of an export: NDJSON (the API's JSON, a line per record) and CSV (the
same JSON flattened into columns a spreadsheet reads: UTF-8, RFC 4180 quoting, CRLF).

Both take the lines PostgreSQL wrote (each the JSON text of one line's selection) a batch
at a time: NDJSON sends them as they are, CSV decodes each into its row. A record deleted
since an incremental pull's change id is a tombstone: `{"id": ..., "deleted": true}` in
NDJSON, a row with its id and `deleted` true in CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from service.exports.selection import COUNT, Column

NDJSON = "application/x-ndjson"
CSV = "text/csv; charset=utf-8"
DELETED = "deleted"
LIST_SEPARATOR = " | "
"""Between the values of a list of leaves in one CSV cell (a statement's channels)."""

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class Format(Protocol):
    """How an export's lines are written."""

    @property
    def media_type(self) -> str:
        """Its media type."""
        ...

    @property
    def extension(self) -> str:
        """Its file name's extension."""
        ...

    def start(self) -> bytes:
        """What comes before the first line."""
        ...

    def lines(self, texts: Sequence[str]) -> bytes:
        """A batch of lines, each the JSON text PostgreSQL wrote for one record."""
        ...

    def tombstones(self, deleted: Sequence[dict[str, Any]]) -> bytes:
        """Records deleted since the pull's change id (their tombstone objects)."""
        ...


@dataclass(frozen=True)
class Ndjson:
    """One JSON object a line, as the API answers it (the same keys, camelCase)."""

    media_type: str = NDJSON
    extension: str = "ndjson"

    def start(self) -> bytes:
        """Nothing: every line stands alone."""
        return b""

    def lines(self, texts: Sequence[str]) -> bytes:
        """The lines as PostgreSQL wrote them (no decoding, no re-encoding)."""
        return "".join(f"{text}\n" for text in texts).encode()

    def tombstones(self, deleted: Sequence[dict[str, Any]]) -> bytes:
        """A line per deleted record."""
        return b"".join(_encode(t) + b"\n" for t in deleted)


@dataclass(frozen=True)
class Csv:
    """A header, then one row per record, its columns from the line's selection."""

    columns: tuple[Column, ...]
    with_deleted: bool
    media_type: str = CSV
    extension: str = "csv"

    def start(self) -> bytes:
        """The header row."""
        headers = [c.header for c in self.columns]
        return self._rows([[*headers, DELETED] if self.with_deleted else headers])

    def lines(self, texts: Sequence[str]) -> bytes:
        """A row per line."""
        return self._rows([self._row(_decode(text), False) for text in texts])

    def tombstones(self, deleted: Sequence[dict[str, Any]]) -> bytes:
        """A row per deleted record: its id, and `deleted` true."""
        return self._rows([self._row(t, True) for t in deleted])

    def _row(self, line: Any, deleted: bool) -> list[str]:
        cells = [cell(value_at(line, c.path)) for c in self.columns]
        if self.with_deleted:
            cells.append("true" if deleted else "")
        return cells

    @staticmethod
    def _rows(rows: list[list[str]]) -> bytes:
        buffer = io.StringIO()
        # RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted,
        # quotes doubled (the csv module's defaults, named here for the reader).
        csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
        return buffer.getvalue().encode()


def value_at(line: Any, path: tuple[Any, ...]) -> Any:
    """The value at `path` in a decoded line (None where the path leads nowhere)."""
    value = line
    for step in path:
        if step is COUNT:
            return len(value) if isinstance(value, list) else None
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def cell(value: Any) -> str:
    """A value as a CSV cell: empty for null, true/false, a list's values joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell(v) for v in value)
    return str(value)
