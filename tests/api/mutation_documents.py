"""Every mutation of the schema as a document with well-typed placeholder arguments.

Permissions are checked before a resolver runs, but after GraphQL has coerced the
arguments: to reach the permission, a document must be valid, so each argument gets a
value of its type (required input fields filled in, recursively).
"""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLScalarType,
    Undefined,
    get_nullable_type,
    is_non_null_type,
)

from service.graphql.schema import build_schema
from service.settings import load_settings

_SCALARS = {
    "Int": "1",
    "Float": "1.5",
    "Boolean": "true",
    "String": '"x"',
    "ID": '"x"',
    "DateTime": '"2026-01-01T00:00:00+00:00"',
    "JSON": "{}",
}


def _literal(type_: GraphQLInputType) -> str:
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        return "[]"
    if isinstance(nullable, GraphQLEnumType):
        return str(next(iter(nullable.values)))
    if isinstance(nullable, GraphQLInputObjectType):
        fields = [
            f"{name}: {_literal(field.type)}"
            for name, field in nullable.fields.items()
            if is_non_null_type(field.type) and field.default_value is Undefined
        ]
        return "{" + ", ".join(fields) + "}"
    assert isinstance(nullable, GraphQLScalarType)
    return _SCALARS[nullable.name]


def mutation_documents() -> dict[str, str]:
    """`mutation { name(args) { __typename } }` for every mutation field, by name."""
    schema = build_schema(load_settings({}))._schema
    assert schema.mutation_type is not None
    documents = {}
    for name, field in schema.mutation_type.fields.items():
        args = ", ".join(
            f"{arg_name}: {_literal(arg.type)}"
            for arg_name, arg in field.args.items()
            if is_non_null_type(arg.type)
        )
        call = f"{name}({args})" if args else name
        documents[name] = f"mutation {{ {call} {{ __typename }} }}"
    return documents


TOKEN_MUTATIONS = frozenset({"createToken", "revokeToken"})
