"""Named SQL: each .sql file is split at its `-- name: xxx` headers.

A kind's queries live in its home (service/kinds/<kind>/queries.sql); what all kinds share
(history, changes, the timeline, search, tokens...) in sql/queries/<feature>.sql.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from service.resources import data_dir

_KINDS_DIR = Path(__file__).resolve().parent.parent / "kinds"

_NAME_HEADER = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)


def parse_named_queries(text: str) -> dict[str, str]:
    """Split a .sql file into {name: statement} at its `-- name: xxx` headers."""
    parts = _NAME_HEADER.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"query {name!r} is defined twice")
        queries[name] = body.strip().rstrip(";")
    return queries


@cache
def queries(feature: str) -> dict[str, str]:
    """The named queries of a kind or of a shared feature, loaded once."""
    return parse_named_queries(_file_of(feature).read_text())


def query(feature: str, name: str) -> str:
    """One named query; a KeyError names the missing query and file."""
    try:
        return queries(feature)[name]
    except KeyError:
        raise KeyError(f"no query {name!r} in {_file_of(feature)}") from None


def _file_of(feature: str) -> Path:
    """A kind's own queries.sql, else the shared sql/queries/<feature>.sql."""
    own = _KINDS_DIR / feature / "queries.sql"
    return own if own.is_file() else data_dir("sql") / "queries" / f"{feature}.sql"
