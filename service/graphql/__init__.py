"""The GraphQL schema: what all kinds share (Node, connections, payloads, errors), the
compiled path, subscriptions, and the schema's assembly."""

# The vocabularies get their GraphQL descriptions in `common` (strawberry.enum decorates
# the enum classes in place). Any module naming one before that would register it a second
# time, without them: load `common` first, whichever schema module is imported.
from service.graphql import common as _common  # noqa: F401
