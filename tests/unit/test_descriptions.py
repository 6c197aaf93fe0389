"""The API's commands check each column with the type (and limits) its kind's description
declares, so the API and the seed loader accept the same values."""

from __future__ import annotations

import importlib
import pkgutil
import re
import types
import typing
from typing import Any

import msgspec
import pytest

from service import kinds
from service.kinds.registry import BY_KIND, DESCRIPTIONS
from service.record.description import Column, Reference
from service.vocab import RecordKind

# Every home's commands module: a new home is found without being listed here.
MODULES = tuple(
    importlib.import_module(f"service.kinds.{home.name}.commands")
    for home in pkgutil.iter_modules(kinds.__path__)
    if home.ispkg
)


def _commands() -> list[tuple[type[msgspec.Struct], RecordKind]]:
    found = []
    for module in MODULES:
        for name, value in vars(module).items():
            verb = re.match(r"^(Create|Add|Update)([A-Z]\w+)$", name)
            if verb and isinstance(value, type) and issubclass(value, msgspec.Struct):
                kind = re.sub(r"(?<!^)([A-Z])", r"_\1", verb.group(2)).lower()
                found.append((value, RecordKind(kind)))
    return found


def _bare(hint: Any) -> Any:
    """The type without `| None` and `| Unset`."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a not in (type(None), msgspec.UnsetType)]
        return args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
    return hint


def test_every_kind_has_commands() -> None:
    assert {kind for _, kind in _commands()} == {d.kind for d in DESCRIPTIONS}


@pytest.mark.parametrize(("command", "kind"), _commands(), ids=lambda v: getattr(v, "__name__", v))
def test_command_columns_have_the_described_types(
    command: type[msgspec.Struct], kind: RecordKind
) -> None:
    columns = {f.name: f for f in BY_KIND[kind].fields if isinstance(f, Column)}
    hints = typing.get_type_hints(command, include_extras=True)
    for name in command.__struct_fields__:
        if name in columns:
            assert _bare(hints[name]) == _bare(columns[name].type), (command.__name__, name)


def test_references_point_at_kinds_written_before() -> None:
    # The seed loader writes kinds in this order, each record once; only a link set may
    # point at a kind written later (it is written in a second pass: LATER_LINKS).
    written: set[RecordKind] = set()
    for description in DESCRIPTIONS:
        written.add(description.kind)
        for field in description.fields:
            if isinstance(field, Reference):
                assert set(field.kinds) <= written, (description.kind, field.column)
