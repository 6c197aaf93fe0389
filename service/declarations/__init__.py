"""Declarations (any negotiated document), their provisions and parties."""
