"""Stances: an actor's position toward a document, clause or track, over time."""
