"""Warnings: statements that threaten, with their condition and consequence."""
