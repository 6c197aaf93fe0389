"""Exporting the record as seed files, in the layout of the bundled seeds.

Loading an export into an empty database and exporting again gives byte-identical
files: the order is by slug and natural key, never by id, and the text has no timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import yaml

from service.kinds.registry import DESCRIPTIONS
from service.seeds.models import Item
from service.seeds.snapshot import Snapshot, build_sections

# Section -> file name: the layout of seeds/ (numbered so files load in dependency order).
FILES = {
    "sources": "00-sources.yaml",
    "actors": "10-actors.yaml",
    "events": "15-events.yaml",
    "declarations": "20-declarations.yaml",
    "statements": "30-statements.yaml",
    "tracks": "40-tracks.yaml",
    "stances": "50-stances.yaml",
}

_HEADER = """\
# {section}: exported from the position record by `seed export`.
# The format is described in seeds/README.md; references are by slug. Loading this
# folder into an empty database and exporting again gives these bytes back.
"""


@dataclass
class ExportReport:
    """What `export` wrote, and the records the seed format could not hold."""

    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


async def export(conn: asyncpg.Connection | asyncpg.Pool, output_dir: Path) -> ExportReport:
    """Write the current record to `output_dir` as seed files (00-sources.yaml, ...).

    Existing files of the same names are replaced; other files are left alone. The reads
    run in one repeatable-read transaction, so the files are one consistent snapshot.
    """
    if isinstance(conn, asyncpg.Pool):
        async with conn.acquire() as acquired:
            snapshot = await read_snapshot(acquired)
    else:
        snapshot = await read_snapshot(conn)
    built = build_sections(snapshot)
    report = ExportReport(skipped=built.skipped)
    texts = {}
    for section, name in FILES.items():
        texts[output_dir / name] = render_section(section, built.sections[section])
        report.counts[section] = len(built.sections[section])
    # A few small files: writing them blocks the loop for milliseconds, after all reads.
    output_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
        report.files.append(path)
    return report


async def read_snapshot(conn: asyncpg.Connection) -> Snapshot:
    """Every row and link the seed format covers, read in one consistent snapshot."""
    if conn.is_in_transaction():
        return await _read_rows(conn)  # the caller's transaction is the snapshot
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        return await _read_rows(conn)


async def _read_rows(conn: asyncpg.Connection) -> Snapshot:
    # Table and column names come from the descriptions, never from a file.
    rows: dict[str, list[dict[str, Any]]] = {}
    links: dict[str, dict[int, list[int]]] = {}
    for description in DESCRIPTIONS:
        columns = ", ".join(("id", *description.columns))
        rows[description.kind] = [
            dict(r)
            for r in await conn.fetch(f"select {columns} from {description.name} order by id")
        ]
        for name, link in description.links.items():
            grouped: dict[int, list[int]] = {}
            for r in await conn.fetch(
                f"select {link.owner_column} as owner_id, {link.target_column} as target_id "
                f"from {link.table} order by 1, 2"
            ):
                grouped.setdefault(r["owner_id"], []).append(r["target_id"])
            links[name] = grouped
    return Snapshot(rows, links)


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as the hand-written seeds."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (a long quote) reads best as a literal block.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render_section(section: str, items: list[Item]) -> str:
    """One seed file's text: a header comment and the section's items."""
    body = yaml.dump(
        {section: [_plain(item) for item in items]},
        # No folding of long text: a changed word then changes one line in a diff.
        Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
        default_flow_style=False,
    )  # fmt: skip
    return _HEADER.format(section=section) + body


def _plain(value: Any) -> Any:
    """A Struct as plain data in field order, without the fields left at their default.

    msgspec's own `omit_defaults` compares strings by identity, so a language "en" read
    from the database would still be written out; this compares by value.
    """
    if isinstance(value, msgspec.Struct):
        plain: dict[str, Any] = {}
        for info in msgspec.structs.fields(value):
            current = getattr(value, info.name)
            if info.default is not msgspec.NODEFAULT and current == info.default:
                continue
            if info.default_factory is not msgspec.NODEFAULT and current == info.default_factory():
                continue
            plain[info.encode_name] = _plain(current)
        return plain
    if isinstance(value, list):
        return [_plain(element) for element in value]
    return value
