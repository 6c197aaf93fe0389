"""The cost limit: how many nodes one operation could return, counted before it runs.

GitHub's algorithm: every connection field returns up to `first`/`last` items (the
default page size when neither is given) for each item of the connection it is nested
in; the operation's cost is the sum over its connection fields. Lists that are not
connections (a statement's subjects, a warning's targets: a few items, bounded by the
data) are not counted, as GitHub does not count them; `nodes(ids:)` counts one per id,
`writeRecords(operations:)` one per operation.

Variables are not available to validation rules, so this runs as an extension just
before execution, on the parsed and validated document with the request's variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from service.http.document_shape import fragments_in_order
from service.http.operation_caches import OperationKey, operation_key
from service.lru import Lru

TOO_COSTLY = "QUERY_TOO_COSTLY"
_PAGE_ARGUMENTS = ("first", "last")
MOST_NODES_SHOWN = 2**53 - 1


@dataclass(frozen=True)
class PageSizes:
    """The page sizes the connections apply (see Settings)."""

    default: int
    maximum: int


def count_nodes(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    sizes: PageSizes,
) -> int:
    """The most nodes the operation could return (0 when there is no such operation)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    walker = _Walker(schema, dict(variables or {}), sizes)
    # Each fragment counted once, per item of what spreads it (a count is linear in the
    # multiplier): spreading one fragment at every use is exponential (document_shape.py).
    for fragment in fragments_in_order(document):
        target = schema.get_type(fragment.type_condition.name.value)
        if target is not None:
            walker.fragments[fragment.name.value] = walker.selection_set(
                fragment.selection_set, target, 1
            )
    return walker.selection_set(operation.selection_set, root, 1)


class _Walker:
    def __init__(self, schema: GraphQLSchema, variables: dict[str, Any], sizes: PageSizes) -> None:
        self.schema = schema
        self.variables = variables
        self.sizes = sizes
        self.fragments: dict[str, int] = {}
        """Nodes per item of each fragment counted so far (not: unknown, or in a cycle)."""

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, multiplier: int
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, target or parent, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                total += multiplier * self.fragments.get(selection.name.value, 0)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, multiplier: int) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0  # a leaf, or introspection (bounded by the depth and token limits)
        target = get_named_type(definition.type)
        # A connection's own `edges`/`nodes` are the items its page size counted already.
        items = None if _is_connection(parent) else self.items(node, definition, target)
        nodes = multiplier * items if items is not None else 0
        inner = multiplier * items if items is not None else multiplier
        return nodes + self.selection_set(node.selection_set, target, inner)

    def items(
        self, node: FieldNode, definition: GraphQLField, target: GraphQLNamedType
    ) -> int | None:
        """Items per parent of a counted list; None for anything else (passed through)."""
        if _is_connection(target):
            return self.page_size(node, definition)
        operations = self.argument(node, definition, "operations")  # writeRecords
        if isinstance(operations, list):
            return len(operations)  # one answer per operation, whatever its type
        if is_list_type(get_nullable_type(definition.type)) and not is_leaf_type(target):
            ids = self.argument(node, definition, "ids")  # `nodes(ids:)`: known in advance
            if isinstance(ids, list):
                return len(ids)
        return None

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int:
        for name in _PAGE_ARGUMENTS:
            value = self.argument(node, definition, name)
            if isinstance(value, int):
                # A size above the maximum is refused by the field itself (INVALID).
                return max(0, min(value, self.sizes.maximum))
        return self.sizes.default

    def argument(self, node: FieldNode, definition: GraphQLField, name: str) -> Any:
        argument = next((a for a in node.arguments or () if a.name.value == name), None)
        if argument is None or name not in definition.args:
            return None
        return value_from_ast(argument.value, definition.args[name].type, self.variables)


def _is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and "pageInfo" in type_.fields


class CostLimit(SchemaExtension):
    """Refuse, before anything runs, an operation that could return too many nodes."""

    def __init__(self, max_nodes: int, sizes: PageSizes, counts: Lru[OperationKey, int]) -> None:
        """Allow at most `max_nodes`, counting pages of `sizes`; keep counts in `counts`
        (one per schema: a count depends on the text and the variables only)."""
        self.max_nodes = max_nodes
        self.sizes = sizes
        self.counts = counts

    def on_execute(self) -> Iterator[None]:
        """Count, and answer with an error instead of executing when over the limit."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            # Only queries' counts are kept: a mutation's variables are new every time, and
            # its entries would push out the counts of the queries that do repeat.
            key = (
                operation_key(context.query, context.operation_name, context.variables)
                if context.operation_type is OperationType.QUERY
                else None
            )
            nodes = -1 if key is None else self.counts.get(key, -1)
            if nodes < 0:
                nodes = count_nodes(
                    context.schema._schema,
                    document,
                    context.operation_name,
                    context.variables,
                    self.sizes,
                )
                if key is not None:
                    self.counts.put(key, nodes)
            if nodes > self.max_nodes:
                # A fan-out of fragments may count hundreds of digits; JSON holds 53 bits.
                nodes = min(nodes, MOST_NODES_SHOWN)
                message = (
                    f"this query could return up to {nodes} nodes, more than the "
                    f"{self.max_nodes} allowed: ask for smaller pages (first/last) or "
                    "fewer nested lists"
                )
                error = GraphQLError(message, extensions={"code": TOO_COSTLY, "nodes": nodes})
                context.result = ExecutionResult(data=None, errors=[error])
        yield
