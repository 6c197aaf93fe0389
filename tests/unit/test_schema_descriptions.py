"""Every type, field, argument, input field and enum value of the schema says what it is
(#21): in the schema the code builds and in graphql/schema.graphql, which clients read."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql import (
    build_schema as build_from_sdl,
)

from service.graphql.schema import build_schema
from service.settings import Settings
from tests.server import ROOT


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every element of the schema without a description (introspection's own aside)."""
    missing: list[str] = []
    for name, type_ in schema.type_map.items():
        if name.startswith("__"):
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, argument in field.args.items()
                    if not argument.description
                ]
        if isinstance(type_, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in type_.fields.items() if not field.description]
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
    return missing


def test_the_built_schema_describes_everything() -> None:
    assert undescribed(build_schema(Settings())._schema) == []


def test_the_exported_sdl_describes_everything() -> None:
    sdl = (ROOT / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    assert undescribed(build_from_sdl(sdl)) == []


def test_the_descriptions_say_something() -> None:
    # Not a placeholder: every description a sentence of its own, at least a few words.
    schema = build_schema(Settings())._schema
    short = [
        f"{name}.{value_name}"
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLEnumType) and not name.startswith("__")
        for value_name, value in type_.values.items()
        if len((value.description or "").split()) < 2
    ]
    assert short == []
