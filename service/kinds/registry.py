"""Every kind's description, in the order records are written: each kind refers only to
kinds before it (a warning may also repeat an earlier warning; a citation cites anything).

Imports descriptions only, so anything may import it without a cycle.
"""

from __future__ import annotations

from service.kinds.actors.description import ACTOR, MEMBERSHIP
from service.kinds.citations.description import CITATION
from service.kinds.declarations.description import DECLARATION, PARTY, PROVISION
from service.kinds.sources.description import SOURCE
from service.kinds.stances.description import STANCE
from service.kinds.statements.description import STATEMENT
from service.kinds.tracks.description import TRACK, TRACK_UPDATE
from service.kinds.warnings.description import WARNING
from service.record.description import Description
from service.vocab import RecordKind

DESCRIPTIONS: tuple[Description, ...] = (
    SOURCE,
    ACTOR,
    MEMBERSHIP,
    DECLARATION,
    PROVISION,
    PARTY,
    TRACK,
    STATEMENT,
    WARNING,
    TRACK_UPDATE,
    STANCE,
    CITATION,
)

BY_KIND: dict[RecordKind, Description] = {d.kind: d for d in DESCRIPTIONS}

# The seed files' top-level sections: the kinds not written inline under an owner.
SECTIONS: dict[str, Description] = {
    "sources": SOURCE,
    "actors": ACTOR,
    "declarations": DECLARATION,
    "statements": STATEMENT,
    "tracks": TRACK,
    "stances": STANCE,
}
