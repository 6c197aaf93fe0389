"""The desired database row of each seed entry, with references resolved to record ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.seeds.dates import parse_partial_date
from service.seeds.entries import Entry


class Ids:
    """Record ids known so far in a load: by slug, and by entry (records without slug)."""

    def __init__(self) -> None:
        self.by_slug: dict[str, int] = {}
        self.by_entry: dict[Entry, int] = {}

    def remember(self, entry: Entry, record_id: int) -> None:
        """Note the id an entry was stored under."""
        self.by_entry[entry] = record_id
        if entry.slug is not None:
            self.by_slug[entry.slug] = record_id

    def of(self, slug: str) -> int:
        """The id of a slug written earlier in this load (validation made sure it is)."""
        return self.by_slug[slug]

    def maybe(self, slug: str | None) -> int | None:
        """The id of an optional reference."""
        return None if slug is None else self.by_slug[slug]

    def parent(self, entry: Entry) -> int:
        """The id of the record an entry is written under."""
        assert entry.parent is not None
        return self.by_entry[entry.parent]


@dataclass(frozen=True)
class Desired:
    """What the database should hold for one entry."""

    entry: Entry
    values: dict[str, Any]
    links: dict[str, frozenset[int]]


def desired_row(entry: Entry, ids: Ids) -> Desired:
    """The row (and link sets) an entry stands for; its references must be known to `ids`."""
    values, links = _BUILDERS[entry.kind](entry.value, entry, ids)
    return Desired(entry, values, links)


def _date(text: str | None) -> tuple[datetime | None, str | None]:
    return (None, None) if text is None else parse_partial_date(text)


Built = tuple[dict[str, Any], dict[str, frozenset[int]]]


def _source(v: Any, _e: Entry, _ids: Ids) -> Built:
    published_at, published_precision = _date(v.published)
    return {
        "slug": v.slug, "url": v.url, "publisher": v.publisher, "title": v.title,
        "kind": v.kind, "language": v.language, "published_at": published_at,
        "published_precision": published_precision, "retrieved_at": _date(v.retrieved)[0],
    }, {}  # fmt: skip


def _actor(v: Any, _e: Entry, _ids: Ids) -> Built:
    return {
        "slug": v.slug, "kind": v.kind, "name": v.name, "aliases": list(v.aliases),
        "country_code": v.country_code, "wikidata_id": v.wikidata_id, "summary": v.summary,
    }, {}  # fmt: skip


def _membership(v: Any, e: Entry, ids: Ids) -> Built:
    start_at, start_precision = _date(v.start)
    end_at, end_precision = _date(v.end)
    return {
        "member_id": ids.parent(e), "organization_id": ids.of(v.organization), "role": v.role,
        "on_behalf_of_id": ids.maybe(v.on_behalf_of), "start_at": start_at,
        "start_precision": start_precision, "end_at": end_at, "end_precision": end_precision,
    }, {}  # fmt: skip


def _declaration(v: Any, _e: Entry, _ids: Ids) -> Built:
    adopted_at, adopted_precision = _date(v.adopted)
    return {
        "slug": v.slug, "title": v.title, "short_name": v.short_name, "kind": v.kind,
        "status": v.status, "adopted_at": adopted_at, "adopted_precision": adopted_precision,
        "adopted_place": v.adopted_place, "binding": v.binding, "summary": v.summary,
    }, {}  # fmt: skip


def _provision(v: Any, e: Entry, ids: Ids) -> Built:
    return {
        "slug": v.slug, "declaration_id": ids.parent(e), "position": v.position,
        "topic": v.topic, "title": v.title, "body": v.body,
    }, {}  # fmt: skip


def _party(v: Any, e: Entry, ids: Ids) -> Built:
    return {
        "declaration_id": ids.parent(e), "actor_id": ids.of(v.actor), "role": v.role,
        "note": v.note,
    }, {}  # fmt: skip


def _track(v: Any, _e: Entry, _ids: Ids) -> Built:
    return {"slug": v.slug, "name": v.name, "summary": v.summary}, {}


def _statement(v: Any, _e: Entry, ids: Ids) -> Built:
    said_at, said_precision = _date(v.said)
    return {
        "slug": v.slug, "speaker_id": ids.of(v.speaker),
        "on_behalf_of_id": ids.maybe(v.on_behalf_of), "said_at": said_at,
        "said_precision": said_precision, "channel": v.channel, "place": v.place,
        "quote": v.quote, "language": v.language, "event_code": v.event_code,
        "summary": v.summary,
    }, {"about": frozenset(map(ids.of, v.about))}  # fmt: skip


def _warning(v: Any, e: Entry, ids: Ids) -> Built:
    return {
        "slug": v.slug, "statement_id": ids.parent(e), "condition": v.condition,
        "consequence": v.consequence, "repeats_earlier": v.repeats_earlier,
        "repeats_warning_id": ids.maybe(v.repeats),
    }, {
        "targets": frozenset(map(ids.of, v.targets)),
        "answers": frozenset(map(ids.of, v.answers)),
    }  # fmt: skip


def _track_update(v: Any, e: Entry, ids: Ids) -> Built:
    reported_at, reported_precision = _date(v.reported)
    return {
        "track_id": ids.parent(e), "status": v.status, "reported_at": reported_at,
        "reported_precision": reported_precision, "reported_by_id": ids.maybe(v.reported_by),
        "statement_id": ids.maybe(v.statement), "summary": v.summary,
    }, {}  # fmt: skip


def _stance(v: Any, _e: Entry, ids: Ids) -> Built:
    since_at, since_precision = _date(v.since)
    return {
        "actor_id": ids.of(v.actor), "subject_id": ids.of(v.subject), "position": v.position,
        "since_at": since_at, "since_precision": since_precision,
        "statement_id": ids.maybe(v.statement), "summary": v.summary,
    }, {}  # fmt: skip


def _citation(v: Any, e: Entry, ids: Ids) -> Built:
    return {
        "subject_id": ids.parent(e), "source_id": ids.of(v.source), "quote": v.quote,
        "quote_language": v.quote_language, "field": v.field,
        "claimed_value": v.claimed_value, "note": v.note,
    }, {}  # fmt: skip


_BUILDERS: dict[str, Callable[[Any, Entry, Ids], Built]] = {
    "source": _source,
    "actor": _actor,
    "membership": _membership,
    "declaration": _declaration,
    "provision": _provision,
    "party": _party,
    "track": _track,
    "statement": _statement,
    "warning": _warning,
    "track_update": _track_update,
    "stance": _stance,
    "citation": _citation,
}


def describe(entry: Entry) -> str:
    """A short human label of an entry for reports: its slug or its natural key."""
    v = entry.value
    owner = describe(entry.parent) if entry.parent else ""
    if entry.slug is not None:
        return entry.slug
    if entry.kind == "membership":
        return f"{owner} as {v.role} of {v.organization}"
    if entry.kind == "party":
        return f"{owner}: {v.actor} as {v.role}"
    if entry.kind == "track_update":
        return f"{owner}: {v.status} {v.reported}"
    if entry.kind == "stance":
        return f"{v.actor} {v.position} {v.subject}"
    field = f" on {v.field}" if v.field else ""
    return f"{owner} <- {v.source}{field}"
