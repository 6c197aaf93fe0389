"""Statements: who said what, when, where, about what."""
