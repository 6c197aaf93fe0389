"""Random valid operations over the schema, for the differential test (test_differential.py).

A seeded generator over graphql-core's types of graphql/schema.graphql: nested
selections, connections paged with cursors taken from earlier answers, filters and
orderings, named fragments, inline fragments on interfaces and unions, aliases and
variables. Values come from pools the answers fill (slugs by type, ids, cursors by
list), with a few wrong ones mixed in (an unknown slug, a bad cursor, first and last
together), since both routes must also fail alike.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    print_ast,
)

# Caller-specific or admin-only: not what the two routes are compared on.
SKIPPED_ROOT_FIELDS = frozenset({"viewer", "tokens"})
WORDS = [
    "Russia", "peace", "declaration", "force", "Ukraine", "O'Brien", 'say "no"', "back\\slash",
    "Тест", "中文", "🙂", "%", "_", "a", "", "0999", "ü", "zakharova",
]  # fmt: skip
TIMES = ["2026-01-01T00:00:00Z", "0999-06-01T12:00:00Z", "2025-12-31T23:59:59.5+02:00"]
COUNTRY_CODES = ["RU", "UA", "US", "GB", "FR", "ZZ"]
PAGING = frozenset({"first", "last", "after", "before"})
# Fields without SQL leave the whole operation to the executor (docs/PERFORMANCE.md,
# "Compiled queries"): chosen less often, so that most operations reach the compiled route.
EXECUTOR_ONLY_FIELDS = frozenset(
    {"history", "changes", "about", "targets", "answers", "warnings", "concerns"}
)


@dataclass
class Pools:
    """What earlier answers showed: slugs by type, global ids, cursors by list."""

    slugs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    ids: list[str] = field(default_factory=list)
    cursors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def harvest(self, data: Any, lists: dict[str, str]) -> None:
        """Remember slugs, ids and cursors in an answer's data.

        Args:
            lists: response path (dot-joined keys, no indexes) -> list key, for cursors.
        """
        self._walk(data, (), lists)

    def _walk(self, value: Any, path: tuple[str, ...], lists: dict[str, str]) -> None:
        if isinstance(value, list):
            for item in value:
                self._walk(item, path, lists)
            return
        if not isinstance(value, dict):
            return
        typename = value.get("__typename")
        for key, item in value.items():
            here = (*path, key)
            if isinstance(item, str):
                if key.endswith("slug") and typename:
                    _add(self.slugs[typename], item)
                elif key == "id" or key.endswith("_id"):
                    _add(self.ids, item)
                elif key in {"cursor", "endCursor", "startCursor"}:
                    # `edges.cursor` and `pageInfo.endCursor`: the list is one key up.
                    list_key = lists.get(".".join(path[:-1]))
                    if list_key:
                        _add(self.cursors[list_key], item)
            else:
                self._walk(item, here, lists)


def _add(pool: list[str], value: str, most: int = 200) -> None:
    if value not in pool:
        pool.append(value)
        if len(pool) > most:
            pool.pop(0)


@dataclass
class Operation:
    """A document, its variables, and which response paths are which lists."""

    document: str
    variables: dict[str, Any]
    lists: dict[str, str]


class OperationGenerator:
    """Random operations over `schema`, drawing on `pools`."""

    def __init__(self, schema: GraphQLSchema, rng: random.Random, pools: Pools) -> None:
        self.schema = schema
        self.rng = rng
        self.pools = pools

    def operation(self) -> Operation:
        """One query: one to three root fields, nested up to four levels."""
        self._variables: dict[str, Any] = {}
        self._definitions: list[str] = []
        self._fragments: list[str] = []
        self._lists: dict[str, str] = {}
        self._names = 0
        self._faults = 1 if self.rng.random() < 0.25 else 0
        query = self.schema.query_type
        assert query is not None
        roots = [n for n in query.fields if n not in SKIPPED_ROOT_FIELDS]
        roots = [n for n in roots if n not in EXECUTOR_ONLY_FIELDS or self.rng.random() < 0.15]
        chosen = self.rng.sample(roots, self.rng.randint(1, 3))
        parts = [self._field(query, name, query.fields[name], 3, (), alias=True) for name in chosen]
        header = ", ".join(self._definitions)
        name = f"Random{self.rng.randint(0, 10**6)}"
        signature = f"query {name}({header})" if header else f"query {name}"
        document = "\n".join([f"{signature} {{ {' '.join(parts)} }}", *self._fragments])
        return Operation(document, dict(self._variables), dict(self._lists))

    # --- selections ----------------------------------------------------------------

    def _fault(self, chance: float) -> bool:
        """Whether to put a wrong value here: at most one an operation, in a quarter."""
        if self._faults and self.rng.random() < chance:
            self._faults -= 1
            return True
        return False

    def _fresh(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}{self._names}"

    def _field(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        definition: GraphQLField,
        depth: int,
        path: tuple[str, ...],
        alias: bool = False,
        prefix: str = "",
    ) -> str:
        args, list_key = self._arguments(parent, name, definition)
        response_name = name
        text = name
        if alias or args or prefix:
            response_name = self._fresh(prefix or name[:3])
            text = f"{response_name}: {name}"
        if args:
            text += "(" + ", ".join(args) + ")"
        text += self._directive()
        named = get_named_type(definition.type)
        here = (*path, response_name)
        if named.name.endswith("Connection"):
            self._lists[".".join(here)] = list_key
        if is_leaf_type(named):
            return text
        return f"{text} {{ {self._selection(named, depth - 1, here)} }}"

    def _selection(self, type_: GraphQLNamedType, depth: int, path: tuple[str, ...]) -> str:
        rng = self.rng
        if isinstance(type_, GraphQLUnionType):
            return self._abstract(list(type_.types), depth, path, [])
        if isinstance(type_, GraphQLInterfaceType):
            possible = list(self.schema.get_possible_types(type_))
            own = self._fields_of(type_, depth, path)
            return self._abstract(possible, depth, path, own)
        assert isinstance(type_, GraphQLObjectType)
        parts = self._fields_of(type_, depth, path)
        if rng.random() < 0.2:
            # The same type again: its fields merge with the ones above (an object field
            # selected twice answers the union of both selections).
            again = " ".join(self._fields_of(type_, depth, path))
            condition = f"on {type_.name} " if rng.random() < 0.7 else ""
            parts.append(f"... {condition}{self._directive(0.5)}{{ {again} }}")
        if rng.random() < 0.15 and depth >= 0:
            fragment = self._fresh("F")
            self._fragments.append(f"fragment {fragment} on {type_.name} {{ {' '.join(parts)} }}")
            return f"__typename ...{fragment}"
        return " ".join(parts)

    def _abstract(
        self, possible: list[GraphQLObjectType], depth: int, path: tuple[str, ...], own: list[str]
    ) -> str:
        parts = ["__typename", *own]
        for object_type in self.rng.sample(possible, min(len(possible), self.rng.randint(1, 3))):
            inner = self._fields_of(object_type, depth, path, prefix=object_type.name[:4])
            parts.append(f"... on {object_type.name} {{ {' '.join(inner)} }}")
        return " ".join(parts)

    def _fields_of(
        self,
        type_: GraphQLObjectType | GraphQLInterfaceType,
        depth: int,
        path: tuple[str, ...],
        prefix: str = "",
    ) -> list[str]:
        rng = self.rng
        fields = type_.fields
        if type_.name.endswith("Connection"):
            return self._connection(type_, depth, path)
        leaves = [n for n, f in fields.items() if is_leaf_type(get_named_type(f.type))]
        nested = [n for n, f in fields.items() if n not in leaves and depth > 0]
        chosen = rng.sample(leaves, min(len(leaves), rng.randint(1, 4)))
        if "slug" in leaves and "slug" not in chosen and not prefix:
            chosen.append("slug")
        nested = [n for n in nested if n not in EXECUTOR_ONLY_FIELDS or rng.random() < 0.15]
        if nested:
            chosen += rng.sample(nested, min(len(nested), rng.randint(0, 2)))
            with_args = [n for n in chosen if n in nested and fields[n].args]
            if with_args and rng.random() < 0.2:
                chosen.append(rng.choice(with_args))  # again, under another alias
        parts = ["__typename"] if rng.random() < 0.7 and not prefix else []
        for name in chosen:
            parts.append(self._field(type_, name, fields[name], depth, path, prefix=prefix))
        return parts or ["__typename"]

    def _connection(
        self, type_: GraphQLObjectType | GraphQLInterfaceType, depth: int, path: tuple[str, ...]
    ) -> list[str]:
        rng = self.rng
        fields = type_.fields
        node_type = get_named_type(fields["nodes"].type)
        parts = ["pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"]
        if rng.random() < 0.5:
            parts.append("totalCount")
        if rng.random() < 0.5:
            inner = self._selection(node_type, depth, (*path, "edges", "node"))
            parts.append(f"edges {{ cursor node {{ {inner} }} }}")
        else:
            parts.append(f"nodes {{ {self._selection(node_type, depth, (*path, 'nodes'))} }}")
        return parts

    # --- arguments ---------------------------------------------------------------------

    def _arguments(
        self, parent: GraphQLObjectType | GraphQLInterfaceType, name: str, definition: GraphQLField
    ) -> tuple[list[str], str]:
        """The field's arguments, and the key of its cursors (a list in one order)."""
        rng = self.rng
        out: list[str] = []
        order = ""
        for arg_name, arg in definition.args.items():
            if arg_name in PAGING:
                continue
            required = isinstance(arg.type, GraphQLNonNull)
            if not required and rng.random() < 0.6:
                continue
            value = self._value(arg_name, arg.type, get_named_type(definition.type).name)
            if value is _OMIT:
                if not required:
                    continue
                value = self._value(arg_name, arg.type, "", force=True)
            if arg_name == "orderBy":
                order = str(value)
            out.append(f"{arg_name}: {self._literal_or_variable(value, arg.type)}")
        list_key = f"{parent.name}.{name}.{order}"
        if set(definition.args) >= PAGING:
            out = self._paging(list_key) + out
        return out, list_key

    def _paging(self, list_key: str) -> list[str]:
        rng = self.rng
        out: list[str] = []
        size = rng.choice([0, 1, 2, 2, 3, 3])
        backwards = rng.random() < 0.3
        if self._fault(0.1):
            out.append("first: 1, last: 1")  # refused alike
        elif rng.random() < 0.9:
            out.append(f"{'last' if backwards else 'first'}: {size}")
        elif rng.random() < 0.3:
            out.append("first: null")
        cursors = self.pools.cursors.get(list_key) or []
        side = "before" if backwards else "after"
        if self._fault(0.2):
            out.append(f"{side}: {json.dumps('not-a-cursor')}")
        elif self._fault(0.2) and any(self.pools.cursors.values()):
            other = rng.choice([c for c in self.pools.cursors.values() if c])
            out.append(f"{side}: {json.dumps(rng.choice(other))}")  # another list's cursor
        elif cursors and rng.random() < 0.5:
            out.append(f"{side}: {json.dumps(rng.choice(cursors))}")
        return out

    def _value(self, name: str, type_: GraphQLInputType, target: str, force: bool = False) -> Any:
        rng = self.rng
        if isinstance(type_, GraphQLNonNull):
            return self._value(name, type_.of_type, target, force)
        if isinstance(type_, GraphQLList):
            item = self._value(name, type_.of_type, target, force=True)
            items = [item, *(self._value(name, type_.of_type, target, True) for _ in range(2))]
            return items[: rng.randint(1, 3)]
        if isinstance(type_, GraphQLEnumType):
            return _Enum(rng.choice(list(type_.values)))
        if isinstance(type_, GraphQLInputObjectType):
            value: dict[str, Any] = {}
            for field_name, input_field in type_.fields.items():
                if rng.random() < 0.35 or (isinstance(input_field.type, GraphQLNonNull)):
                    inner = self._value(field_name, input_field.type, target, force=True)
                    if inner is not _OMIT:
                        value[field_name] = inner
            return value
        assert isinstance(type_, GraphQLScalarType)
        return self._scalar(name, type_.name, target)

    def _scalar(self, name: str, scalar: str, target: str) -> Any:
        rng = self.rng
        pools = self.pools
        if name == "slug":
            slugs = pools.slugs.get(target) or [s for v in pools.slugs.values() for s in v]
            return "no-such-slug" if not slugs or self._fault(0.3) else rng.choice(slugs)
        if scalar == "ID":
            if pools.ids and not self._fault(0.3):
                return rng.choice(pools.ids)
            return rng.choice(["bad-id", "YWN0b3I6OTk5OTk5"])  # garbage; actor:999999
        if scalar == "DateTime":
            return rng.choice(TIMES)
        if scalar == "Boolean":
            return rng.random() < 0.5
        if scalar == "Int":
            return rng.randint(0, 3)
        if name in {"countryCodes", "countryCode"}:
            return rng.choice(COUNTRY_CODES)
        if name == "field":
            return rng.choice(["key_phrase", "said_at", "speaker"])
        if name in {"since", "actor"}:
            return _OMIT
        return rng.choice(WORDS)

    def _directive(self, chance: float = 0.08) -> str:
        """Sometimes ` @include(if: ...)` or ` @skip(if: ...)`, literal or variable."""
        rng = self.rng
        if rng.random() >= chance:
            return ""
        name = rng.choice(["include", "skip"])
        value = rng.random() < 0.5
        if rng.random() < 0.5:
            variable = self._fresh("b")
            self._definitions.append(f"${variable}: Boolean!")
            self._variables[variable] = value
            return f" @{name}(if: ${variable}) "
        return f" @{name}(if: {'true' if value else 'false'}) "

    def _literal_or_variable(self, value: Any, type_: GraphQLInputType) -> str:
        if not isinstance(type_, GraphQLNonNull) and self.rng.random() < 0.05:
            value = None  # an explicit null, as a literal or a variable
        if self.rng.random() < 0.3:
            name = self._fresh("v")
            self._definitions.append(f"${name}: {type_}")
            self._variables[name] = _jsonable(value)
            return f"${name}"
        return _literal(value)


def default_list_key(schema: GraphQLSchema, type_name: str, field_name: str) -> str:
    """The cursor key of a list read in its default order (as the seeding query reads it)."""
    type_ = schema.get_type(type_name)
    assert isinstance(type_, GraphQLObjectType)
    order = type_.fields[field_name].args.get("orderBy")
    literal = None if order is None or order.default is None else order.default.literal
    return f"{type_name}.{field_name}.{'' if literal is None else print_ast(literal)}"


class _Enum(str):
    """An enum value: written bare in a literal, as a string in variables."""


_OMIT: Any = object()


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, _Enum):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return str(value) if isinstance(value, _Enum) else value
