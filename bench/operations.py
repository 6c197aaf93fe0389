"""The benchmark's fixed operations: one .graphql file each for our API (operations/) and
for PostGraphile's schema (postgraphile/operations/), and the variables they are sent with."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.load.wrk import TARGET, UNIQUE

BENCH = Path(__file__).resolve().parent
Engine = Literal["ours", "postgraphile"]
_FOLDERS: dict[Engine, Path] = {
    "ours": BENCH / "operations",
    "postgraphile": BENCH / "postgraphile" / "operations",
}


@dataclass(frozen=True)
class Operation:
    """One operation, by the stem of its two files.

    A mutation without a target creates a record under a new slug per request; one with a
    target (`targeted`) writes to a record made for it, a new one per request
    (bench/targets.py), whose id the load generator puts in the `id` variable.
    """

    name: str
    what: str
    variables: dict[str, Any] = field(default_factory=dict)
    mutation: bool = False
    targeted: bool = False

    def document(self, engine: Engine) -> str:
        """The operation's text for `engine`."""
        return (_FOLDERS[engine] / f"{self.name}.graphql").read_text()

    def body(self, engine: Engine, run_id: str, unique: str = UNIQUE) -> str:
        """The JSON request body. A create's slug holds `unique`, which the load generator
        replaces per request (so every create succeeds), prefixed by engine and run; a
        targeted write's id is TARGET, which it replaces with the request's target."""
        variables = dict(self.variables)
        if self.targeted:
            variables["id"] = TARGET
        elif self.mutation:
            variables["slug"] = f"bench-{run_id}-{engine[:2]}-{unique}"
        return json.dumps({"query": self.document(engine), "variables": variables})


OPERATIONS: list[Operation] = [
    Operation("warnings-page", "20 warnings, issuer, citations + sources"),
    Operation("declaration-details", "declaration, provisions, parties, stances"),
    Operation("actor-statements", "actor, 20 statements, their citations"),
    Operation("timeline-page", "timeline page of 20 (4 kinds)"),
    Operation("search", "full-text search, top 20 of ~800 hits"),
    Operation("create-actor", "mutation: create an actor", mutation=True),
    Operation(
        "update-actor",
        "mutation: update an actor at its version",
        {"expectedVersion": 1},
        mutation=True,
        targeted=True,
    ),
    Operation(
        "delete-actor",
        "mutation: delete an actor at its version",
        {"expectedVersion": 1},
        mutation=True,
        targeted=True,
    ),
]
"""Reads first, then writes: every read sees the generated record as it was made."""
