"""One home per kind of record: its description, named SQL, commands and GraphQL types."""

# Load the vocabularies' GraphQL descriptions before any kind names an enum.
from service.graphql import common as _common  # noqa: F401
