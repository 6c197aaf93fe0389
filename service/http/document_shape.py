"""The shape of a document (depth, aliases, fields, caller-specific fields) measured in
time linear in its size: the one fragment walker of the service, for the limits
(limits.py) and for which queries the response cache may keep (cached_answers.py).

A fragment may be spread many times, and spread fragments spread others: expanded at
every use, 25 fragments of three spreads each make 3^25 selections out of one kilobyte,
which froze the process (Strawberry's depth and alias limiters expand them so). Here each
fragment is measured once, after the fragments it spreads, and a spread adds the
fragment's measure: the walk visits each node of the document once, whatever the
expansion. A spread that closes a cycle counts nothing (NoFragmentCyclesRule reports the
cycle), and no walk follows one.

The limits are checked before graphql-core's own rules: a document over one is refused
without them (one of them, OverlappingFieldsCanBeMerged, compares fields pairwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_FIELDS = "TOO_MANY_FIELDS"

# Fields whose answer depends on who asks, not only on their role: root fields of Query,
# found wherever they appear (a fragment on Query, `... on Query`, under @include).
CALLER_SPECIFIC_FIELDS = frozenset({"viewer", "tokens"})


@dataclass(frozen=True)
class Shape:
    """What one selection set selects once its fragments are expanded.

    Attributes:
        depth: most fields with selections nested in one another (introspection's
            `__` fields, bounded by graphql-core's introspection depth rule, not counted).
        aliases: aliased fields.
        fields: field selections, as written (the same field twice counts twice).
        caller_specific: a field of CALLER_SPECIFIC_FIELDS is selected somewhere, or a
            fragment is spread that the document does not define (validation refuses
            that document; until then, nothing says what it reads). A spread closing a
            cycle adds nothing (validation refuses it too, and a refused answer is
            never cached).
    """

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    caller_specific: bool = False


_EMPTY = Shape()
_UNDEFINED = Shape(caller_specific=True)


def fragments_in_order(document: DocumentNode) -> list[FragmentDefinitionNode]:
    """The document's fragments, each after the fragments it spreads (iterative: a chain
    of hundreds of fragments needs no recursion); a spread closing a cycle is cut."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
    order: list[FragmentDefinitionNode] = []
    seen: set[str] = set()
    for name, fragment in fragments.items():
        if name in seen:
            continue
        seen.add(name)
        stack = [(fragment, spread_names(fragment.selection_set))]
        while stack:
            current, spreads = stack[-1]
            for spread in spreads:
                if spread in fragments and spread not in seen:
                    seen.add(spread)
                    stack.append((fragments[spread], spread_names(fragments[spread].selection_set)))
                    break
            else:
                stack.pop()
                order.append(current)
    return order


def spread_names(selection_set: SelectionSetNode) -> Iterator[str]:
    """Names of the fragments spread in `selection_set`, at any depth (not expanded)."""
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)


def measure(
    selection_set: SelectionSetNode, fragments: dict[str, Shape], defined: frozenset[str]
) -> Shape:
    """The shape of `selection_set`, with the shapes of the fragments it spreads.

    Recursive over nested selection sets only, which graphql-core's parser bounds
    (MAX_NESTING_DEPTH, 200); a fragment not in `fragments` counts nothing: in a cycle,
    or not among the `defined` names (then as caller-specific).
    """
    depth = aliases = fields = 0
    caller_specific = False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fields += 1
            if selection.alias is not None:
                aliases += 1
            if selection.name.value in CALLER_SPECIFIC_FIELDS:
                caller_specific = True
            if selection.selection_set is not None:
                inner = measure(selection.selection_set, fragments, defined)
                aliases += inner.aliases
                fields += inner.fields
                caller_specific = caller_specific or inner.caller_specific
                if not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner.depth)
        else:
            if isinstance(selection, InlineFragmentNode):
                inner = measure(selection.selection_set, fragments, defined)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                name = selection.name.value
                inner = fragments.get(name, _EMPTY if name in defined else _UNDEFINED)
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            fields += inner.fields
            caller_specific = caller_specific or inner.caller_specific
    return Shape(depth, aliases, fields, caller_specific)


def operation_shapes(document: DocumentNode) -> list[tuple[OperationDefinitionNode, Shape]]:
    """Each operation of `document` with its shape (fragments measured once for all)."""
    fragments: dict[str, Shape] = {}
    in_order = fragments_in_order(document)
    defined = frozenset(fragment.name.value for fragment in in_order)
    for fragment in in_order:
        fragments[fragment.name.value] = measure(fragment.selection_set, fragments, defined)
    return [
        (definition, measure(definition.selection_set, fragments, defined))
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


@dataclass(frozen=True)
class ShapeLimits:
    """The largest shape a document may have (see Settings)."""

    max_depth: int
    max_aliases: int
    max_fields: int

    def problems(self, document: DocumentNode) -> list[GraphQLError]:
        """Errors, with their codes, for each limit `document` is over (aliases and fields
        are counted over all its operations)."""
        errors: list[GraphQLError] = []
        aliases = fields = 0
        for operation, shape in operation_shapes(document):
            aliases += shape.aliases
            fields += shape.fields
            if shape.depth > self.max_depth:
                name = operation.name.value if operation.name else "anonymous"
                errors.append(
                    GraphQLError(
                        f"'{name}' exceeds maximum operation depth of {self.max_depth}",
                        operation,
                        extensions={"code": TOO_DEEP},
                    )
                )
        if aliases > self.max_aliases:
            errors.append(
                GraphQLError(
                    f"{_count(aliases)} aliases found. Allowed: {self.max_aliases}",
                    extensions={"code": TOO_MANY_ALIASES},
                )
            )
        if fields > self.max_fields:
            errors.append(
                GraphQLError(
                    f"{_count(fields)} field selections once fragments are expanded. "
                    f"Allowed: {self.max_fields}: spread fewer fragments, or smaller ones",
                    extensions={"code": TOO_MANY_FIELDS},
                )
            )
        return errors


def _count(n: int) -> str:
    """A count for a message: a fan-out of fragments can make one of hundreds of digits."""
    return str(n) if n < 10**12 else f"more than {10**12}"
