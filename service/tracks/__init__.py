"""Negotiation tracks and their status updates over time."""
