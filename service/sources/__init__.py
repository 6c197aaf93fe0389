"""Sources: where a claim was read."""
