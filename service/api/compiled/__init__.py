"""The kept-statement view (moves with the transport package)."""
