"""A list field declared once. Its declaration is a function of the field's arguments (the
paging ones aside) returning what the list reads, a `ListRead`; `child_list` and
`root_list` make of it both the field's resolver and what the compiled path reads
(service/graphql/compiled/catalog.py finds it in the field's metadata). A list field
cannot be added to one path and forgotten in the other, and its filters and orderings
mean the same on both.

    @child_list("Membership", description="Roles this actor holds in organisations.")
    def memberships() -> ListRead:
        return ListRead(MEMBERSHIPS_OF_MEMBER, BY_START)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from service.graphql.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    ListRead,
    child,
    page_request,
    top_level,
)
from service.graphql.context import Info

LIST_READ = "list_read"
"""The key of a list field's `ListField` in its Strawberry field's metadata."""

_PAGING = (("first", First), ("after", After), ("last", Last), ("before", Before))


@dataclass(frozen=True)
class ListField:
    """A list field's declaration: what it reads for its arguments.

    Attributes:
        read: the declared function; its parameters are the field's arguments.
        per_parent: a list under each object (its `id` is the list query's parent
            column), or a root list over the whole record.
    """

    read: Callable[..., ListRead]
    per_parent: bool

    def read_of(self, arguments: Mapping[str, Any]) -> ListRead:
        """The read for the field's arguments by Python name (paging ones are ignored)."""
        names = inspect.signature(self.read).parameters
        return self.read(**{name: arguments[name] for name in names if name in arguments})


def child_list(node: object, *, description: str) -> Callable[[Callable[..., ListRead]], Any]:
    """A connection of `node` under each object of the type declaring it, batched with its
    siblings (`connection.child`). `node` is a type, a lazy type, or the name of a type
    defined further down the declaring module."""
    return _list_field(node, description, per_parent=True)


def root_list(node: object, *, description: str) -> Callable[[Callable[..., ListRead]], Any]:
    """A connection of `node` over the whole record, for the Query type."""
    return _list_field(node, description, per_parent=False)


def _list_field(
    node: object, description: str, *, per_parent: bool
) -> Callable[[Callable[..., ListRead]], StrawberryField]:
    def declare(read: Callable[..., ListRead]) -> StrawberryField:
        listed = ListField(read, per_parent)

        async def resolve(root: Any, info: Info, **arguments: Any) -> Connection[Any]:
            page = page_request(*(arguments.pop(name, None) for name, _ in _PAGING))
            list_read = read(**arguments)
            if per_parent:
                return await child(
                    info, list_read.query, root.db_id, list_read.order, page, list_read.params
                )
            return await top_level(info, list_read.query, list_read.params, list_read.order, page)

        # Strawberry reads a resolver's arguments from its signature, and resolves string
        # annotations in its module: the declared ones, then the paging ones.
        declared = inspect.signature(read).parameters.values()
        keyword = inspect.Parameter.KEYWORD_ONLY
        positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
        resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter("root", positional),
                inspect.Parameter("info", positional, annotation=Info),
                *(p.replace(kind=keyword) for p in declared),
                *(inspect.Parameter(n, keyword, default=None, annotation=a) for n, a in _PAGING),
            ],
            return_annotation=Connection[node],  # type: ignore[valid-type]
        )
        resolve.__module__ = read.__module__
        resolve.__name__ = read.__name__
        resolve.__qualname__ = read.__qualname__
        field: StrawberryField = strawberry.field(
            resolver=resolve, description=description, metadata={LIST_READ: listed}
        )
        return field

    return declare


def list_field_of(definition: StrawberryField | None) -> ListField | None:
    """The declaration of a list field made here, or None for any other field."""
    if definition is None or not definition.metadata:
        return None
    found = definition.metadata.get(LIST_READ)
    return found if isinstance(found, ListField) else None
