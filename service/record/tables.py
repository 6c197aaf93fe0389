"""The write-side description of each kind's table: columns it may set, links it owns."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.vocab import RecordKind


@dataclass(frozen=True)
class Link:
    """A many-to-many set a record owns (statement -> subjects, warning -> targets...)."""

    table: str
    owner_column: str
    target_column: str
    target_kinds: tuple[RecordKind, ...]


@dataclass(frozen=True)
class Table:
    """One kind's table.

    Attributes:
        kind: the record kind (also the row in `record`).
        name: the SQL table (a fixed identifier, never client input).
        references: foreign-key columns and the kinds they may point at.
        links: link sets, by the name the snapshot and the inputs use.
        dates: input fields holding a date with precision, and the column prefix they
            fill (`said` -> said_at, said_precision).
    """

    kind: RecordKind
    name: str
    references: dict[str, tuple[RecordKind, ...]] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)


K = RecordKind
SUBJECT_KINDS = (K.ACTOR, K.DECLARATION, K.PROVISION, K.TRACK)

SOURCE = Table(K.SOURCE, "source", dates={"published": "published"})
ACTOR = Table(K.ACTOR, "actor")
MEMBERSHIP = Table(
    K.MEMBERSHIP,
    "membership",
    references={
        "member_id": (K.ACTOR,),
        "organization_id": (K.ACTOR,),
        "on_behalf_of_id": (K.ACTOR,),
    },
    dates={"start": "start", "end": "end"},
)
DECLARATION = Table(K.DECLARATION, "declaration", dates={"adopted": "adopted"})
PROVISION = Table(K.PROVISION, "provision", references={"declaration_id": (K.DECLARATION,)})
PARTY = Table(
    K.PARTY, "party", references={"declaration_id": (K.DECLARATION,), "actor_id": (K.ACTOR,)}
)
STATEMENT = Table(
    K.STATEMENT,
    "statement",
    references={"speaker_id": (K.ACTOR,), "on_behalf_of_id": (K.ACTOR,)},
    links={"about_ids": Link("statement_subject", "statement_id", "subject_id", SUBJECT_KINDS)},
    dates={"said": "said"},
)
WARNING = Table(
    K.WARNING,
    "warning",
    references={"statement_id": (K.STATEMENT,), "repeats_warning_id": (K.WARNING,)},
    links={
        "target_ids": Link("warning_target", "warning_id", "actor_id", (K.ACTOR,)),
        "answers_ids": Link(
            "warning_answer", "warning_id", "subject_id", (K.DECLARATION, K.PROVISION)
        ),
    },
)
TRACK = Table(K.TRACK, "track")
TRACK_UPDATE = Table(
    K.TRACK_UPDATE,
    "track_update",
    references={
        "track_id": (K.TRACK,),
        "reported_by_id": (K.ACTOR,),
        "statement_id": (K.STATEMENT,),
    },
    dates={"reported": "reported"},
)
STANCE = Table(
    K.STANCE,
    "stance",
    references={
        "actor_id": (K.ACTOR,),
        "subject_id": (K.DECLARATION, K.PROVISION, K.TRACK),
        "statement_id": (K.STATEMENT,),
    },
    dates={"since": "since"},
)
CITATION = Table(
    K.CITATION,
    "citation",
    references={"source_id": (K.SOURCE,), "subject_id": tuple(K)},
)

BY_KIND: dict[RecordKind, Table] = {
    t.kind: t
    for t in (
        SOURCE,
        ACTOR,
        MEMBERSHIP,
        DECLARATION,
        PROVISION,
        PARTY,
        STATEMENT,
        WARNING,
        TRACK,
        TRACK_UPDATE,
        STANCE,
        CITATION,
    )
}
