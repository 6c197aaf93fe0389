"""Descriptions the schema derives instead of repeating them: a mutation's `input`, a
list's `filter` and `orderBy` arguments say what their types say; an update input's
field means what the same field of the create input means; the root types say what they
hold and which error codes a request may meet. `tests/unit/test_schema_descriptions.py`
fails on any type, field, argument, input field or enum value left without one."""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLSchema, get_named_type

ROOT_DESCRIPTIONS = {
    "Query": (
        "Reads of the record: any record by its global id or its slug, lists of each kind "
        "with their filters and orderings (Relay connections), the timeline, search, the "
        "change log. Request-level errors carry extensions.code: GRAPHQL_PARSE_FAILED, "
        "GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT (variables), QUERY_TOO_DEEP, "
        "TOO_MANY_ALIASES, TOO_MANY_TOKENS, TOO_MANY_FIELDS, QUERY_TOO_COSTLY, INVALID (a "
        "malformed id, cursor or page size), UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, "
        "TIMEOUT, DATABASE_UNAVAILABLE, INTERNAL_SERVER_ERROR (with an errorId); see "
        "docs/API.md, Refusals."
    ),
    "Mutation": (
        "Writes to the record, each in one transaction with its history (an editor token; "
        "tokens: an admin one). Expected failures come in the payload's errors (a "
        "UserErrorCode, a path into the input, the rule in words: nothing was written); "
        "request-level errors carry extensions.code as queries' do."
    ),
    "Subscription": (
        "Live updates over a websocket (graphql-transport-ws): every change to the record, "
        "or new timeline items, from a change id on, so a client that reconnects misses "
        "nothing."
    ),
}

_TYPED_ARGUMENTS = frozenset({"input", "filter", "orderBy"})
_UPDATE = "Update"
_CREATES = ("Create", "Add")


def describe_derived(schema: GraphQLSchema) -> None:
    """Fill the descriptions that derive from another element's (see the module)."""
    for name, description in ROOT_DESCRIPTIONS.items():
        root = schema.get_type(name)
        if root is not None and not root.description:
            root.description = description
    for type_ in schema.type_map.values():
        for field in getattr(type_, "fields", {}).values():
            for name, argument in getattr(field, "args", {}).items():
                if name in _TYPED_ARGUMENTS and not argument.description:
                    argument.description = get_named_type(argument.type).description
    for name, type_ in schema.type_map.items():
        if isinstance(type_, GraphQLInputObjectType) and name.startswith(_UPDATE):
            _describe_update(schema, type_)


def _describe_update(schema: GraphQLSchema, update: GraphQLInputObjectType) -> None:
    """An update input's undescribed fields, from the create (or add) input's same field."""
    stem = update.name.removeprefix(_UPDATE)
    create = next(
        (
            found
            for prefix in _CREATES
            if isinstance(found := schema.get_type(prefix + stem), GraphQLInputObjectType)
        ),
        None,
    )
    if create is None:
        return
    for name, field in update.fields.items():
        source = create.fields.get(name)
        if field.description or source is None or not source.description:
            continue
        field.description = f"{source.description} Left out: unchanged."
