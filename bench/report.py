"""Print the measurements: one table per server, then our throughput over PostGraphile's."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import profile
from bench.measure import Measurement
from bench.operations import OPERATIONS, Operation
from bench.profile import Summary


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


ENGINE_HEADER = ["operation", "req/s", "p50 ms", "p99 ms", "SQL stmts/req", "round-trips",
                 "CPU %", "CPU ms/req", "PG CPU %", "RSS MB", "fields", "CPU µs/field",
                 "bad"]  # fmt: skip


def engine_rows(measurements: Iterable[Measurement]) -> list[list[str]]:
    """Rows of one server's table (a skipped operation says why)."""
    rows = []
    for m in measurements:
        if m.load is None:
            rows.append([m.operation, f"skipped: {(m.skipped or '')[:90]}"])
            continue
        rows.append([
            m.operation, _num(m.load.rps), _num(m.load.p50_ms, 1), _num(m.load.p99_ms, 1),
            _num(m.statements_per_request, 1), _num(m.round_trips), _num(m.cpu_percent),
            _num(m.cpu_ms_per_request, 2), _num(m.db_cpu_percent), _num(m.rss_mb),
            _num(m.fields), _num(m.cpu_us_per_field, 1), f"{m.load.bad + m.load.socket_errors}",
        ])  # fmt: skip
    return rows


RATIO_HEADER = ["operation", "ours req/s", "PostGraphile req/s", "ours/theirs",
                "ours p99 ms", "theirs p99 ms"]  # fmt: skip


def ratio_rows(ours: Sequence[Measurement], theirs: Sequence[Measurement]) -> list[list[str]]:
    """Our throughput over PostGraphile's, per operation."""
    by_name = {m.operation: m for m in theirs}
    rows = []
    for m in ours:
        other = by_name.get(m.operation)
        a = m.load.rps if m.load else None
        b = other.load.rps if other and other.load else None
        ratio = f"{a / b:.2f}x" if a and b else "-"
        rows.append([
            m.operation, _num(a), _num(b), ratio,
            _num(m.load.p99_ms if m.load else None, 1),
            _num(other.load.p99_ms if other and other.load else None, 1),
        ])  # fmt: skip
    return rows


def failures(measurements: Iterable[Measurement]) -> str:
    """The measured runs with answers that were not a success ("" when none had any)."""
    found = []
    for m in measurements:
        if m.load is None or not (m.load.bad or m.load.socket_errors):
            continue
        what = f"{m.operation} on {m.engine}: {m.load.bad} bad"
        if m.load.exhausted:
            what += f" ({m.load.exhausted} past the last target: raise --write-rate)"
        if m.load.socket_errors:
            what += f", {m.load.socket_errors} socket errors"
        found.append(what)
    return "; ".join(found)


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Aligned columns for a terminal (first column left, the rest right)."""
    widths = [len(h) for h in header]
    for row in rows:
        if len(row) == len(header):
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        if len(cells) != len(header):  # a skipped operation: its reason spans the row
            return "  ".join([cells[0].ljust(widths[0]), *cells[1:]])
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """The same table in Markdown (for bench/README.md)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = row if len(row) == len(header) else [*row, *[""] * (len(header) - len(row))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def profile_text(operation: str, summary: Summary) -> str:
    """Where our service's CPU went during one operation's load."""
    out = [f"{operation}: {summary.samples:,} busy samples"]
    out.append("  by package (leaf frame): " + ", ".join(
        f"{name} {share:.0f}%" for name, share in summary.by_group
    ))  # fmt: skip
    out.append("  top self:")
    out += [f"    {share:5.1f}%  {name}" for name, share in summary.by_self[:8]]
    out.append("  top inclusive (our code):")
    out += [f"    {share:5.1f}%  {name}" for name, share in summary.by_inclusive[:12]]
    return "\n".join(out)


def operations(args: argparse.Namespace) -> list[Operation]:
    """The operations asked for with --only (all by default)."""
    if not args.only:
        return OPERATIONS
    names = set(args.only.split(","))
    return [op for op in OPERATIONS if op.name in names]


def print_run(
    args: argparse.Namespace,
    machine: dict[str, str],
    found: dict[str, str],
    notes: dict[str, str],
    ours: list[Measurement],
    theirs: list[Measurement],
) -> None:
    """Everything a run measured, on stdout: machine, versions, settings, tables."""
    print(
        f"\nmachine: {machine['cores']} cores, {machine['cpu']}, {machine['memory']}, "
        f"Linux {machine['kernel']}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(
        f"load: {args.connections} connections, {args.warmup:g} s warm-up, "
        f"{args.duration:g} s per operation, scale {args.scale}"
    )
    for key, value in notes.items():
        print(f"{key}: {value}")
    tables = [("our service", ENGINE_HEADER, engine_rows(ours))]
    if theirs:
        tables.append(("PostGraphile", ENGINE_HEADER, engine_rows(theirs)))
        tables.append(("ours / PostGraphile", RATIO_HEADER, ratio_rows(ours, theirs)))
    for title, header, rows in tables:
        print(f"\n{title}\n{text_table(header, rows)}")
    if args.markdown:
        for title, header, rows in tables:
            print(f"\n**{title}**\n\n{markdown_table(header, rows)}")
    if args.profile:
        print("\nprofiles of our service (py-spy, busy samples only)")
        for op in operations(args):
            raw = args.profile / f"{op.name}.txt"
            if raw.is_file():
                print(profile_text(op.name, profile.summarise(raw)))


def write_json(
    args: argparse.Namespace,
    path: Path,
    machine: dict[str, str],
    found: dict[str, str],
    notes: dict[str, str],
    ours: list[Measurement],
    theirs: list[Measurement],
    run: dict[str, Any],
) -> None:
    """The run's raw results as JSON, with what they were measured on (to compare runs)."""
    settings = {k: getattr(args, k) for k in ("scale", "duration", "warmup", "connections")}
    document = {
        "run": run,
        "machine": machine,
        "versions": found,
        "notes": notes,
        "args": settings,
        "ours": [asdict(m) for m in ours],
        "postgraphile": [asdict(m) for m in theirs],
    }
    path.write_text(json.dumps(document, indent=2, default=str))
