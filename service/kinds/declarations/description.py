"""The declaration kind (a joint text: declaration, agreement, plan, framework), its
provisions (clauses) and its parties (claims that an actor takes part in it)."""

from __future__ import annotations

from service.record.description import Column, Dated, Description, Nested, Owner, Reference
from service.record.fields import Name, Position, ShortText, Slug, Text
from service.vocab import (
    BindingNature,
    DeclarationKind,
    DeclarationStatus,
    PartyRole,
    ProvisionTopic,
    RecordKind,
)

K = RecordKind

PROVISION = Description(
    K.PROVISION,
    "provision",
    (
        Column("slug", Slug),
        Column("position", Position),
        Column("topic", ProvisionTopic),
        Column("title", Name),
        Column("body", Text | None, None),
        Column("note", Text | None, None),
    ),
    owner=Owner("declaration_id", (K.DECLARATION,)),
    export_order=("position", "slug"),
    seed_name="Provision",
)

PARTY = Description(
    K.PARTY,
    "party",
    (
        Reference("actor_id", (K.ACTOR,), "actor"),
        Column("role", PartyRole),
        Column("note", Text | None, None),
    ),
    key=("declaration_id", "actor_id", "role"),
    owner=Owner("declaration_id", (K.DECLARATION,)),
    export_order=("actor", "role"),
    seed_name="Party",
)

DECLARATION = Description(
    K.DECLARATION,
    "declaration",
    (
        Column("slug", Slug),
        Column("title", Name),
        Column("short_name", ShortText | None, None),
        Column("kind", DeclarationKind),
        Column("status", DeclarationStatus),
        Dated("adopted"),
        Column("adopted_place", ShortText | None, None),
        Reference("event_id", (K.EVENT,), "event", required=False),
        Column("binding", BindingNature, BindingNature.UNKNOWN),
        Column("summary", Text | None, None),
        Column("note", Text | None, None),
        Nested("provisions", K.PROVISION, 1000),
        Nested("parties", K.PARTY, 500),
    ),
    seed_name="Declaration",
)
