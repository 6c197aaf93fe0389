"""The rows of a generated record, table by table, in foreign-key order.

Each step builds the rows of one kind's table *without* ids; the caller allocates that many
ids from `record` and hands them back (`Builder.assign`) before the next step, which may
point at them. Everything is drawn from one seeded generator: same seed, same record.

Events and their participations are drawn from a generator of their own, after every
other kind but citations: the rows of the other kinds are those the generator made before
events existed.

Two orderings are arranged on purpose, so that PostGraphile (which can only order a table
by its own columns) returns the same rows as our service for the benchmark's pages:
statements get ids in the order of their dates (the latest instant each may be, then the
earliest: service.record.paging.dated_order), and warnings in their statement's order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bench.gen.said import SaidSteps
from bench.gen.scale import Scale
from bench.gen.step import PLACES, ROLES, SPAN_SECONDS, START, K, Links, Row, Step
from bench.gen.text import Prose
from service.vocab import (
    ActorKind,
    BindingNature,
    DeclarationKind,
    DeclarationStatus,
    EventKind,
    ParticipationRole,
    PartyRole,
    ProvisionTopic,
    RecordKind,
    SourceKind,
)

__all__ = ["Builder", "Row", "Step"]


class Builder(SaidSteps):
    """Builds the record step by step; ids of earlier steps are known to later ones."""

    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.prose = Prose(self.rng)
        self.event_rng = random.Random(seed + 1)
        self.event_prose = Prose(self.event_rng)
        self.ids: dict[RecordKind, list[int]] = {}
        self.actor_kinds: list[ActorKind] = []
        self.said_at: list[datetime] = []

    def steps(self) -> list[Callable[[], Step]]:
        """The steps in foreign-key order (citations last: they may cite anything)."""
        return [
            self.sources,
            self.actors,
            self.memberships,
            self.declarations,
            self.provisions,
            self.parties,
            self.tracks,
            self.statements,
            self.warnings,
            self.track_updates,
            self.stances,
            self.events,
            self.participations,
            self.citations,
        ]

    def assign(self, kind: RecordKind, ids: Sequence[int]) -> None:
        """Record the ids allocated to the last step's rows (in row order)."""
        self.ids[kind] = list(ids)

    # -- helpers ---------------------------------------------------------------------------

    def _moment(self) -> datetime:
        return START + timedelta(seconds=self.rng.randrange(SPAN_SECONDS))

    def _fuzzy(self, moment: datetime) -> tuple[datetime, str]:
        """A date at a precision, truncated to it as the service stores it."""
        precision = self.rng.choices(["time", "day", "month", "year"], [70, 25, 4, 1])[0]
        if precision == "day":
            moment = moment.replace(hour=0, minute=0, second=0)
        elif precision == "month":
            moment = moment.replace(day=1, hour=0, minute=0, second=0)
        elif precision == "year":
            moment = moment.replace(month=1, day=1, hour=0, minute=0, second=0)
        return moment, precision

    def _maybe(self, share: float, value: Any) -> Any:
        return value if self.rng.random() < share else None

    def _actors_of(self, *kinds: ActorKind) -> list[int]:
        ids = self.ids[K.ACTOR]
        return [ids[i] for i, kind in enumerate(self.actor_kinds) if kind in kinds]

    # -- steps -----------------------------------------------------------------------------

    def sources(self) -> Step:
        publishers = [f"{self.prose.name()} {s}" for s in ("Times", "Post", "Wire", "News")] * 10
        rows = []
        for i in range(self.scale.sources):
            published, precision = self._fuzzy(self._moment())
            rows.append((
                f"source-{i:06d}",
                f"https://source-{i}.example.org/articles/{i}",
                self.rng.choice(publishers),
                self.prose.title(4, 10),
                self.rng.choice(list(SourceKind)).value,
                "en",
                published,
                precision,
                published + timedelta(hours=self.rng.randint(1, 72)),
            ))  # fmt: skip
        columns = ["slug", "url", "publisher", "title", "kind", "language", "published_at",
                   "published_precision", "retrieved_at"]  # fmt: skip
        return Step(K.SOURCE, columns, rows)

    def actors(self) -> Step:
        n = self.scale.actors
        bands = [  # share of the actors per kind; the rest are people
            (ActorKind.STATE, 0.12), (ActorKind.GOVERNMENT_BODY, 0.08),
            (ActorKind.COALITION, 0.04), (ActorKind.INTERNATIONAL_ORGANISATION, 0.04),
            (ActorKind.ARMED_FORCE, 0.03), (ActorKind.OTHER, 0.01),
        ]  # fmt: skip
        kinds: list[ActorKind] = [ActorKind.PERSON]  # actor 0: the busiest spokesperson
        for kind, share in bands:
            kinds += [kind] * max(1, round(n * share))
        kinds += [ActorKind.PERSON] * (n - len(kinds))
        self.actor_kinds = kinds[:n]
        rows = []
        for i, kind in enumerate(self.actor_kinds):
            name = (
                f"{self.prose.name()} {i}" if kind is ActorKind.PERSON else self.prose.title(2, 4)
            )
            country = f"{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}"
            rows.append((
                f"actor-{i:04d}",
                kind.value,
                name,
                [self.prose.name() for _ in range(self.rng.randint(0, 2))],
                country if kind in (ActorKind.STATE, ActorKind.PERSON) else None,
                f"Q{1000 + i}",
                self.prose.sentence(8, 20),
            ))  # fmt: skip
        columns = ["slug", "kind", "name", "aliases", "country_code", "wikidata_id", "summary"]
        return Step(K.ACTOR, columns, rows)

    def memberships(self) -> Step:
        people = self._actors_of(ActorKind.PERSON)
        bodies = self._actors_of(
            ActorKind.GOVERNMENT_BODY, ActorKind.STATE, ActorKind.INTERNATIONAL_ORGANISATION
        )
        states = self._actors_of(ActorKind.STATE)
        seen: set[tuple[int, int, str]] = set()
        rows: list[tuple[Any, ...]] = []
        while len(rows) < self.scale.memberships:
            key = (self.rng.choice(people), self.rng.choice(bodies), self.rng.choice(ROLES))
            if key in seen:
                continue  # unique (member_id, organization_id, role)
            seen.add(key)
            start, start_precision = self._fuzzy(self._moment())
            ended = self.rng.random() < 0.2
            rows.append((
                *key,
                self._maybe(0.3, self.rng.choice(states)),
                start, start_precision,
                start + timedelta(days=self.rng.randint(30, 900)) if ended else None,
                "day" if ended else None,
            ))  # fmt: skip
        columns = ["member_id", "organization_id", "role", "on_behalf_of_id", "start_at",
                   "start_precision", "end_at", "end_precision"]  # fmt: skip
        return Step(K.MEMBERSHIP, columns, rows)

    def declarations(self) -> Step:
        rows = []
        for i in range(self.scale.declarations):
            adopted = self.rng.random() < 0.8
            at, precision = self._fuzzy(self._moment()) if adopted else (None, None)
            rows.append((
                f"declaration-{i:04d}",
                self.prose.title(5, 12),
                self._maybe(0.5, self.prose.title(1, 3)),
                self.rng.choice(list(DeclarationKind)).value,
                self.rng.choice(list(DeclarationStatus)).value,
                at, precision,
                self.rng.choice(PLACES) if adopted else None,
                self.rng.choice(list(BindingNature)).value,
                self.prose.sentence(20, 60),
            ))  # fmt: skip
        columns = ["slug", "title", "short_name", "kind", "status", "adopted_at",
                   "adopted_precision", "adopted_place", "binding", "summary"]  # fmt: skip
        return Step(K.DECLARATION, columns, rows)

    def provisions(self) -> Step:
        rows = []
        for d, declaration_id in enumerate(self.ids[K.DECLARATION]):
            for position in range(1, self.scale.provisions_per_declaration + 1):
                rows.append((
                    f"declaration-{d:04d}/clause-{position:02d}",
                    declaration_id,
                    position,
                    self.rng.choice(list(ProvisionTopic)).value,
                    self.prose.title(3, 8),
                    self.prose.sentence(30, 90),
                ))  # fmt: skip
        columns = ["slug", "declaration_id", "position", "topic", "title", "body"]
        return Step(K.PROVISION, columns, rows)

    def parties(self) -> Step:
        candidates = self._actors_of(
            ActorKind.STATE,
            ActorKind.GOVERNMENT_BODY,
            ActorKind.COALITION,
            ActorKind.INTERNATIONAL_ORGANISATION,
        )
        roles = [r.value for r in PartyRole]
        rows: list[Row] = []
        seen: set[tuple[int, int, str]] = set()  # unique (declaration_id, actor_id, role)

        def claim(declaration_id: int, actor_id: int, role: str, note: str | None) -> None:
            if (declaration_id, actor_id, role) not in seen:
                seen.add((declaration_id, actor_id, role))
                rows.append((declaration_id, actor_id, role, note))

        for declaration_id in self.ids[K.DECLARATION]:
            chosen = self.rng.sample(candidates, self.scale.parties_per_declaration)
            for actor_id in chosen:
                role = self.rng.choices(roles, [70, 15, 10, 5])[0]
                claim(declaration_id, actor_id, role, self._maybe(0.2, "per the text"))
            if self.rng.random() < 0.25:  # sources disagree: one actor, a second role
                claim(declaration_id, chosen[0], "third_party", "disputed by a source")
        return Step(K.PARTY, ["declaration_id", "actor_id", "role", "note"], rows)

    def tracks(self) -> Step:
        rows = [
            (f"track-{i:03d}", self.prose.title(2, 5), self.prose.sentence(10, 30))
            for i in range(self.scale.tracks)
        ]
        return Step(K.TRACK, ["slug", "name", "summary"], rows)

    def events(self) -> Step:
        rng, prose = self.event_rng, self.event_prose
        subjects = self.ids[K.DECLARATION] + self.ids[K.PROVISION] + self.ids[K.TRACK]
        concerns = Links("event_subject", "event_id", "subject_id")
        rows = []
        for i in range(self.scale.events):
            starts = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            starts = starts.replace(hour=0, minute=0, second=0)  # events are dated by day
            days = rng.choice([0, 0, 0, 1, 2])
            rows.append((
                f"event-{i:04d}",
                rng.choice(list(EventKind)).value,
                prose.title(3, 8),
                starts, "day",
                starts + timedelta(days=days) if days else None,
                "day" if days else None,
                rng.choice(PLACES),
                prose.sentence(10, 30),
            ))  # fmt: skip
            for subject in set(rng.sample(subjects, rng.randint(1, 3))):
                concerns.pairs.append((i, subject))
        columns = ["slug", "kind", "title", "starts_at", "starts_precision", "ends_at",
                   "ends_precision", "place", "summary"]  # fmt: skip
        return Step(K.EVENT, columns, rows, [concerns])

    def participations(self) -> Step:
        rng = self.event_rng
        candidates = self._actors_of(
            ActorKind.STATE, ActorKind.GOVERNMENT_BODY, ActorKind.COALITION,
            ActorKind.INTERNATIONAL_ORGANISATION, ActorKind.PERSON,
        )  # fmt: skip
        roles = [r.value for r in ParticipationRole]
        rows: list[Row] = []
        for event_id in self.ids[K.EVENT]:
            chosen = rng.sample(candidates, self.scale.participants_per_event)
            for n, actor_id in enumerate(chosen):
                role = "host" if n == 0 else rng.choices(roles[1:], [80, 8, 8, 4])[0]
                rows.append((event_id, actor_id, role, None))
        return Step(K.PARTICIPATION, ["event_id", "actor_id", "role", "note"], rows)
