"""The actor kind (a state, body, coalition, armed force or person) and its memberships
(Popolo's Membership: the actor holds `role` in `organization`)."""

from __future__ import annotations

from service.record.description import Column, Dated, Description, Nested, Owner, Reference
from service.record.fields import Aliases, CountryCode, Name, ShortText, Slug, Text, WikidataId
from service.vocab import ActorKind, RecordKind

K = RecordKind

MEMBERSHIP = Description(
    K.MEMBERSHIP,
    "membership",
    (
        Reference("organization_id", (K.ACTOR,), "organization"),
        Column("role", ShortText),
        Reference("on_behalf_of_id", (K.ACTOR,), "on_behalf_of", required=False),
        Dated("start"),
        Dated("end"),
        Column("note", Text | None, None),
    ),
    key=("member_id", "organization_id", "role"),
    owner=Owner("member_id", (K.ACTOR,)),
    export_order=("organization", "role"),
    seed_name="Membership",
    checks={
        "membership_ends_after_start": ("end", "the membership ends before it starts"),
        "membership_not_of_itself": ("organizationId", "an actor cannot be a member of itself"),
    },
    periods=(("start", "end", "the membership ends before it starts"),),
)

ACTOR = Description(
    K.ACTOR,
    "actor",
    (
        Column("slug", Slug),
        Column("kind", ActorKind),
        Column("name", Name),
        Column("aliases", Aliases, []),
        Column("country_code", CountryCode | None, None),
        Column("wikidata_id", WikidataId | None, None),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
        Nested("memberships", K.MEMBERSHIP, 200),
    ),
    seed_name="Actor",
)
