"""How each record kind is stored: its columns, its key, its link tables, its queries.

The columns are those the seeds set, in the parameter order of the `insert_*` and
`update_*` queries of sql/queries/seed.sql (after the id).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.database.named_queries import query


@dataclass(frozen=True)
class LinkSpec:
    """A set of record ids kept in a link table (a statement's `about`, ...)."""

    name: str
    table: str

    @property
    def select(self) -> str:
        """(owner_id, target_id) rows of the given owners."""
        return query("seed", f"select_{self.table}_links")

    @property
    def list_all(self) -> str:
        """Every (owner_id, target_id) row, for the export."""
        return query("seed", f"list_{self.table}_links")

    @property
    def insert(self) -> str:
        """Links from one owner ($1) to many targets ($2)."""
        return query("seed", f"insert_{self.table}_links")

    @property
    def delete(self) -> str:
        """Unlink one owner ($1) from many targets ($2)."""
        return query("seed", f"delete_{self.table}_links")


@dataclass(frozen=True)
class KindSpec:
    """One record kind.

    Attributes:
        kind: the record kind (and table name).
        plural: the plural used in query names (select_sources, list_sources).
        columns: the columns the seeds set, in query parameter order.
        key: the columns that identify a record: its slug, or a natural key.
        select_by: the key column whose values select the candidate rows in bulk.
        links: link tables owned by this kind.
    """

    kind: str
    plural: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    select_by: str
    links: tuple[LinkSpec, ...] = ()

    @property
    def select(self) -> str:
        """Rows whose `select_by` column is in $1."""
        return query("seed", f"select_{self.plural}")

    @property
    def list_all(self) -> str:
        """Every row, for the export."""
        return query("seed", f"list_{self.plural}")

    @property
    def insert(self) -> str:
        """Insert with the id ($1) and the columns."""
        return query("seed", f"insert_{self.kind}")

    @property
    def update(self) -> str:
        """Update every column of the row with id $1."""
        return query("seed", f"update_{self.kind}")

    @property
    def touch(self) -> str:
        """Bump version and updated_at when only the links changed."""
        return query("seed", f"touch_{self.kind}")


def _slugged(kind: str, plural: str, *columns: str, links: tuple[LinkSpec, ...] = ()) -> KindSpec:
    return KindSpec(kind, plural, ("slug", *columns), ("slug",), "slug", links)


SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        _slugged(
            "source", "sources", "url", "publisher", "title", "kind", "language",
            "published_at", "published_precision", "retrieved_at",
        ),
        _slugged(
            "actor", "actors", "kind", "name", "aliases", "country_code", "wikidata_id",
            "summary",
        ),
        KindSpec(
            "membership", "memberships",
            ("member_id", "organization_id", "role", "on_behalf_of_id", "start_at",
             "start_precision", "end_at", "end_precision"),
            ("member_id", "organization_id", "role"), "member_id",
        ),
        _slugged(
            "declaration", "declarations", "title", "short_name", "kind", "status",
            "adopted_at", "adopted_precision", "adopted_place", "binding", "summary",
        ),
        _slugged("provision", "provisions", "declaration_id", "position", "topic", "title", "body"),
        KindSpec(
            "party", "parties", ("declaration_id", "actor_id", "role", "note"),
            ("declaration_id", "actor_id", "role"), "declaration_id",
        ),
        _slugged("track", "tracks", "name", "summary"),
        _slugged(
            "statement", "statements", "speaker_id", "on_behalf_of_id", "said_at",
            "said_precision", "channel", "place", "quote", "language", "event_code", "summary",
            links=(LinkSpec("about", "statement_subject"),),
        ),
        _slugged(
            "warning", "warnings", "statement_id", "condition", "consequence",
            "repeats_earlier", "repeats_warning_id",
            links=(LinkSpec("targets", "warning_target"), LinkSpec("answers", "warning_answer")),
        ),
        KindSpec(
            "track_update", "track_updates",
            ("track_id", "status", "reported_at", "reported_precision", "reported_by_id",
             "statement_id", "summary"),
            ("track_id", "status", "reported_at"), "track_id",
        ),
        KindSpec(
            "stance", "stances",
            ("actor_id", "subject_id", "position", "since_at", "since_precision",
             "statement_id", "summary"),
            ("actor_id", "subject_id", "position"), "actor_id",
        ),
        KindSpec(
            "citation", "citations",
            ("subject_id", "source_id", "quote", "quote_language", "field", "claimed_value",
             "note"),
            ("subject_id", "source_id", "field", "quote"), "subject_id",
        ),
    )
}  # fmt: skip
