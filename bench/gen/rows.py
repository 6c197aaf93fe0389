"""The rows of a generated record, table by table, in foreign-key order.

Each step builds the rows of one kind's table *without* ids; the caller allocates that many
ids from `record` and hands them back (`Builder.assign`) before the next step, which may
point at them. Everything is drawn from one seeded generator: same seed, same record.

Two orderings are arranged on purpose, so that PostGraphile (which can only order a table
by its own columns) returns the same rows as our service for the benchmark's pages:
statements get ids in `said_at` order, and warnings in their statement's `said_at` order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from bench.gen.scale import Scale
from bench.gen.text import Prose
from service.vocab import (
    ActorKind,
    BindingNature,
    Channel,
    DeclarationKind,
    DeclarationStatus,
    PartyRole,
    ProvisionTopic,
    RecordKind,
    SourceKind,
    StancePosition,
    TrackStatus,
)

K = RecordKind
Row = tuple[Any, ...]
START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2026, 10, 31, tzinfo=UTC) - START).total_seconds())
ROLES = ("spokesperson", "minister", "deputy minister", "ambassador", "adviser", "envoy")
PLACES = ("Paris", "Geneva", "Istanbul", "Brussels", "Warsaw", "Riyadh", "Vienna", "Helsinki")
FIELDS = ("said_at", "speaker", "key_phrase", "on_behalf_of")


@dataclass
class Links:
    """Rows of a link table owned by the step's records: (owner row index, target id)."""

    table: str
    owner_column: str
    target_column: str
    pairs: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Step:
    """One kind's rows (no id yet) and the link rows its records own."""

    kind: RecordKind
    columns: list[str]
    rows: list[Row]
    links: list[Links] = field(default_factory=list)
    back_ref: int | None = None
    """A column holding, instead of an id, an offset back to an earlier row of this step
    (a warning repeating an earlier one): resolved once the step's ids are known."""

    def with_ids(self, ids: Sequence[int]) -> list[Row]:
        """The rows with their ids in front, and offsets turned into ids."""
        out = []
        for i, (record_id, row) in enumerate(zip(ids, self.rows, strict=True)):
            if self.back_ref is not None and row[self.back_ref] is not None:
                row = (
                    *row[: self.back_ref],
                    ids[i - row[self.back_ref]],
                    *row[self.back_ref + 1 :],
                )
            out.append((record_id, *row))
        return out

    @property
    def table(self) -> str:
        """The kind's table (named like the kind)."""
        return self.kind.value


class Builder:
    """Builds the record step by step; ids of earlier steps are known to later ones."""

    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.prose = Prose(self.rng)
        self.ids: dict[RecordKind, list[int]] = {}
        self.actor_kinds: list[ActorKind] = []
        self.said_at: list[datetime] = []
        self.party_count = 0

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
        rows = []
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

    def statements(self) -> Step:
        actors = self.ids[K.ACTOR]
        states = self._actors_of(ActorKind.STATE)
        # Zipf-like speakers: actor 0 speaks most (hundreds of statements), the tail rarely.
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(actors))]
        speakers = self.rng.choices(actors, weights, k=self.scale.statements)
        subjects = self.ids[K.DECLARATION] + self.ids[K.PROVISION] + self.ids[K.TRACK] + states
        moments = sorted(self._fuzzy(self._moment()) for _ in range(self.scale.statements))
        self.said_at = [m for m, _ in moments]
        rows = []
        about = Links("statement_subject", "statement_id", "subject_id")
        for i, ((said, precision), speaker) in enumerate(zip(moments, speakers, strict=True)):
            rows.append((
                f"statement-{i:06d}",
                speaker,
                self._maybe(0.3, self.rng.choice(states)),
                said, precision,
                self.rng.choice(list(Channel)).value,
                self._maybe(0.4, self.rng.choice(PLACES)),
                self.prose.sentence(12, 40),
                "en",
                self._maybe(0.5, str(self.rng.randint(10, 2099))),
                self._maybe(0.5, self.prose.sentence(6, 15)),
            ))  # fmt: skip
            for subject in set(self.rng.sample(subjects, self.rng.randint(1, 2))):
                about.pairs.append((i, subject))
        columns = ["slug", "speaker_id", "on_behalf_of_id", "said_at", "said_precision",
                   "channel", "place", "quote", "language", "event_code", "summary"]  # fmt: skip
        return Step(K.STATEMENT, columns, rows, [about])

    def warnings(self) -> Step:
        statements = self.ids[K.STATEMENT]
        # Statements are in said_at order, so sorting the chosen indexes orders the warnings.
        chosen = sorted(self.rng.sample(range(len(statements)), self.scale.warnings))
        people = self.ids[K.ACTOR]
        answerable = self.ids[K.DECLARATION] + self.ids[K.PROVISION]
        rows = []
        targets = Links("warning_target", "warning_id", "actor_id")
        answers = Links("warning_answer", "warning_id", "subject_id")
        for i, s in enumerate(chosen):
            repeats = i > 10 and self.rng.random() < 0.1
            rows.append((
                f"warning-{i:05d}",
                statements[s],
                self.prose.sentence(8, 20),
                self.prose.sentence(8, 20),
                repeats or self.rng.random() < 0.05,
                # An offset back to an earlier warning of this step (see Step.back_ref).
                self.rng.randint(1, 10) if repeats else None,
            ))  # fmt: skip
            for target in set(self.rng.sample(people, self.rng.randint(1, 2))):
                targets.pairs.append((i, target))
            if self.rng.random() < 0.6:
                answers.pairs.append((i, self.rng.choice(answerable)))
        columns = ["slug", "statement_id", "condition", "consequence", "repeats_earlier",
                   "repeats_warning_id"]  # fmt: skip
        return Step(K.WARNING, columns, rows, [targets, answers], back_ref=len(columns) - 1)

    def track_updates(self) -> Step:
        statuses = [s.value for s in TrackStatus]
        rows = []
        statements = self.ids[K.STATEMENT]
        for track_id in self.ids[K.TRACK]:
            moments = sorted(self._moment() for _ in range(self.scale.updates_per_track))
            for n, moment in enumerate(moments):
                status = statuses[min(n * len(statuses) // len(moments), len(statuses) - 1)]
                reported, precision = self._fuzzy(moment)
                rows.append((
                    track_id, status, reported, precision,
                    self._maybe(0.7, self.rng.choice(self.ids[K.ACTOR])),
                    self._maybe(0.3, self.rng.choice(statements)),
                    self.prose.sentence(8, 25),
                ))  # fmt: skip
        columns = ["track_id", "status", "reported_at", "reported_precision", "reported_by_id",
                   "statement_id", "summary"]  # fmt: skip
        return Step(K.TRACK_UPDATE, columns, rows)

    def stances(self) -> Step:
        declarations, provisions = self.ids[K.DECLARATION], self.ids[K.PROVISION]
        tracks, actors = self.ids[K.TRACK], self.ids[K.ACTOR]
        rows = []
        for _ in range(self.scale.stances):
            pool = self.rng.choices([declarations, provisions, tracks], [50, 35, 15])[0]
            since = self._fuzzy(self._moment()) if self.rng.random() < 0.7 else (None, None)
            rows.append((
                self.rng.choice(actors), self.rng.choice(pool),
                self.rng.choice(list(StancePosition)).value, *since,
                self._maybe(0.3, self.rng.choice(self.ids[K.STATEMENT])),
                self._maybe(0.5, self.prose.sentence(6, 18)),
            ))  # fmt: skip
        columns = ["actor_id", "subject_id", "position", "since_at", "since_precision",
                   "statement_id", "summary"]  # fmt: skip
        return Step(K.STANCE, columns, rows)

    def citations(self) -> Step:
        # (kind, fewest, most) citations per record; a fractional share is drawn per record.
        plan = [
            (K.STATEMENT, 1, 2), (K.WARNING, 1, 1), (K.PARTY, 1, 1), (K.DECLARATION, 2, 2),
            (K.PROVISION, 0, 1), (K.STANCE, 0, 1), (K.TRACK_UPDATE, 0, 1), (K.ACTOR, 0, 1),
        ]  # fmt: skip
        sources = self.ids[K.SOURCE]
        # Cumulative weights, computed once: `choices(weights=...)` would redo it per call.
        cum = list(accumulate(1.0 / (rank + 1) ** 0.5 for rank in range(len(sources))))
        rows = []
        for kind, fewest, most in plan:
            for subject in self.ids[kind]:
                for _ in range(self.rng.randint(fewest, most)):
                    has_field = self.rng.random() < 0.3
                    rows.append((
                        subject,
                        self.rng.choices(sources, cum_weights=cum)[0],
                        self.prose.sentence(10, 30),
                        "en",
                        self.rng.choice(FIELDS) if has_field else None,
                        self.prose.words(1)[0] if has_field else None,
                        self._maybe(0.1, "checked against the original"),
                    ))  # fmt: skip
        columns = ["subject_id", "source_id", "quote", "quote_language", "field",
                   "claimed_value", "note"]  # fmt: skip
        return Step(K.CITATION, columns, rows)
