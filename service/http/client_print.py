"""A GraphQL document as graphql-js 16's `print()` renders it, byte for byte.

Persisted-query clients (Apollo Client, urql, graphql-request) hash the text that
graphql-js prints. graphql-core's `print_ast` follows a later graphql-js (it wraps long
variable lists and spaces object values, `{ a: 1 }` where graphql-js 16 prints `{a: 1}`),
so its hash is not the one these clients compute. Executable documents only: operations
and fragments, which are all a client sends.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import language as ast
from graphql.language.block_string import print_block_string
from graphql.language.print_string import print_string

# graphql-js 16: a field whose arguments make a longer line puts one argument a line.
MAX_LINE_LENGTH = 80


def print_like_graphql_js(node: ast.Node) -> str:
    """The text graphql-js 16's `print(node)` gives."""
    return _print(node)


def _join(parts: Iterable[str | None], separator: str = "") -> str:
    return separator.join(part for part in parts if part)


def _wrap(start: str, inner: str | None, end: str = "") -> str:
    return f"{start}{inner}{end}" if inner else ""


def _indent(text: str) -> str:
    return _wrap("  ", text.replace("\n", "\n  "))


def _block(items: Iterable[str]) -> str:
    return _wrap("{\n", _indent(_join(items, "\n")), "\n}")


def _all(nodes: Iterable[ast.Node] | None) -> list[str]:
    return [_print(node) for node in nodes or ()]


def _print(node: Any) -> str:
    match node:
        case ast.DocumentNode():
            return _join(_all(node.definitions), "\n\n")
        case ast.OperationDefinitionNode():
            variables = _wrap("(", _join(_all(node.variable_definitions), ", "), ")")
            name = _join([_print(node.name) if node.name else "", variables])
            prefix = _join([node.operation.value, name, _join(_all(node.directives), " ")], " ")
            selections = _print(node.selection_set)
            return selections if prefix == "query" else f"{prefix} {selections}"
        case ast.VariableDefinitionNode():
            default = _wrap(" = ", _print(node.default_value) if node.default_value else "")
            directives = _wrap(" ", _join(_all(node.directives), " "))
            return f"{_print(node.variable)}: {_print(node.type)}{default}{directives}"
        case ast.SelectionSetNode():
            return _block(_all(node.selections))
        case ast.FieldNode():
            prefix = _wrap("", node.alias.value if node.alias else "", ": ") + node.name.value
            arguments = _all(node.arguments)
            line = prefix + _wrap("(", _join(arguments, ", "), ")")
            if len(line) > MAX_LINE_LENGTH:
                line = prefix + _wrap("(\n", _indent(_join(arguments, "\n")), "\n)")
            selections = _print(node.selection_set) if node.selection_set else ""
            return _join([line, _join(_all(node.directives), " "), selections], " ")
        case ast.ArgumentNode() | ast.ObjectFieldNode():
            return f"{node.name.value}: {_print(node.value)}"
        case ast.FragmentSpreadNode():
            return "..." + node.name.value + _wrap(" ", _join(_all(node.directives), " "))
        case ast.InlineFragmentNode():
            condition = _wrap("on ", _print(node.type_condition) if node.type_condition else "")
            parts = ["...", condition, _join(_all(node.directives), " ")]
            return _join([*parts, _print(node.selection_set)], " ")
        case ast.FragmentDefinitionNode():
            variables = _wrap("(", _join(_all(node.variable_definitions), ", "), ")")
            directives = _wrap("", _join(_all(node.directives), " "), " ")
            return (
                f"fragment {node.name.value}{variables} "
                f"on {_print(node.type_condition)} {directives}{_print(node.selection_set)}"
            )
        case ast.VariableNode():
            return "$" + node.name.value
        case ast.IntValueNode() | ast.FloatValueNode() | ast.EnumValueNode():
            return str(node.value)
        case ast.StringValueNode():
            return print_block_string(node.value) if node.block else print_string(node.value)
        case ast.BooleanValueNode():
            return "true" if node.value else "false"
        case ast.NullValueNode():
            return "null"
        case ast.ListValueNode():
            return "[" + _join(_all(node.values), ", ") + "]"
        case ast.ObjectValueNode():
            return "{" + _join(_all(node.fields), ", ") + "}"
        case ast.DirectiveNode():
            return "@" + node.name.value + _wrap("(", _join(_all(node.arguments), ", "), ")")
        case ast.NamedTypeNode():
            return str(node.name.value)
        case ast.ListTypeNode():
            return f"[{_print(node.type)}]"
        case ast.NonNullTypeNode():
            return f"{_print(node.type)}!"
        case ast.NameNode():
            return str(node.value)
    raise TypeError(f"not an executable document's node: {type(node).__name__}")
