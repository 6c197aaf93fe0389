"""The HTTP and websocket side of /graphql: admission, caches, and the answer pipeline."""
