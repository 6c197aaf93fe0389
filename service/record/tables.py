"""Removed at merge: the kinds' descriptions under their former names (`tables.STATEMENT`,
`tables.Table`), for the GraphQL modules until the merger points them at
service/kinds/registry.py and service/record/description.py."""

from __future__ import annotations

from service.kinds.actors.description import ACTOR, MEMBERSHIP
from service.kinds.citations.description import CITATION
from service.kinds.declarations.description import DECLARATION, PARTY, PROVISION
from service.kinds.registry import BY_KIND
from service.kinds.sources.description import SOURCE
from service.kinds.stances.description import STANCE, SUBJECT_KINDS
from service.kinds.statements.description import STATEMENT
from service.kinds.tracks.description import TRACK, TRACK_UPDATE
from service.kinds.warnings.description import WARNING
from service.record.description import Description as Table
from service.record.description import Link

__all__ = [
    "ACTOR",
    "BY_KIND",
    "CITATION",
    "DECLARATION",
    "MEMBERSHIP",
    "PARTY",
    "PROVISION",
    "SOURCE",
    "STANCE",
    "STATEMENT",
    "SUBJECT_KINDS",
    "TRACK",
    "TRACK_UPDATE",
    "WARNING",
    "Link",
    "Table",
]
