"""Live updates: committed changes announced by PostgreSQL, followed without gaps."""
