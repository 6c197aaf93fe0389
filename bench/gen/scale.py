"""How big a generated record is: named scales (small for a quick check, default as the
issue asks, large for stress)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Row counts per kind; citations follow from these (1-2 per statement, and so on)."""

    sources: int
    actors: int
    memberships: int
    declarations: int
    provisions_per_declaration: int
    parties_per_declaration: int
    statements: int
    warnings: int
    tracks: int
    updates_per_track: int
    stances: int
    events: int
    participants_per_event: int


SCALES: dict[str, Scale] = {
    "small": Scale(
        sources=400,
        actors=100,
        memberships=120,
        declarations=20,
        provisions_per_declaration=10,
        parties_per_declaration=6,
        statements=2_000,
        warnings=200,
        tracks=10,
        updates_per_track=40,
        stances=300,
        events=40,
        participants_per_event=4,
    ),
    "default": Scale(
        sources=4_000,
        actors=500,
        memberships=600,
        declarations=100,
        provisions_per_declaration=10,
        parties_per_declaration=8,
        statements=20_000,
        warnings=2_000,
        tracks=50,
        updates_per_track=40,
        stances=3_000,
        events=200,
        participants_per_event=4,
    ),
    "large": Scale(
        sources=20_000,
        actors=2_500,
        memberships=3_000,
        declarations=500,
        provisions_per_declaration=10,
        parties_per_declaration=8,
        statements=100_000,
        warnings=10_000,
        tracks=250,
        updates_per_track=40,
        stances=15_000,
        events=1_000,
        participants_per_event=4,
    ),
}
