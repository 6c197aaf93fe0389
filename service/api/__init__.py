"""The HTTP and websocket side of the service."""
