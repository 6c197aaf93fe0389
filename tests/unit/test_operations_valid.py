"""The example operations and the exported SDL agree with the schema the code builds.

No database: `graphql/operations/*.graphql` are parsed and validated against
`graphql/schema.graphql`, every Query, Mutation and Subscription field must be used by one
of them, and the SDL file must be what the code exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    build_schema,
    parse,
    validate,
)

from service.graphql.schema import build_schema as build_service_schema
from service.settings import load_settings
from tests.server import ROOT

SDL = ROOT / "graphql" / "schema.graphql"
OPERATIONS = sorted((ROOT / "graphql" / "operations").glob("*.graphql"))


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SDL.read_text())


def kebab(name: str) -> str:
    """`WarningsIssuedBy` -> `warnings-issued-by`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def operation_of(document: DocumentNode) -> OperationDefinitionNode:
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return operation


def root_fields(document: DocumentNode) -> Iterator[tuple[OperationType, str]]:
    """The root fields an operation selects, through fragments at the root too."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = operation_of(document)

    def walk(selection_set: SelectionSetNode) -> Iterator[str]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection.name.value
            elif isinstance(selection, InlineFragmentNode):
                yield from walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                yield from walk(fragments[selection.name.value].selection_set)

    for name in walk(operation.selection_set):
        yield operation.operation, name


def test_there_are_operations() -> None:
    assert len(OPERATIONS) >= 20, OPERATIONS


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_operation_is_valid_against_the_schema(path: Path, schema: GraphQLSchema) -> None:
    text = path.read_text()
    document = parse(text)
    assert validate(schema, document) == []
    operation = operation_of(document)  # exactly one operation a file
    assert operation.name is not None, "operations are named"
    assert path.stem == kebab(operation.name.value), "file name = operation name, kebab-case"
    assert text.startswith("# "), "a comment at the top says what the operation answers"


def test_every_root_field_has_an_operation(schema: GraphQLSchema) -> None:
    used = {field for path in OPERATIONS for field in root_fields(parse(path.read_text()))}
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert schema.subscription_type is not None
    expected = (
        {(OperationType.QUERY, name) for name in schema.query_type.fields}
        | {(OperationType.MUTATION, name) for name in schema.mutation_type.fields}
        | {(OperationType.SUBSCRIPTION, name) for name in schema.subscription_type.fields}
    )
    missing = sorted(f"{kind.value} {name}" for kind, name in expected - used)
    assert missing == [], f"no operation in graphql/operations uses: {missing}"


def test_exported_sdl_equals_the_code() -> None:
    built = build_service_schema(load_settings({})).as_str() + "\n"
    assert SDL.read_text() == built, (
        "graphql/schema.graphql is stale: run "
        "`python -m service schema export --output graphql/schema.graphql`"
    )


def test_documented_examples_are_the_operation_files() -> None:
    """docs/API.md's GraphQL examples are copies of graphql/operations (minus the comment)."""
    api_doc = (ROOT / "docs" / "API.md").read_text()
    examples = re.findall(r"```graphql\n(.*?)```", api_doc, flags=re.DOTALL)
    assert len(examples) >= 3
    for example in examples:
        name = operation_of(parse(example)).name
        assert name is not None
        path = ROOT / "graphql" / "operations" / f"{kebab(name.value)}.graphql"
        uncommented = "".join(
            line for line in path.read_text().splitlines(keepends=True) if not line.startswith("#")
        )
        assert example == uncommented, f"docs/API.md's {name.value} differs from {path.name}"
