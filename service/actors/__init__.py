"""Actors (states, bodies, people, coalitions...) and their memberships."""
