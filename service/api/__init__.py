"""The GraphQL (and small REST) surface of the service, kept thin."""
