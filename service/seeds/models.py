"""The seed file format: msgspec Structs with the limits every seed value must meet.

One Struct per kind of item. Records that belong to another (memberships to an actor,
provisions and parties to a declaration, warnings to a statement, updates to a track,
citations to anything) are written inline under their owner. References to other records
are slugs, resolved across all files on load.

The Literal types spell the PostgreSQL enums of sql/migrations/0002_create_record.sql
exactly (a test compares them with the database).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from service.seeds.dates import DATE_PATTERN, ends_before, parse_partial_date

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)?$"

Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, max_length=160)]
PartialDate = Annotated[str, msgspec.Meta(pattern=DATE_PATTERN)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Quote = Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
Url = Annotated[str, msgspec.Meta(pattern=r"^(https?://|urn:)\S+$", max_length=2048)]
Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)]
CountryCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
WikidataId = Annotated[str, msgspec.Meta(pattern=r"^Q[0-9]+$", max_length=20)]
EventCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{2,4}$")]
FieldName = Annotated[str, msgspec.Meta(pattern=r"^[a-z_]+$", max_length=63)]
Position = Annotated[int, msgspec.Meta(ge=1, le=10000)]

SourceKind = Literal[
    "news_article", "official_website", "social_post", "press_conference", "wire",
    "official_document", "interview", "other",
]  # fmt: skip
ActorKind = Literal[
    "state", "government_body", "person", "coalition", "international_organisation",
    "armed_force", "other",
]  # fmt: skip
DeclarationKind = Literal[
    "joint_declaration", "declaration_of_intent", "bilateral_agreement", "plan", "framework",
    "treaty", "other",
]  # fmt: skip
DeclarationStatus = Literal[
    "draft", "under_negotiation", "ready_for_signature", "signed", "in_force", "suspended",
    "withdrawn",
]  # fmt: skip
BindingNature = Literal["legally_binding", "politically_binding", "non_binding", "unknown"]
ProvisionTopic = Literal[
    "ceasefire_monitoring", "military_support", "multinational_force", "security_guarantee",
    "military_infrastructure", "defence_cooperation", "economic", "legal_framework", "other",
]  # fmt: skip
PartyRole = Literal["signatory", "endorser", "participant_non_signatory", "third_party"]
Channel = Literal[
    "telegram", "x", "website", "press_conference", "interview", "speech", "briefing",
    "statement", "other",
]  # fmt: skip
TrackStatus = Literal[
    "proposed", "negotiating", "progress_reported", "text_ready", "ready_for_finalisation",
    "signed", "in_force", "stalled", "abandoned",
]  # fmt: skip
StancePosition = Literal["supports", "opposes", "conditional", "rejects", "neutral"]


class Item(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """Base of every seed item: unknown keys are errors, defaults are left out on export."""

    def __post_init__(self) -> None:
        # The pattern only checks the shape; a 31 February must fail here, with its path.
        for name in self.__struct_fields__:
            if name in _DATE_FIELDS and (value := getattr(self, name)) is not None:
                try:
                    parse_partial_date(value)
                except ValueError as exc:
                    raise ValueError(f"`{name}`: {exc}") from None


_DATE_FIELDS = frozenset(
    {"published", "retrieved", "start", "end", "adopted", "said", "reported", "since"}
)


class Citation(Item, kw_only=True):
    """A source backing a claim about the record it sits under, with the exact quote.

    `field` and `claimed_value` say which attribute the source speaks to and what it
    claims, so sources that disagree (a date, a speaker, a translation) sit side by side.
    """

    source: Slug
    quote: Quote
    quote_language: Language = "en"
    field: FieldName | None = None
    claimed_value: Text | None = None
    note: Text | None = None


Citations = Annotated[list[Citation], msgspec.Meta(max_length=200)]


class Source(Item, kw_only=True):
    """Where a claim was read: an article, a post, an official page."""

    slug: Slug
    url: Url
    publisher: Name
    title: Title | None = None
    kind: SourceKind
    language: Language = "en"
    published: PartialDate | None = None
    retrieved: PartialDate | None = None
    citations: Citations = []


class Membership(Item, kw_only=True):
    """Popolo's Membership: the actor it sits under holds `role` in `organization`."""

    organization: Slug
    role: Name
    on_behalf_of: Slug | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    citations: Citations = []

    def __post_init__(self) -> None:
        super().__post_init__()
        # The rule of the database's membership_ends_after_start, told with its path.
        if self.start is not None and self.end is not None and ends_before(self.end, self.start):
            raise ValueError("`end`: the membership ends before it starts")


class Actor(Item, kw_only=True):
    """A state, body, coalition, armed force or person taking or stating positions."""

    slug: Slug
    kind: ActorKind
    name: Name
    aliases: Annotated[list[Name], msgspec.Meta(max_length=50)] = []
    country_code: CountryCode | None = None
    wikidata_id: WikidataId | None = None
    summary: Text | None = None
    memberships: Annotated[list[Membership], msgspec.Meta(max_length=200)] = []
    citations: Citations = []


class Provision(Item, kw_only=True):
    """A clause of a declaration; its slug is unique across all declarations."""

    slug: Slug
    position: Position
    topic: ProvisionTopic
    title: Title
    body: Quote | None = None
    citations: Citations = []


class Party(Item, kw_only=True):
    """A claim that `actor` takes part in the declaration in `role` (claims may disagree)."""

    actor: Slug
    role: PartyRole
    note: Text | None = None
    citations: Citations = []


class Declaration(Item, kw_only=True):
    """A joint text: declaration, agreement, plan, framework."""

    slug: Slug
    title: Title
    short_name: Name | None = None
    kind: DeclarationKind
    status: DeclarationStatus
    adopted: PartialDate | None = None
    adopted_place: Name | None = None
    binding: BindingNature = "unknown"
    summary: Text | None = None
    provisions: Annotated[list[Provision], msgspec.Meta(max_length=1000)] = []
    parties: Annotated[list[Party], msgspec.Meta(max_length=500)] = []
    citations: Citations = []


SlugList = Annotated[list[Slug], msgspec.Meta(max_length=200)]


class WarningItem(Item, kw_only=True):
    """A conditional threat made in the statement it sits under."""

    slug: Slug
    condition: Text
    consequence: Text
    targets: SlugList = []
    answers: SlugList = []
    repeats_earlier: bool = False
    repeats: Slug | None = None
    citations: Citations = []


class Statement(Item, kw_only=True):
    """Who said what, when, where, on which channel, about which records."""

    slug: Slug
    speaker: Slug
    on_behalf_of: Slug | None = None
    said: PartialDate
    channel: Channel
    place: Name | None = None
    quote: Quote
    language: Language = "en"
    event_code: EventCode | None = None
    summary: Text | None = None
    about: SlugList = []
    warnings: Annotated[list[WarningItem], msgspec.Meta(max_length=100)] = []
    citations: Citations = []


class TrackUpdate(Item, kw_only=True):
    """The status of a track as reported at a date, ideally resting on a statement."""

    status: TrackStatus
    reported: PartialDate
    reported_by: Slug | None = None
    statement: Slug | None = None
    summary: Text | None = None
    citations: Citations = []


class Track(Item, kw_only=True):
    """A line of negotiation followed over time through its updates."""

    slug: Slug
    name: Name
    summary: Text | None = None
    updates: Annotated[list[TrackUpdate], msgspec.Meta(max_length=1000)] = []
    citations: Citations = []


class Stance(Item, kw_only=True):
    """An actor's position on any slugged record (declaration, provision, track, ...)."""

    actor: Slug
    subject: Slug
    position: StancePosition
    since: PartialDate | None = None
    statement: Slug | None = None
    summary: Text | None = None
    citations: Citations = []


SECTIONS: dict[str, type[Item]] = {
    "sources": Source,
    "actors": Actor,
    "declarations": Declaration,
    "statements": Statement,
    "tracks": Track,
    "stances": Stance,
}
"""Top-level keys of a seed file and the type of their items; a file may hold several."""
