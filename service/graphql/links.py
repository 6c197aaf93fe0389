"""A record's links (a statement's subjects, a warning's targets and the documents it
answers) with what backs each one: the citations of the record whose `field` names the
link and whose `target` is the linked record. A link no citation backs is shown as such,
never as a sourced fact."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any

import strawberry

from service.graphql.context import Info
from service.graphql.lazy import LazyCitation
from service.graphql.loaders import BatchFn
from service.graphql.nodes import load_any, load_node
from service.graphql.record import Record
from service.record.description import Description
from service.record.description import Link as LinkSetDescription
from service.vocab import RecordKind


@strawberry.type(
    description="A link from a record to another (a statement's subject, a warning's target "
    "or a document it answers), with what backs it."
)
class Link:
    field: str = strawberry.field(description="The link set: about, targets or answers.")
    target_db_id: strawberry.Private[int]
    citation_ids: strawberry.Private[list[int]]
    sourced: bool = strawberry.field(
        description="A source backs it: a VERBATIM or PARAPHRASE citation of this link."
    )
    inferred: bool = strawberry.field(
        description="No source backs it, and the editors say they inferred it (an INFERRED "
        "citation, whose note says why)."
    )

    @strawberry.field(description="The linked record.")
    async def target(self, info: Info) -> Record | None:
        (node,) = await load_any(info, [self.target_db_id])
        return node

    @strawberry.field(description="What backs the link: sources' words, summaries, inferences.")
    async def citations(self, info: Info) -> list[LazyCitation]:
        return [
            await load_node(info, RecordKind.CITATION, citation_id)
            for citation_id in self.citation_ids
        ]


@cache
def _links_batch(link: LinkSetDescription) -> BatchFn:
    """Each owner's links of one set, with the ids of the citations backing each."""
    seed_name = link.seed
    # Identifiers from the kind's description, never from clients.
    sql = (
        f"select l.{link.owner_column} as owner_id, l.{link.target_column} as target_id, "
        "coalesce(array_agg(c.id order by c.created_at, c.id) filter (where c.id is not null), "
        "'{}') as citation_ids, "
        "coalesce(bool_or(c.basis in ('verbatim', 'paraphrase')), false) as sourced, "
        "coalesce(bool_or(c.basis = 'inferred'), false) as inferred "
        f"from {link.table} as l left join citation as c on c.subject_id = l.{link.owner_column} "
        f"and c.field = $2 and c.target_id = l.{link.target_column} "
        f"where l.{link.owner_column} = any($1::bigint[]) group by 1, 2 order by 1, 2"
    )

    async def batch(pool: Any, owner_ids: Sequence[int]) -> list[list[Link]]:
        found: dict[int, list[Link]] = {i: [] for i in owner_ids}
        for row in await pool.fetch(sql, list(owner_ids), seed_name):
            found[row["owner_id"]].append(
                Link(
                    field=seed_name,
                    target_db_id=row["target_id"],
                    citation_ids=list(row["citation_ids"]),
                    sourced=row["sourced"],
                    inferred=row["inferred"] and not row["sourced"],
                )
            )
        return [found[i] for i in owner_ids]

    batch.__qualname__ = f"links.{link.table}"
    return batch


LinkSet = Annotated[
    str | None,
    strawberry.argument(description="Only this link set (about, targets, answers)."),
]
SourcedOnly = Annotated[
    bool,
    strawberry.argument(description="Only links a source backs (no inferred or unbacked ones)."),
]


async def links_of(
    info: Info, description: Description, owner_id: int, field: str | None, sourced_only: bool
) -> list[Link]:
    """The owner's links (of one set, or all), each with what backs it."""
    found: list[Link] = []
    for link in description.links.values():
        if field is not None and link.seed != field:
            continue
        batch = _links_batch(link)
        found += await info.context.loaders.get(batch).load(owner_id)
    return [link for link in found if link.sourced or not sourced_only]
