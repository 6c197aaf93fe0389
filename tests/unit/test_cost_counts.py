"""CostLimit keeps counts for queries only: a mutation's variables are new every time."""

from __future__ import annotations

from types import SimpleNamespace

from graphql import parse
from strawberry.types.graphql import OperationType

from service.graphql.schema import build_schema
from service.http.cost import CostLimit, PageSizes
from service.http.operation_caches import OperationKey
from service.lru import Lru
from service.settings import load_settings

SCHEMA = build_schema(load_settings({}))
QUERY = "query Page($first: Int) { actors(first: $first) { nodes { name } } }"
MUTATION = (
    'mutation Create($slug: String!) { createActor(input: {slug: $slug, kind: PERSON, name: "A"})'
    " { record { id } } }"
)


def _count(limit: CostLimit, text: str, operation: OperationType, variables: object) -> None:
    limit.execution_context = SimpleNamespace(  # type: ignore[assignment]
        graphql_document=parse(text),
        result=None,
        query=text,
        operation_name=None,
        variables=variables,
        operation_type=operation,
        schema=SCHEMA,
    )
    steps = limit.on_execute()
    next(steps)  # the count runs before execution
    assert limit.execution_context.result is None  # under the limit: nothing refused


def test_counts_of_queries_are_kept_and_of_mutations_not() -> None:
    counts: Lru[OperationKey, int] = Lru(10)
    limit = CostLimit(100_000, PageSizes(default=20, maximum=100), counts)
    _count(limit, QUERY, OperationType.QUERY, {"first": 5})
    _count(limit, QUERY, OperationType.QUERY, {"first": 5})
    assert list(counts.values()) == [5]
    for n in range(20):
        _count(limit, MUTATION, OperationType.MUTATION, {"slug": f"actor-{n}"})
    assert list(counts.values()) == [5]  # the query's count is still there
