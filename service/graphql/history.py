"""The change history: `history(id)` of one record, the `changes` feed, `Record.history`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from service.errors import Invalid
from service.graphql.common import describe_values
from service.graphql.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    ListQuery,
    child,
    page_request,
    top_level,
)
from service.graphql.context import Info
from service.graphql.ids import decode_id, encode_id
from service.record.fields import BIGINT_END, ascii_number
from service.record.keyset import decode_cursor
from service.record.paging import Order, PageRequest, SortKey
from service.vocab import RecordKind

Row = dict[str, Any]

BY_ID = Order((SortKey("id", "bigint"),))


@strawberry.enum(description="What a change did to its record.")
class ChangeOperation(Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


describe_values(
    ChangeOperation,
    {
        "CREATE": "The record was created.",
        "UPDATE": "The record was changed.",
        "DELETE": "The record was deleted.",
    },
)


@strawberry.type(description="One write to a record: who, when, and the record before and after.")
class Change:
    id: strawberry.ID = strawberry.field(
        description="The change's number: changes are numbered in the order they were made."
    )
    kind: RecordKind = strawberry.field(description="The kind of the record.")
    record_id: strawberry.ID = strawberry.field(
        description="The record's global id (still valid after a delete: see `history`)."
    )
    operation: ChangeOperation = strawberry.field(description="Create, update or delete.")
    version: int = strawberry.field(
        description="The record's version after the change (for a delete: the last one)."
    )
    actor: str = strawberry.field(
        description="Who wrote: the name of the token, or `seed` for the seed loader."
    )
    at: datetime = strawberry.field(description="When the change was committed.")
    before: JSON | None = strawberry.field(
        description="The record before the change (null for a create)."
    )
    after: JSON | None = strawberry.field(
        description="The record after the change (null for a delete)."
    )

    @staticmethod
    def from_row(row: Row) -> Change:
        """The GraphQL object of a change row."""
        kind = RecordKind(row["kind"])
        return Change(
            id=strawberry.ID(str(row["id"])),
            kind=kind,
            record_id=strawberry.ID(encode_id(kind, row["record_id"])),
            operation=ChangeOperation(row["operation"]),
            version=row["version"],
            actor=row["actor_name"],
            at=row["changed_at"],
            before=row["before"],
            after=row["after"],
        )


CHANGES = ListQuery("changes", "list_changes", Change.from_row)
RECORD_CHANGES = ListQuery("changes", "list_record_changes", Change.from_row)
CHANGES_OF_RECORD = ListQuery("changes", "list_record_changes", Change.from_row, "record_id")


async def record_history(info: Info, record_id: int, page: PageRequest) -> Connection[Change]:
    """The changes of one record, oldest first (batched with its siblings')."""
    return await child(info, CHANGES_OF_RECORD, record_id, BY_ID, page)


def change_number(text: str, field: str) -> int | None:
    """The change id `text` spells in ASCII digits (None when it is not digits).

    Raises:
        Invalid: digits beyond any change id (PostgreSQL's bigint).
    """
    number = ascii_number(text)
    if number is not None and number >= BIGINT_END:
        raise Invalid("no change has so large an id", field=field)
    return number


def change_id_of(since: str) -> int:
    """A change number, or the cursor of a change (from a `changes` or `history` page).

    Raises:
        Invalid: `since` is neither.
    """
    number = change_number(since, "since")
    if number is not None:
        return number
    (value,) = decode_cursor(BY_ID, since, "since")
    if not isinstance(value, int):
        raise Invalid("this cursor is not valid", field="since")
    return value


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description="Every change of one record, oldest first; a deleted record keeps its "
        "history, so its last state stays readable here."
    )
    async def history(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The record's global id.")],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Change]:
        kind, record_id = decode_id(id)
        params = {"record_id": record_id, "kinds": [kind.value]}
        return await top_level(
            info, RECORD_CHANGES, params, BY_ID, page_request(first, after, last, before)
        )

    @strawberry.field(
        description="Every change to the record, in the order they were made (by id). A "
        "change is listed once every change below it is committed or rolled back (at once, "
        "unless a transaction runs long), so resuming `since` the last id seen misses none."
    )
    async def changes(
        self,
        info: Info,
        since: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only changes after this one: a change `id`, or a cursor."
            ),
        ] = None,
        kinds: Annotated[
            list[RecordKind] | None,
            strawberry.argument(description="Only changes to records of these kinds."),
        ] = None,
        actor: Annotated[
            str | None, strawberry.argument(description="Only changes by this token name.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Change]:
        since_id = None if since is None else change_id_of(since)
        kind_names = None if kinds is None else [k.value for k in kinds]
        params = {"kinds": kind_names, "actor": actor, "after_id": since_id}
        return await top_level(
            info, CHANGES, params, BY_ID, page_request(first, after, last, before)
        )
