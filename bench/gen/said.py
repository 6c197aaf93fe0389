"""The steps of what was said: statements, warnings, track updates, stances, citations."""

from __future__ import annotations

import random
from datetime import datetime
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from bench.gen.scale import Scale
from bench.gen.step import FIELDS, PLACES, K, Links, Step
from bench.gen.text import Prose
from service.record.dates import latest_instant
from service.vocab import (
    ActorKind,
    Channel,
    RecordKind,
    StancePosition,
    TrackStatus,
)


class SaidSteps:
    """Mixin of Builder (rows.py): the steps that follow the documents and actors."""

    # Set by Builder.
    rng: random.Random
    prose: Prose
    ids: dict[RecordKind, list[int]]
    said_at: list[datetime]
    scale: Scale

    if TYPE_CHECKING:  # Builder's helpers, for the type checker

        def _moment(self) -> datetime: ...
        def _fuzzy(self, moment: datetime) -> tuple[datetime, str]: ...
        def _maybe(self, share: float, value: Any) -> Any: ...
        def _actors_of(self, *kinds: ActorKind) -> list[int]: ...

    def statements(self) -> Step:
        actors = self.ids[K.ACTOR]
        states = self._actors_of(ActorKind.STATE)
        # Zipf-like speakers: actor 0 speaks most (hundreds of statements), the tail rarely.
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(actors))]
        speakers = self.rng.choices(actors, weights, k=self.scale.statements)
        subjects = self.ids[K.DECLARATION] + self.ids[K.PROVISION] + self.ids[K.TRACK] + states
        # In the one order of dated items (the latest instant each may be, then the
        # earliest): ids follow it, as our lists do.
        moments = sorted(
            (self._fuzzy(self._moment()) for _ in range(self.scale.statements)),
            key=lambda said: (latest_instant(*said), said[0]),
        )
        self.said_at = [m for m, _ in moments]
        rows = []
        about = Links("statement_subject", "statement_id", "subject_id")
        for i, ((said, precision), speaker) in enumerate(zip(moments, speakers, strict=True)):
            rows.append((
                f"statement-{i:06d}",
                speaker,
                self._maybe(0.3, self.rng.choice(states)),
                said, precision,
                [self.rng.choice(list(Channel)).value],
                self._maybe(0.4, self.rng.choice(PLACES)),
                self.prose.sentence(12, 40),
                "en",
                self._maybe(0.5, str(self.rng.randint(10, 2099))),
                self._maybe(0.5, self.prose.sentence(6, 15)),
            ))  # fmt: skip
            for subject in set(self.rng.sample(subjects, self.rng.randint(1, 2))):
                about.pairs.append((i, subject))
        columns = ["slug", "speaker_id", "on_behalf_of_id", "said_at", "said_precision",
                   "channels", "place", "quote", "language", "event_code", "summary"]  # fmt: skip
        return Step(K.STATEMENT, columns, rows, [about])

    def warnings(self) -> Step:
        statements = self.ids[K.STATEMENT]
        # Statements are in their dates' order, so sorting the chosen indexes orders the
        # warnings.
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
