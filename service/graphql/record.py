"""The Record interface every kind implements, and what all kinds share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from service.graphql.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    ListQuery,
    ListRead,
    page_request,
)
from service.graphql.context import Info
from service.graphql.history import Change, record_history
from service.graphql.ids import encode_id
from service.graphql.lazy import LazyCitation
from service.graphql.list_field import child_list
from service.graphql.nodes import Node, row_reader
from service.record.paging import Order, SortKey
from service.vocab import CitationBasis, RecordKind

Row = dict[str, Any]

BY_CREATION = Order((SortKey("created_at", "timestamptz"), SortKey("id", "bigint")))


@strawberry.interface(description="A record: versioned, timestamped, and backed by citations.")
class Record(Node):
    db_id: strawberry.Private[int]
    version: int = strawberry.field(
        description="Bumped by every update; pass it as `expectedVersion` to update safely."
    )
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    note: str | None = strawberry.field(
        description="An editor's note: what the record does not say by itself (a title that "
        "is a description, an order that is a speaker's, a translation)."
    )

    @child_list(
        LazyCitation,
        description="What backs this record and its links: sources' words (VERBATIM), "
        "summaries of what they report (PARAPHRASE), and the editors' inferences (INFERRED). "
        "Two citations of one `field` with different `claimedValue`s are sources that "
        "disagree.",
    )
    def citations(
        field: Annotated[
            str | None,
            strawberry.argument(
                description="Only citations about this attribute or link (key_phrase, about...)."
            ),
        ] = None,
        bases: Annotated[
            list[CitationBasis] | None,
            strawberry.argument(
                description="Only citations of these bases: [VERBATIM, PARAPHRASE] for sourced "
                "claims only."
            ),
        ] = None,
    ) -> ListRead:
        params = {"field": field, "bases": [b.value for b in bases] if bases else None}
        return ListRead(CITATIONS_OF_SUBJECT, BY_CREATION, params)

    @strawberry.field(
        description="Every change of this record, oldest first: who wrote, when, and the "
        "record before and after."
    )
    async def history(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Change]:
        return await record_history(info, self.db_id, page_request(first, after, last, before))


def record_fields(kind: RecordKind, row: Row) -> dict[str, Any]:
    """The constructor arguments every Record type shares."""
    return {
        "id": strawberry.ID(encode_id(kind, row["id"])),
        "db_id": row["id"],
        "version": row["version"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "note": row["note"],
    }


# The citations' row reader is looked up when rows arrive: Citation lives in its kind's home,
# which implements this interface.
CITATIONS_OF_SUBJECT = ListQuery(
    "citations", "list_citations", row_reader(RecordKind.CITATION), "subject_id"
)
