"""The record's controlled vocabularies; each mirrors a PostgreSQL enum (a test checks it)."""

from __future__ import annotations

from enum import StrEnum


class RecordKind(StrEnum):
    """Every kind of record; ids are global across kinds."""

    SOURCE = "source"
    ACTOR = "actor"
    MEMBERSHIP = "membership"
    DECLARATION = "declaration"
    PROVISION = "provision"
    PARTY = "party"
    STATEMENT = "statement"
    WARNING = "warning"
    TRACK = "track"
    TRACK_UPDATE = "track_update"
    STANCE = "stance"
    CITATION = "citation"
    EVENT = "event"
    PARTICIPATION = "participation"


class DatePrecision(StrEnum):
    """How much of a date is known (Wikidata: year = 9, month = 10, day = 11)."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    TIME = "time"


class SourceKind(StrEnum):
    """What a source is."""

    NEWS_ARTICLE = "news_article"
    OFFICIAL_WEBSITE = "official_website"
    SOCIAL_POST = "social_post"
    PRESS_CONFERENCE = "press_conference"
    WIRE = "wire"
    OFFICIAL_DOCUMENT = "official_document"
    INTERVIEW = "interview"
    OTHER = "other"


class ActorKind(StrEnum):
    """What an actor is."""

    STATE = "state"
    GOVERNMENT_BODY = "government_body"
    PERSON = "person"
    COALITION = "coalition"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    ARMED_FORCE = "armed_force"
    OTHER = "other"


class DeclarationKind(StrEnum):
    """What a document is."""

    JOINT_DECLARATION = "joint_declaration"
    DECLARATION_OF_INTENT = "declaration_of_intent"
    BILATERAL_AGREEMENT = "bilateral_agreement"
    PLAN = "plan"
    FRAMEWORK = "framework"
    TREATY = "treaty"
    OTHER = "other"


class DeclarationStatus(StrEnum):
    """Where a document stands."""

    DRAFT = "draft"
    UNDER_NEGOTIATION = "under_negotiation"
    READY_FOR_SIGNATURE = "ready_for_signature"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class BindingNature(StrEnum):
    """How far a document binds its parties."""

    LEGALLY_BINDING = "legally_binding"
    POLITICALLY_BINDING = "politically_binding"
    NON_BINDING = "non_binding"
    UNKNOWN = "unknown"


class ProvisionTopic(StrEnum):
    """What a clause is about (after PA-X's provision issues)."""

    CEASEFIRE_MONITORING = "ceasefire_monitoring"
    MILITARY_SUPPORT = "military_support"
    MULTINATIONAL_FORCE = "multinational_force"
    SECURITY_GUARANTEE = "security_guarantee"
    MILITARY_INFRASTRUCTURE = "military_infrastructure"
    DEFENCE_COOPERATION = "defence_cooperation"
    ECONOMIC = "economic"
    LEGAL_FRAMEWORK = "legal_framework"
    OTHER = "other"


class PartyRole(StrEnum):
    """How an actor takes part in a document."""

    SIGNATORY = "signatory"
    ENDORSER = "endorser"
    PARTICIPANT_NON_SIGNATORY = "participant_non_signatory"
    THIRD_PARTY = "third_party"


class Channel(StrEnum):
    """Where a statement was made."""

    TELEGRAM = "telegram"
    X = "x"
    WEBSITE = "website"
    PRESS_CONFERENCE = "press_conference"
    INTERVIEW = "interview"
    SPEECH = "speech"
    BRIEFING = "briefing"
    STATEMENT = "statement"
    OTHER = "other"


class TrackStatus(StrEnum):
    """How a negotiation track stands."""

    PROPOSED = "proposed"
    NEGOTIATING = "negotiating"
    PROGRESS_REPORTED = "progress_reported"
    TEXT_READY = "text_ready"
    READY_FOR_FINALISATION = "ready_for_finalisation"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    STALLED = "stalled"
    ABANDONED = "abandoned"


class StancePosition(StrEnum):
    """An actor's position toward a document, clause or track."""

    SUPPORTS = "supports"
    OPPOSES = "opposes"
    CONDITIONAL = "conditional"
    REJECTS = "rejects"
    NEUTRAL = "neutral"


class EventKind(StrEnum):
    """What kind of meeting an event is."""

    SUMMIT = "summit"
    TALKS = "talks"
    MEETING = "meeting"
    CALL = "call"
    PRESS_CONFERENCE = "press_conference"
    VISIT = "visit"
    OTHER = "other"


class ParticipationRole(StrEnum):
    """How an actor takes part in an event."""

    HOST = "host"
    PARTICIPANT = "participant"
    MEDIATOR = "mediator"
    OBSERVER = "observer"
    OTHER = "other"


# Python enum -> PostgreSQL enum type name, for the consistency test.
SQL_ENUMS: dict[type[StrEnum], str] = {
    RecordKind: "record_kind",
    DatePrecision: "date_precision",
    SourceKind: "source_kind",
    ActorKind: "actor_kind",
    DeclarationKind: "declaration_kind",
    DeclarationStatus: "declaration_status",
    BindingNature: "binding_nature",
    ProvisionTopic: "provision_topic",
    PartyRole: "party_role",
    Channel: "channel",
    TrackStatus: "track_status",
    StancePosition: "stance_position",
    EventKind: "event_kind",
    ParticipationRole: "participation_role",
}
