"""An export's query parameters: its root field's arguments, as the API takes them.

A filter's fields become parameters of their own (`?actorIds=...&channels=TELEGRAM`),
other arguments keep their names (`orderBy`, `asOf`); a list takes the parameter
repeated (`?channels=TELEGRAM&channels=X`). The values go through graphql-core's own
coercion against the argument's type, then Strawberry's conversion, so an export means
by a parameter exactly what the API means by the argument (and refuses what it refuses).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    coerce_input_value,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.utilities.validate_input_value import validate_input_value

from service.errors import Invalid

PAGING = frozenset({"first", "after", "last", "before"})
"""An export is never paged: it streams every line."""
SINCE = "since"
"""The parameter of incremental pulls (a change id), which every export takes."""


@dataclass(frozen=True)
class QueryParameter:
    """A query parameter of an export.

    Attributes:
        name: its name, the API's (camelCase).
        argument: the root field's argument it fills.
        input_field: the field of that argument's input object it fills (a filter's), or
            None when it is the argument itself.
        type: the GraphQL type of its value.
        description: what it does, as the schema says.
    """

    name: str
    argument: str
    input_field: str | None
    type: GraphQLInputType
    description: str | None

    @property
    def listed(self) -> bool:
        """It takes several values."""
        return is_list_type(get_nullable_type(self.type))

    @property
    def choices(self) -> tuple[str, ...]:
        """The values an enum takes (its GraphQL names); () for any other type."""
        named = get_named_type(self.type)
        return tuple(named.values) if isinstance(named, GraphQLEnumType) else ()


def query_parameters(field: GraphQLField | None) -> tuple[QueryParameter, ...]:
    """The query parameters of an export whose root field is `field` (none without one)."""
    if field is None:
        return ()
    found: list[QueryParameter] = []
    for name, argument in field.args.items():
        if name in PAGING:
            continue
        named = get_named_type(argument.type)
        if isinstance(named, GraphQLInputObjectType):
            found += [
                QueryParameter(f, name, f, value.type, value.description)
                for f, value in named.fields.items()
            ]
        else:
            found.append(QueryParameter(name, name, None, argument.type, argument.description))
    names = [p.name for p in found]
    if len(set(names)) != len(names) or SINCE in names:
        raise ValueError(f"query parameters of {field} collide: {names}")
    return tuple(found)


def arguments_of(
    field: GraphQLField,
    parameters: Sequence[QueryParameter],
    query: Mapping[str, Sequence[str]],
) -> dict[str, Any]:
    """The root field's arguments (graphql-core's values) from a request's parameters.

    Raises:
        Invalid: a parameter the export does not take, given twice where it takes one
            value, or whose value its type refuses; `field` names it.
    """
    known = {p.name: p for p in parameters}
    raw: dict[str, Any] = {}
    for name, values in query.items():
        if name == SINCE:
            continue
        parameter = known.get(name)
        if parameter is None:
            expected = ", ".join([*known, SINCE])
            raise Invalid(
                f"this export takes no parameter `{name}` (it takes: {expected})", field=name
            )
        value = _value_of(parameter, values)
        if parameter.input_field is None:
            raw[parameter.argument] = value
        else:
            raw.setdefault(parameter.argument, {})[parameter.input_field] = value
    return {name: _coerced(field, name, value) for name, value in raw.items()}


def _coerced(field: GraphQLField, name: str, value: Any) -> Any:
    """graphql-core's coercion of an argument's value, as for a variable of its type."""
    problems: list[str] = []

    def refused(error: GraphQLError, path: Any) -> None:
        problems.append(error.message)

    type_ = field.args[name].type
    validate_input_value(value, type_, refused, hide_suggestions=True)
    if problems:
        raise Invalid(f"`{name}`: {problems[0]}", field=name)
    return coerce_input_value(value, type_)


def _value_of(parameter: QueryParameter, values: Sequence[str]) -> Any:
    if parameter.listed:
        item_type = get_named_type(parameter.type)
        return [_scalar(parameter, item_type.name, v) for v in values]
    if len(values) != 1:
        raise Invalid(f"give `{parameter.name}` once", field=parameter.name)
    return _scalar(parameter, get_named_type(parameter.type).name, values[0])


def _scalar(parameter: QueryParameter, type_name: str, text: str) -> Any:
    """A parameter's text as the JSON value a GraphQL variable of its type would hold."""
    match type_name:
        case "Int":
            try:
                return int(text)
            except ValueError:
                raise Invalid(
                    f"`{parameter.name}` takes an integer", field=parameter.name
                ) from None
        case "Boolean":
            if text not in ("true", "false"):
                raise Invalid(f"`{parameter.name}` takes true or false", field=parameter.name)
            return text == "true"
        case _:
            return text
