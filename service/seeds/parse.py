"""Collecting seeds: find the files, parse them, validate every item, check across files.

Everything is checked before anything is written, and every problem is reported: each
item is validated on its own, so one bad item does not hide the problems of the next.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

from service.record.fields import explain, nul_path
from service.seeds.checks import check_seeds
from service.seeds.documents import Document, PathPart, read_document
from service.seeds.entries import SECTION_KINDS, Seeds, Where, flatten
from service.seeds.models import SECTIONS
from service.seeds.problems import Problem, SeedError

SEED_SUFFIXES = (".yaml", ".yml", ".json")


def collect_seeds(paths: Iterable[Path | str]) -> Seeds:
    """Read and validate the seed files at `paths` (files, or folders of *.yaml/*.json).

    Raises:
        SeedError: with every problem found; nothing has been written.
    """
    seeds = Seeds()
    problems: list[Problem] = []
    for path, file in _discover(paths, problems):
        document, found = read_document(path, file)
        problems.extend(found)
        seeds.files.append(file)
        if document is None:
            seeds.unreadable = True
        else:
            problems.extend(_validate_document(document, seeds))
    if not seeds.unreadable:
        # With a file unparsed, any slug might be defined in it: only check when all read.
        problems.extend(check_seeds(seeds.entries, seeds.broken_slugs))
    if problems:
        raise SeedError(problems)
    return seeds


def _discover(paths: Iterable[Path | str], problems: list[Problem]) -> list[tuple[Path, str]]:
    """Seed files in the given order; a folder contributes its seed files by name."""
    found: list[tuple[Path, str]] = []
    for given in map(Path, paths):
        if given.is_dir():
            files = sorted(p for p in given.iterdir() if p.suffix in SEED_SUFFIXES)
            found.extend((p, str(p)) for p in files if p.is_file())
        elif given.is_file() and given.suffix in SEED_SUFFIXES:
            found.append((given, str(given)))
        elif given.exists():
            problems.append(Problem(str(given), None, None, "not a .yaml, .yml or .json file"))
        else:
            problems.append(Problem(str(given), None, None, "no such file or folder"))
    return found


def _validate_document(document: Document, seeds: Seeds) -> list[Problem]:
    data = document.data
    if data is None:
        return []  # an empty file is allowed (a placeholder for a topic)
    top = Where(document, ())
    if not isinstance(data, dict):
        return [top.problem("the file must be a mapping of sections: " + ", ".join(SECTIONS))]
    problems: list[Problem] = []
    for section, items in data.items():
        where = top.at(str(section))
        if section not in SECTIONS:
            expected = ", ".join(SECTIONS)
            line = document.key_line((), str(section))
            problems.append(
                Problem(document.file, line, None, f"unknown section {section!r} ({expected})")
            )
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(where.problem(f"`{section}` must be a list"))
            continue
        for index, raw in enumerate(items):
            item_where = where.at(index)
            if (nul_at := nul_path(raw)) is not None:
                problems.append(
                    item_where.at(*nul_at).problem(
                        "text may not hold the NUL character (\\0): PostgreSQL cannot store it"
                    )
                )
                seeds.broken_slugs.update(_slugs_in(raw))
                continue
            try:
                value = msgspec.convert(raw, SECTIONS[section], strict=False)
            except msgspec.ValidationError as exc:
                problems.append(_schema_problem(item_where, SECTIONS[section], str(exc)))
                seeds.broken_slugs.update(_slugs_in(raw))
                continue
            for entry in flatten(SECTION_KINDS[section], value, item_where):
                seeds.add(entry)
    return problems


def _slugs_in(raw: Any) -> set[str]:
    """Every `slug` written in an item that failed validation, nested ones included."""
    found: set[str] = set()
    stack = [raw]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("slug"), str):
                found.add(value["slug"])
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


_PATH_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(.+)`$")
_FIELD_CHECK = re.compile(r"^`(\w+)`: ")  # raised by Item.__post_init__ for one field


def _schema_problem(where: Where, item_type: type, message: str) -> Problem:
    """Turn msgspec's `reason - at `$.x[1].y`` (relative to the item) into a located problem."""
    reason, _, at = message.rpartition(" - at `$")
    if not reason:
        reason, at = message, ""
    parts: tuple[PathPart, ...] = tuple(
        name if name else int(index) for name, index in _PATH_PART.findall(at.rstrip("`"))
    )
    full = where.at(*parts)
    reason = explain(reason)  # the rule in words, as the API says it
    if reason.startswith("Invalid enum value"):
        choices = _literal_choices(item_type, parts)
        if choices:
            reason += f" (expected one of: {', '.join(choices)})"
    if unknown := _UNKNOWN_FIELD.match(reason):
        line = where.document.key_line(full.path, unknown.group(1))
    else:
        if checked := _FIELD_CHECK.match(reason):
            full = full.at(checked.group(1))
        line = full.line
    return Problem(where.document.file, line, None, reason, full.path_text)


def _literal_choices(item_type: Any, parts: tuple[PathPart, ...]) -> list[str]:
    """The allowed values of the enum field at `parts`, found by walking the Struct types."""
    current: Any = item_type
    for part in parts:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        else:
            hints = typing.get_type_hints(current) if isinstance(current, type) else {}
            current = hints.get(part)
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, enum.Enum):
        return [str(member.value) for member in current]
    if typing.get_origin(current) is not typing.Literal:
        return []
    return [str(choice) for choice in typing.get_args(current)]


def _unwrap(hint: Any) -> Any:
    """Strip Annotated[...] and `| None` off a type hint."""
    while True:
        if typing.get_origin(hint) is typing.Annotated:
            hint = typing.get_args(hint)[0]
            continue
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if typing.get_origin(hint) in (typing.Union, types.UnionType) and len(args) == 1:
            hint = args[0]
            continue
        return hint
