"""Turning the stored record back into seed items, in a deterministic order.

Items are ordered by slug, inline records by their natural key, reference lists by slug,
so two databases holding the same record export the same files whatever their ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.seeds.checks import SLUGGED_KINDS
from service.seeds.dates import format_instant, format_partial_date
from service.seeds.models import (
    Actor,
    Citation,
    Declaration,
    Item,
    Membership,
    Party,
    Provision,
    Source,
    Stance,
    Statement,
    Track,
    TrackUpdate,
    WarningItem,
)  # fmt: skip

Row = dict[str, Any]


@dataclass
class Snapshot:
    """Every row the seed format covers, by kind, and the link tables by link name."""

    rows: dict[str, list[Row]]
    links: dict[str, dict[int, list[int]]]


@dataclass
class Built:
    """Seed items per section, and what could not be expressed in the seed format."""

    sections: dict[str, list[Item]]
    skipped: list[str] = field(default_factory=list)


def _date(moment: datetime | None, precision: str | None) -> str | None:
    return None if moment is None or precision is None else format_partial_date(moment, precision)


class _Builder:
    def __init__(self, snapshot: Snapshot) -> None:
        self.rows = snapshot.rows
        self.links = snapshot.links
        self.skipped: list[str] = []
        self.cited: set[int] = set()
        self.slug_of = {r["id"]: r["slug"] for k in SLUGGED_KINDS for r in self.rows[k]}
        self.children: dict[str, dict[int, list[Row]]] = {}
        for kind, owner in (
            ("membership", "member_id"), ("provision", "declaration_id"),
            ("party", "declaration_id"), ("warning", "statement_id"),
            ("track_update", "track_id"), ("citation", "subject_id"),
        ):  # fmt: skip
            grouped: dict[int, list[Row]] = defaultdict(list)
            for row in self.rows[kind]:
                grouped[row[owner]].append(row)
            self.children[kind] = grouped

    def ref(self, record_id: int | None) -> str | None:
        return None if record_id is None else self.slug_of[record_id]

    def refs(self, link: str, owner: Row, what: str) -> list[str]:
        """Slugs of an owner's links; a link to a record without a slug cannot be written."""
        slugs = []
        for target in self.links[link].get(owner["id"], []):
            if target in self.slug_of:
                slugs.append(self.slug_of[target])
            else:
                self.skipped.append(f"{what} of {owner['slug']}: record {target} has no slug")
        return sorted(slugs)

    def citations(self, row: Row) -> list[Citation]:
        self.cited.add(row["id"])
        items = [
            Citation(
                source=self.slug_of[c["source_id"]], quote=c["quote"],
                quote_language=c["quote_language"], field=c["field"],
                claimed_value=c["claimed_value"], note=c["note"],
            )
            for c in self.children["citation"].get(row["id"], [])
        ]  # fmt: skip
        return sorted(
            items, key=lambda c: (c.source, c.field or "", c.quote, c.claimed_value or "")
        )

    def kids(self, kind: str, owner: Row) -> list[Row]:
        return self.children[kind].get(owner["id"], [])

    def source(self, r: Row) -> Source:
        return Source(
            slug=r["slug"], url=r["url"], publisher=r["publisher"], title=r["title"],
            kind=r["kind"], language=r["language"],
            published=_date(r["published_at"], r["published_precision"]),
            retrieved=format_instant(r["retrieved_at"]) if r["retrieved_at"] else None,
            citations=self.citations(r),
        )  # fmt: skip

    def actor(self, r: Row) -> Actor:
        memberships = sorted(
            (
                Membership(
                    organization=self.slug_of[m["organization_id"]], role=m["role"],
                    on_behalf_of=self.ref(m["on_behalf_of_id"]),
                    start=_date(m["start_at"], m["start_precision"]),
                    end=_date(m["end_at"], m["end_precision"]), citations=self.citations(m),
                )
                for m in self.kids("membership", r)
            ),
            key=lambda m: (m.organization, m.role),
        )  # fmt: skip
        return Actor(
            slug=r["slug"], kind=r["kind"], name=r["name"], aliases=list(r["aliases"]),
            country_code=r["country_code"], wikidata_id=r["wikidata_id"], summary=r["summary"],
            memberships=memberships, citations=self.citations(r),
        )  # fmt: skip

    def declaration(self, r: Row) -> Declaration:
        provisions = [
            Provision(
                slug=p["slug"], position=p["position"], topic=p["topic"], title=p["title"],
                body=p["body"], citations=self.citations(p),
            )
            for p in sorted(self.kids("provision", r), key=lambda p: (p["position"], p["slug"]))
        ]  # fmt: skip
        parties = sorted(
            (
                Party(actor=self.slug_of[p["actor_id"]], role=p["role"], note=p["note"],
                      citations=self.citations(p))
                for p in self.kids("party", r)
            ),
            key=lambda p: (p.actor, p.role),
        )  # fmt: skip
        return Declaration(
            slug=r["slug"], title=r["title"], short_name=r["short_name"], kind=r["kind"],
            status=r["status"], adopted=_date(r["adopted_at"], r["adopted_precision"]),
            adopted_place=r["adopted_place"], binding=r["binding"], summary=r["summary"],
            provisions=provisions, parties=parties, citations=self.citations(r),
        )  # fmt: skip

    def warning(self, w: Row) -> WarningItem:
        return WarningItem(
            slug=w["slug"], condition=w["condition"], consequence=w["consequence"],
            targets=self.refs("targets", w, "targets"), answers=self.refs("answers", w, "answers"),
            repeats_earlier=w["repeats_earlier"], repeats=self.ref(w["repeats_warning_id"]),
            citations=self.citations(w),
        )  # fmt: skip

    def statement(self, r: Row) -> Statement:
        warnings = sorted(self.kids("warning", r), key=lambda w: str(w["slug"]))
        return Statement(
            slug=r["slug"], speaker=self.slug_of[r["speaker_id"]],
            on_behalf_of=self.ref(r["on_behalf_of_id"]),
            said=format_partial_date(r["said_at"], r["said_precision"]), channel=r["channel"],
            place=r["place"], quote=r["quote"], language=r["language"],
            event_code=r["event_code"], summary=r["summary"],
            about=self.refs("about", r, "about"), warnings=[self.warning(w) for w in warnings],
            citations=self.citations(r),
        )  # fmt: skip

    def track(self, r: Row) -> Track:
        rows = sorted(self.kids("track_update", r), key=lambda u: (u["reported_at"], u["status"]))
        updates = [
            TrackUpdate(
                status=u["status"],
                reported=format_partial_date(u["reported_at"], u["reported_precision"]),
                reported_by=self.ref(u["reported_by_id"]), statement=self.ref(u["statement_id"]),
                summary=u["summary"], citations=self.citations(u),
            )
            for u in rows
        ]  # fmt: skip
        return Track(
            slug=r["slug"],
            name=r["name"],
            summary=r["summary"],
            updates=updates,
            citations=self.citations(r),
        )

    def stances(self) -> list[Stance]:
        stances = []
        for s in self.rows["stance"]:
            if s["subject_id"] not in self.slug_of:
                self.skipped.append(f"stance {s['id']}: its subject has no slug")
                continue
            stances.append(Stance(
                actor=self.slug_of[s["actor_id"]], subject=self.slug_of[s["subject_id"]],
                position=s["position"], since=_date(s["since_at"], s["since_precision"]),
                statement=self.ref(s["statement_id"]), summary=s["summary"],
                citations=self.citations(s),
            ))  # fmt: skip
        return sorted(stances, key=lambda s: (s.actor, s.subject, s.position))


def build_sections(snapshot: Snapshot) -> Built:
    """The seed items of a snapshot, per section, ordered deterministically."""
    b = _Builder(snapshot)

    def by_slug(kind: str) -> list[Row]:
        return sorted(snapshot.rows[kind], key=lambda r: str(r["slug"]))

    sections: dict[str, list[Item]] = {
        "sources": [b.source(r) for r in by_slug("source")],
        "actors": [b.actor(r) for r in by_slug("actor")],
        "declarations": [b.declaration(r) for r in by_slug("declaration")],
        "statements": [b.statement(r) for r in by_slug("statement")],
        "tracks": [b.track(r) for r in by_slug("track")],
        "stances": list(b.stances()),
    }
    # Citations of records the format cannot hold (a citation of a citation, say).
    for subject_id, rows in b.children["citation"].items():
        if subject_id not in b.cited:
            b.skipped.extend(f"citation {c['id']}: its subject cannot be exported" for c in rows)
    return Built(sections, b.skipped)
