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


class CitationBasis(StrEnum):
    """What a claim rests on."""

    VERBATIM = "verbatim"
    PARAPHRASE = "paraphrase"
    INFERRED = "inferred"


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
    CitationBasis: "citation_basis",
    EventKind: "event_kind",
    ParticipationRole: "participation_role",
}


# What each value means, for people: the GraphQL schema describes every enum value with it
# (service/graphql/common.py refuses to build a vocabulary missing one).
MEANINGS: dict[StrEnum, str] = {
    RecordKind.SOURCE: "Where a claim was read.",
    RecordKind.ACTOR: "A state, body, person, coalition, organisation or force.",
    RecordKind.MEMBERSHIP: "A role an actor holds in an organisation.",
    RecordKind.DECLARATION: "A negotiated document.",
    RecordKind.PROVISION: "A clause of a document.",
    RecordKind.PARTY: "A claim that an actor takes part in a document.",
    RecordKind.STATEMENT: "Something an actor said.",
    RecordKind.WARNING: "A threat made in a statement.",
    RecordKind.TRACK: "A negotiation track.",
    RecordKind.TRACK_UPDATE: "A reported status of a track.",
    RecordKind.STANCE: "An actor's position toward a document, clause or track.",
    RecordKind.CITATION: "What backs a claim about a record.",
    DatePrecision.YEAR: "Only the year is known (Wikidata precision 9).",
    DatePrecision.MONTH: "The month is known, not the day (Wikidata precision 10).",
    DatePrecision.DAY: "The day is known, not the time (Wikidata precision 11).",
    DatePrecision.TIME: "The time of day is known too.",
    SourceKind.NEWS_ARTICLE: "A news report.",
    SourceKind.OFFICIAL_WEBSITE: "A page of a government's or organisation's own website.",
    SourceKind.SOCIAL_POST: "A post on a social network (Telegram, X...).",
    SourceKind.PRESS_CONFERENCE: "A press conference, as recorded or transcribed.",
    SourceKind.WIRE: "A news agency's dispatch.",
    SourceKind.OFFICIAL_DOCUMENT: "A document issued by a party (a text, a communiqué).",
    SourceKind.INTERVIEW: "An interview.",
    SourceKind.OTHER: "Any other kind of source.",
    ActorKind.STATE: "A sovereign state.",
    ActorKind.GOVERNMENT_BODY: "A ministry, office or agency of a state.",
    ActorKind.PERSON: "A person.",
    ActorKind.COALITION: "A group of states acting together.",
    ActorKind.INTERNATIONAL_ORGANISATION: "An organisation of states (the UN, NATO, the EU).",
    ActorKind.ARMED_FORCE: "A state's armed forces.",
    ActorKind.OTHER: "Any other kind of actor.",
    DeclarationKind.JOINT_DECLARATION: "A declaration adopted by several parties.",
    DeclarationKind.DECLARATION_OF_INTENT: "A declaration of what its parties intend to do.",
    DeclarationKind.BILATERAL_AGREEMENT: "An agreement between two parties.",
    DeclarationKind.PLAN: "A plan (a peace plan, a prosperity plan).",
    DeclarationKind.FRAMEWORK: "A framework for further agreements.",
    DeclarationKind.TREATY: "A treaty under international law.",
    DeclarationKind.OTHER: "Any other kind of document.",
    DeclarationStatus.DRAFT: "A draft text.",
    DeclarationStatus.UNDER_NEGOTIATION: "Being negotiated.",
    DeclarationStatus.READY_FOR_SIGNATURE: "Agreed, not yet signed.",
    DeclarationStatus.SIGNED: "Signed by its parties.",
    DeclarationStatus.IN_FORCE: "In force: it applies.",
    DeclarationStatus.SUSPENDED: "Suspended by its parties.",
    DeclarationStatus.WITHDRAWN: "Withdrawn by its parties.",
    BindingNature.LEGALLY_BINDING: "Binds its parties in law.",
    BindingNature.POLITICALLY_BINDING: "A political commitment, not a legal one.",
    BindingNature.NON_BINDING: "Binds no one.",
    BindingNature.UNKNOWN: "The sources do not say.",
    ProvisionTopic.CEASEFIRE_MONITORING: "Monitoring and verifying a ceasefire.",
    ProvisionTopic.MILITARY_SUPPORT: "Support for armed forces (arms, training, funding).",
    ProvisionTopic.MULTINATIONAL_FORCE: "A force of several states.",
    ProvisionTopic.SECURITY_GUARANTEE: "A commitment to act if a party is attacked.",
    ProvisionTopic.MILITARY_INFRASTRUCTURE: "Bases, hubs, storage and other facilities.",
    ProvisionTopic.DEFENCE_COOPERATION: "Lasting cooperation on defence.",
    ProvisionTopic.ECONOMIC: "Reconstruction, trade, investment.",
    ProvisionTopic.LEGAL_FRAMEWORK: "The legal basis for what the document provides.",
    ProvisionTopic.OTHER: "Any other topic.",
    PartyRole.SIGNATORY: "Signed the document.",
    PartyRole.ENDORSER: "Supports the document without signing it.",
    PartyRole.PARTICIPANT_NON_SIGNATORY: "Took part in it, but is not a formal party.",
    PartyRole.THIRD_PARTY: "Named in the document without being a party.",
    Channel.TELEGRAM: "A post on Telegram.",
    Channel.X: "A post on X.",
    Channel.WEBSITE: "A page of the speaker's own website.",
    Channel.PRESS_CONFERENCE: "A press conference.",
    Channel.INTERVIEW: "An interview.",
    Channel.SPEECH: "A speech.",
    Channel.BRIEFING: "A briefing (to officials or to the press).",
    Channel.STATEMENT: "A written statement.",
    Channel.OTHER: "Anywhere else, or not known.",
    TrackStatus.PROPOSED: "Proposed, not yet negotiated.",
    TrackStatus.NEGOTIATING: "Being negotiated.",
    TrackStatus.PROGRESS_REPORTED: "A party reports progress.",
    TrackStatus.TEXT_READY: "A text is ready.",
    TrackStatus.READY_FOR_FINALISATION: "Ready to be finalised at the highest level.",
    TrackStatus.SIGNED: "Its text is signed.",
    TrackStatus.IN_FORCE: "What it agreed is in force.",
    TrackStatus.STALLED: "Talks have stopped moving.",
    TrackStatus.ABANDONED: "Given up by its parties.",
    StancePosition.SUPPORTS: "In favour of it.",
    StancePosition.OPPOSES: "Speaks against it.",
    StancePosition.CONDITIONAL: "For it on conditions.",
    StancePosition.REJECTS: "Refuses it outright.",
    StancePosition.NEUTRAL: "Neither for nor against.",
    CitationBasis.VERBATIM: "The source's own words, exactly.",
    CitationBasis.PARAPHRASE: (
        "The editors' summary of what the source reports: never to be shown as its words."
    ),
    CitationBasis.INFERRED: "No source says it: the editors inferred it (the note says why).",
    EventKind.SUMMIT: "A meeting of heads of state or government.",
    EventKind.TALKS: "Negotiations between delegations.",
    EventKind.MEETING: "Any other meeting.",
    EventKind.CALL: "A phone or video call.",
    EventKind.PRESS_CONFERENCE: "A press conference.",
    EventKind.VISIT: "A visit by one party to another.",
    EventKind.OTHER: "Any other kind of event.",
    ParticipationRole.HOST: "Hosts the event.",
    ParticipationRole.PARTICIPANT: "Takes part in it.",
    ParticipationRole.MEDIATOR: "Mediates between the others.",
    ParticipationRole.OBSERVER: "Attends without taking part.",
    ParticipationRole.OTHER: "Any other role.",
    RecordKind.EVENT: "A summit, talks, a meeting, a call: a dated gathering with participants.",
    RecordKind.PARTICIPATION: "An actor's part in an event.",
}
