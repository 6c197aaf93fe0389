"""graphql-transport-ws: keep-alive pings, the rate limit, and well-formed subscribe messages."""
