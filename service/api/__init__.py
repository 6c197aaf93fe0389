"""The GraphQL (and small REST) surface of the service, kept thin."""

# The vocabularies get their GraphQL descriptions in `common` (strawberry.enum decorates
# the enum classes in place). Any module naming one before that would register it a second
# time, without them: load `common` first, whichever API module is imported.
from service.api import common as _common  # noqa: F401
