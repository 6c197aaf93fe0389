"""Named SQL: each .sql file is split at its `-- name: xxx` headers.

A query names its parameters (`:speakers`, `:said_from`): the text asyncpg receives has
them as `$1`, `$2`... in the order they first appear, and `parameters()` gives that
order, so callers pass values by name and nothing mirrors the positions by hand. (A
query may still use `$n` itself; one query never mixes both.)

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
# `:name`, not a cast (`::bigint`) nor part of a word; comments are left alone by the
# callers' own care: a `:word` in a comment would be taken for a parameter.
_PARAMETER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_POSITIONAL = re.compile(r"\$[0-9]")


def positional(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with its `:name` parameters as `$1`, `$2`... (one number per name, in the
    order of first appearance), and those names in that order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    converted = _PARAMETER.sub(number, text)
    if names and _POSITIONAL.search(text):
        raise ValueError("a query names its parameters or numbers them, not both")
    return converted, tuple(names)


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
def queries(feature: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The named queries of a kind or of a shared feature, loaded once: each as asyncpg
    takes it, with the names of its parameters in their order."""
    texts = parse_named_queries(_file_of(feature).read_text())
    return {name: positional(text) for name, text in texts.items()}


def query(feature: str, name: str) -> str:
    """One named query, its parameters numbered; a KeyError names the query and file."""
    return _named(feature, name)[0]


def parameters(feature: str, name: str) -> tuple[str, ...]:
    """The names of a query's parameters, in the order of their numbers (() when it
    numbers them itself)."""
    return _named(feature, name)[1]


def _named(feature: str, name: str) -> tuple[str, tuple[str, ...]]:
    try:
        return queries(feature)[name]
    except KeyError:
        raise KeyError(f"no query {name!r} in {_file_of(feature)}") from None


def _file_of(feature: str) -> Path:
    """A kind's own queries.sql, else the shared sql/queries/<feature>.sql."""
    own = _KINDS_DIR / feature / "queries.sql"
    return own if own.is_file() else data_dir("sql") / "queries" / f"{feature}.sql"
