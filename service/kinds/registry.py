"""Every kind's description, in the order records are written: each kind's references
point only at kinds before it (a warning may also repeat an earlier warning; a citation
cites anything). A link set may point at kinds written later: an event concerns documents
that may be adopted at it, so one of the two must come first. The seed loader writes such
sets once every record exists (`LATER_LINKS`).

Imports descriptions only, so anything may import it without a cycle.
"""

from __future__ import annotations

from service.kinds.actors.description import ACTOR, MEMBERSHIP
from service.kinds.citations.description import CITATION
from service.kinds.declarations.description import DECLARATION, PARTY, PROVISION
from service.kinds.events.description import EVENT, PARTICIPATION
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
    EVENT,
    PARTICIPATION,
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
    "events": EVENT,
    "declarations": DECLARATION,
    "statements": STATEMENT,
    "tracks": TRACK,
    "stances": STANCE,
}


def _later_links(position: int) -> tuple[str, ...]:
    """The link sets of the kind at `position` that may point at kinds written after it."""
    later = {d.kind for d in DESCRIPTIONS[position + 1 :]}
    description = DESCRIPTIONS[position]
    return tuple(n for n, link in description.links.items() if later & set(link.target_kinds))


# Link sets (by the writer's name) pointing at kinds written later: written by the seed
# loader in a second pass, once every record of the load exists.
LATER_LINKS: dict[RecordKind, tuple[str, ...]] = {
    d.kind: found for i, d in enumerate(DESCRIPTIONS) if (found := _later_links(i))
}
