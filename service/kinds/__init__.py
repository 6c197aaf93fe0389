"""One home per kind of record: its description, named SQL, commands and GraphQL types."""
