"""GraphQL types every feature uses: dates with precision, user errors, enums."""

from __future__ import annotations

from datetime import datetime
from enum import Enum, StrEnum

import strawberry

from service import vocab
from service.errors import DomainError
from service.record.dates import PreciseDate


def _enum(cls: type[StrEnum], description: str) -> type[StrEnum]:
    """A vocabulary as a GraphQL enum, each value described by its meaning."""
    described = strawberry.enum(cls, description=description)
    for value in described.__strawberry_definition__.values:  # type: ignore[attr-defined]
        member = cls[value.name]
        if member not in vocab.MEANINGS:
            raise LookupError(f"{cls.__name__}.{value.name} has no meaning in vocab.MEANINGS")
        value.description = vocab.MEANINGS[member]
    return described


def describe_values(enum: type[Enum], meanings: dict[str, str]) -> None:
    """Describe each value of a GraphQL enum (a class decorated with strawberry.enum):
    every value must have its meaning."""
    for value in enum.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = meanings[value.name]


DatePrecision = _enum(vocab.DatePrecision, "How much of a date is known.")
SourceKind = _enum(vocab.SourceKind, "What a source is.")
ActorKind = _enum(vocab.ActorKind, "What an actor is.")
DeclarationKind = _enum(vocab.DeclarationKind, "What a document is.")
DeclarationStatus = _enum(vocab.DeclarationStatus, "Where a document stands.")
BindingNature = _enum(vocab.BindingNature, "How far a document binds its parties.")
ProvisionTopic = _enum(vocab.ProvisionTopic, "What a clause is about.")
PartyRole = _enum(vocab.PartyRole, "How an actor takes part in a document.")
Channel = _enum(vocab.Channel, "Where a statement was made.")
TrackStatus = _enum(vocab.TrackStatus, "How a negotiation track stands.")
StancePosition = _enum(vocab.StancePosition, "An actor's position toward a subject.")
EventKind = _enum(vocab.EventKind, "What kind of meeting an event is: summit, talks, call...")
ParticipationRole = _enum(vocab.ParticipationRole, "How an actor takes part in an event.")
RecordKind = _enum(vocab.RecordKind, "A kind of record.")
CitationBasis = _enum(
    vocab.CitationBasis,
    "What a claim rests on. VERBATIM: the source's own words, exactly (checked against the "
    "source's text wherever the record holds it). PARAPHRASE: the editors' summary of what "
    "the source reports, not its words. INFERRED: no source says it; the editors inferred "
    "it, and the citation's note says why.",
)


@strawberry.type(
    description="When something happened, as far as the sources say: one date at its "
    'precision ("2026", "2026-01", "2026-01-08", a time) or a range of two at the same '
    'precision ("2026-01-07/2026-01-08": the 7th or the 8th). Either names an interval, '
    "from `earliest` to `latest`, in which it happened. Lists of dated items are ordered "
    "by `latest` (the latest it may have happened), then by `earliest`, then by id: "
    '"2026-01" comes after every day of January, since it may be any of them, and the '
    "items of one day come in their time of day, the untimed ones last. A `from`/`to` "
    "window keeps the items whose interval overlaps it."
)
class FuzzyDate:
    value: str = strawberry.field(
        description='The date at its precision: "2026", "2026-01", "2026-01-08" or an ISO '
        'timestamp; a range is its two ends joined by "/" ("2026-01-07/2026-01-08"). '
        "Inputs take the same forms."
    )
    precision: vocab.DatePrecision = strawberry.field(
        description="year, month, day or time (a known time of day); a range's two ends "
        "have the same one."
    )
    earliest: datetime = strawberry.field(
        description="The earliest instant it may have happened: the start of its (first) "
        "period, in UTC."
    )
    latest: datetime = strawberry.field(
        description="The latest instant it may have happened: the last microsecond of its "
        "(last) period in UTC, or the time itself at precision time."
    )
    start: datetime = strawberry.field(
        description="The first instant the date can mean (UTC).",
        deprecation_reason="Use `earliest`, the same instant.",
    )

    @classmethod
    def of(cls, date: PreciseDate | None) -> FuzzyDate | None:
        """The GraphQL form of a PreciseDate."""
        if date is None:
            return None
        return cls(
            value=date.text(),
            precision=date.precision,
            earliest=date.at,
            latest=date.latest,
            start=date.at,
        )


@strawberry.enum(description="What kind of expected failure a mutation met.")
class UserErrorCode(Enum):
    INVALID = strawberry.enum_value(
        "INVALID", description="The input breaks a rule: a length, a range, a form, a kind."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="A record the input names does not exist."
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT",
        description="The record changed since it was read (expectedVersion), or another "
        "record already has this key: read it again.",
    )
    REFERENCED = strawberry.enum_value(
        "REFERENCED",
        description="A delete refused while other records point at this one.",
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN", description="The caller's token may not do this."
    )
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED", description="No valid token was presented."
    )


@strawberry.type(
    description="An expected failure of a mutation: nothing was written. Every problem of "
    "an input is reported, each with its own path."
)
class UserError:
    field: str | None = strawberry.field(
        description="The input field at fault, if any (the first element of `path`)."
    )
    path: list[str] = strawberry.field(
        description="Where in the input: the field, then list indexes and nested fields "
        '(["aboutIds", "2"]); empty when the input as a whole is at fault.'
    )
    message: str = strawberry.field(description="What is wrong, for people: the rule broken.")
    code: UserErrorCode = strawberry.field(description="What kind of failure, for programs.")

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        """The GraphQL form of one domain error."""
        return cls(
            field=error.field,
            path=[str(part) for part in error.path],
            message=error.message,
            code=UserErrorCode(error.code),
        )

    @classmethod
    def all_of(cls, error: DomainError) -> list[UserError]:
        """Every problem a domain error stands for (Problems stands for several)."""
        return [cls.of(each) for each in error.each]
