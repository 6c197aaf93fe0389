"""The SQL of the writer: one statement writes a batch of records of one kind, in one trip.

Each statement takes the batch as `$1`, a JSON array of items (each a record's columns,
its link sets by link name and, for updates and deletes, `id` and `expected_version`),
with `$2` the record kind and `$3` the author of the change. In one statement it:

1. checks what only the database can check before anything is written: each referenced
   id exists and is of a kind its column accepts; for an update or a delete, each
   record exists (its row locked) and is at its expected version;
2. if nothing is refused, writes the records (a create draws their global ids from
   `record`), replaces the link sets given, and appends one change per record to the
   log (whose trigger draws the change id and NOTIFYs: migrations 0004 and 0013);
3. answers with the refusals (`refused`, a JSON array: each with the item's position
   `ord` from 1, its `reason`, the input `field`, the `ref` at fault and what was
   `found`), or, when there are none, one row per record in the batch's order (Answer):
   the kind's by-id query (the row a read of it gives) run over the written rows, and
   if asked, the JSON a client asked for, built from that row (the compiled payload of
   a kept mutation: service/graphql/compiled/mutations.py).

The data-modifying parts of one statement share its snapshot and cannot see each other's
writes: the link sets and the change read the written rows through RETURNING, and the
answer's by-id query reads them by replacing its own table with those rows; what it
reads of other tables (a citation's source, a track's latest update) is as it was
before the statement. The constraints (foreign keys, checks, the kinds' triggers) are
checked as for any statement: a violation fails the whole statement, and nothing of it
is written.

Table, column and link names come from the kinds' descriptions, never from clients:
composing the text here is safe; every value travels in `$1`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from service.lru import Lru
from service.record.description import Description

# The record's global ids: `record.id` is an identity column; a batch draws its ids
# before writing, so each item knows its own (RETURNING's order is not the input's).
_NEW_ID = "nextval(pg_get_serial_sequence('record', 'id'))"


@dataclass(frozen=True)
class Answer:
    """What a write statement answers with for each record, besides its refusals.

    Attributes:
        by_id: the kind's by-id query (`$1` the ids): each record as a read gives it.
            None: its `id` and `version` only (a delete: its `id`).
        json: an SQL expression over that row (alias `q`): the JSON a client asked for,
            in the column `answer` (as text).
        params: the parameters of `json`, after the statement's three (`$4`...); not
            part of the statement's text (nor of its key).
    """

    by_id: str | None = None
    json: str | None = None
    params: tuple[Any, ...] = field(default=(), compare=False)


# How a batch's items are read (Shape.size), by how many there are.
Size = Literal["one", "few", "many"]
FEW_ITEMS = 16  # more: "many"


def size_of(count: int) -> Size:
    """The Size of a batch of `count` items."""
    return "one" if count == 1 else "few" if count <= FEW_ITEMS else "many"


@dataclass(frozen=True)
class Shape:
    """What the items of one statement set: the same columns and link sets for all.

    Attributes:
        columns: the table's columns given a value (sorted).
        links: the link sets given (sorted names); each is replaced as a whole.
        size: how the items are read. One (every single-record mutation): the array's
            first element, no set-returning function at all. A few (up to FEW_ITEMS):
            `write_items` (migration 0016), which the planner counts as one row: each
            record found by its index. Many: jsonb_array_elements, counted as a hundred:
            the statement's own parts then meet by hash joins, not in loops over each
            other.
    """

    columns: tuple[str, ...]
    links: tuple[str, ...]
    size: Size = "one"


def create_sql(table: Description, shape: Shape, answer: Answer) -> str:
    """The statement creating a batch of records of `table` (see the module's docstring).

    Args:
        table: the kind's description.
        shape: the columns and link sets the items set.
        answer: what it answers with for each record.
    """
    return _create_sql(table, shape, answer)


def update_sql(table: Description, shape: Shape, answer: Answer) -> str:
    """The statement updating a batch of records of `table` at their expected versions
    (an item's `expected_version` null checks none). A shape with nothing to write
    writes nothing, records no change, and answers with the records as they are."""
    return _update_sql(table, shape, answer)


def delete_sql(table: Description, answer: Answer, size: Size = "one") -> str:
    """The statement deleting a batch of records of `table` at their expected versions
    (their citations go with them); it answers with the ids deleted, one row each (and
    `answer.json` over them: `q.id`)."""
    return _delete_sql(table, answer, size)


# Kinds and shapes are few (a shape is a set of a kind's own field names), but each kept
# mutation document has its own JSON answer: the texts are bounded.
_TEXTS: Lru[tuple[object, ...], str] = Lru(2000)


def _kept(compose: Callable[..., str]) -> Callable[..., str]:
    """Compose each statement once (descriptions hold dicts: not hashable, so the key is
    the kind's name with the arguments after it)."""

    def kept(table: Description, *args: object) -> str:
        key = (compose.__name__, table.kind, *args)
        text: str | None = _TEXTS.get(key, None)
        if text is None:
            text = compose(table, *args)
            _TEXTS.put(key, text)
        return text

    return kept


@_kept
def _create_sql(table: Description, shape: Shape, answer: Answer) -> str:
    columns = ", ".join(shape.columns)
    values = ", ".join(f"p.{c}" for c in shape.columns)
    parts = [
        f"input as materialized (select {_NEW_ID} as id, i.ord, i.v from {_items(shape.size)})",
        _refused_references(table, shape),
        "refused as (select * from refused_references)",
        "new_record as ("
        "insert into record (id, kind) overriding system value "
        "select id, $2::record_kind from input where not exists (select from refused))",
        f"written as (insert into {table.name} (id{', ' if columns else ''}{columns}) "
        f"select i.id{', ' if values else ''}{values} from input i "
        f"cross join lateral jsonb_populate_record(null::{table.name}, i.v) as p "
        "where not exists (select from refused) order by i.ord returning *)",
        *_link_inserts(table, shape, "written"),
        _changes(table, shape, "create", before=None, after="w"),
    ]
    return _statement(table, parts, answer)


@_kept
def _update_sql(table: Description, shape: Shape, answer: Answer) -> str:
    parts = [
        _keyed_input(shape.size),
        _locked(table),
        _refused_references(table, shape),
        "refused as (" + _refused_records() + " union all select * from refused_references)",
    ]
    if not shape.columns and not shape.links:
        parts.append("written as (select o.* from old o where not exists (select from refused))")
        return _statement(table, parts, answer)
    # A record whose link sets alone change still gets a new version (the `touch`
    # trigger bumps it on any update).
    assignments = ", ".join(f"{c} = p.{c}" for c in shape.columns) or "version = t.version"
    parts.append(
        f"written as (update {table.name} as t set {assignments} from input i "
        f"cross join lateral jsonb_populate_record(null::{table.name}, i.v) as p "
        "where t.id = i.id and not exists (select from refused) returning t.*)"
    )
    parts += _link_deletes(table, shape)
    parts += _link_inserts(table, shape, "written")
    parts.append(_changes(table, shape, "update", before="o", after="w"))
    return _statement(table, parts, answer)


@_kept
def _delete_sql(table: Description, answer: Answer, size: Size) -> str:
    parts = [
        _keyed_input(size),
        _locked(table),
        "refused as (" + _refused_records() + ")",
        # The kind's row, its link sets and its citations go with `record` (cascades); a
        # record another one still points at fails the statement (a foreign key).
        "gone as (delete from record r using old o where r.id = o.id and r.kind = $2 "
        "and not exists (select from refused) returning r.id)",
        "changed as (insert into change (record_id, kind, operation, version, actor_name, "
        f"before, after) select o.id, $2, 'delete', o.version, $3, {_snapshot(table, 'o')}, "
        "null from old o join gone g on g.id = o.id join input i on i.id = o.id "
        "order by i.ord)",
    ]
    head = "with " + ",\n".join(parts)
    json = "" if answer.json is None else f", ({answer.json})::text as answer"
    return (
        f"{head}\nselect r.refused, a.id{', a.answer' if json else ''} from "
        "(select jsonb_agg(to_jsonb(x) order by x.ord) as refused from refused x) as r "
        f"left join (select q.id, i.ord{json} from gone q join input i on i.id = q.id) as a "
        "on true order by a.ord"
    )


def _keyed_input(size: Size) -> str:
    """The items of an update or a delete: each names its record and expected version."""
    return (
        "input as materialized (select (i.v->>'id')::bigint as id, "
        "(i.v->>'expected_version')::integer as expected, i.ord, i.v "
        f"from {_items(size)})"
    )


def _items(size: Size) -> str:
    """The batch's items as rows `i (v, ord)`, read as `Shape.size` says."""
    if size == "one":
        return "(select $1::jsonb -> 0 as v, 1::bigint as ord) as i"
    if size == "few":
        return "write_items($1::jsonb) as i(v, ord)"
    return "jsonb_array_elements($1::jsonb) with ordinality as i(v, ord)"


def _locked(table: Description) -> str:
    """The records' rows as they are, locked (in id order, as every writer locks them, so
    two batches wait rather than deadlock), with each link set as a sorted array."""
    link_arrays = "".join(
        f", array(select l.{link.target_column} from {link.table} as l "
        f"where l.{link.owner_column} = t.id order by 1) as {name}"
        for name, link in table.links.items()
    )
    return (
        f"old as materialized (select t.*{link_arrays} from {table.name} as t "
        "where t.id in (select id from input) order by t.id for update of t)"
    )


def _refused_records() -> str:
    """Items naming a record that does not exist, or one at another version."""
    return (
        "select i.ord, 'missing' as reason, 'id' as field, i.id as ref, null::text as found "
        "from input i where not exists (select from old o where o.id = i.id) "
        "union all select i.ord, 'stale', 'expectedVersion', i.id, o.version::text "
        "from input i join old o on o.id = i.id "
        "where i.expected is not null and o.version <> i.expected"
    )


def _refused_references(table: Description, shape: Shape) -> str:
    """Each referenced id that is no record, or a record of a kind its field refuses."""
    wanted: list[str] = []
    for column, kinds in table.references.items():
        if column in shape.columns:
            wanted.append(
                f"select i.ord, '{_field_name(column)}' as field, (i.v->>'{column}')::bigint "
                f"as ref, {_kinds(kinds)} as kinds from input i "
                f"where i.v->>'{column}' is not null"
            )
    for name in shape.links:
        kinds = table.links[name].target_kinds
        wanted.append(
            f"select i.ord, '{_field_name(name)}' as field, e::bigint as ref, "
            f"{_kinds(kinds)} as kinds from input i "
            f"cross join lateral jsonb_array_elements_text(i.v->'{name}') as e"
        )
    if not wanted:
        return (
            "refused_references as (select null::bigint as ord, null::text as reason, "
            "null::text as field, null::bigint as ref, null::text as found where false)"
        )
    return (
        "refused_references as (select w.ord, "
        "case when k.id is null then 'no_record' else 'wrong_kind' end as reason, "
        "w.field, w.ref, k.kind::text as found "
        f"from ({' union all '.join(wanted)}) as w left join record k on k.id = w.ref "
        "where k.id is null or k.kind <> all(w.kinds))"
    )


def _link_inserts(table: Description, shape: Shape, written: str) -> list[str]:
    """Each link set given: its targets added (those already there stay)."""
    parts = []
    for n, name in enumerate(shape.links):
        link = table.links[name]
        parts.append(
            f"added_{n} as (insert into {link.table} ({link.owner_column}, "
            f"{link.target_column}) select distinct w.id, e::bigint from {written} w "
            "join input i on i.id = w.id "
            f"cross join lateral jsonb_array_elements_text(i.v->'{name}') as e "
            "on conflict do nothing)"
        )
    return parts


def _link_deletes(table: Description, shape: Shape) -> list[str]:
    """Each link set given: the targets it no longer holds removed. The delete and the
    insert never touch the same row (both see the statement's one snapshot)."""
    parts = []
    for n, name in enumerate(shape.links):
        link = table.links[name]
        parts.append(
            f"dropped_{n} as (delete from {link.table} as l using written w "
            f"join input i on i.id = w.id where l.{link.owner_column} = w.id "
            f"and l.{link.target_column} <> all(array(select e::bigint from "
            f"jsonb_array_elements_text(i.v->'{name}') as e)))"
        )
    return parts


def _changes(
    table: Description, shape: Shape, operation: str, before: str | None, after: str
) -> str:
    """One change per written record, in the batch's order (ids are drawn in it)."""
    joins = "written w join input i on i.id = w.id"
    if before is not None:
        joins += " join old o on o.id = w.id"
    before_sql = "null" if before is None else _snapshot(table, before)
    return (
        "changed as (insert into change (record_id, kind, operation, version, actor_name, "
        f"before, after) select w.id, $2, '{operation}', w.version, $3, {before_sql}, "
        f"{_snapshot_after(table, shape, before)} from {joins} order by i.ord)"
    )


def _snapshot(table: Description, alias: str) -> str:
    """What history keeps of a row read with its link arrays (`old`): every column but
    those the database computes, and each link set."""
    dropped = "".join(f" - '{c}'" for c in ("search", *table.generated))
    return f"(to_jsonb({alias}){dropped})"


def _snapshot_after(table: Description, shape: Shape, before: str | None) -> str:
    """The written row's snapshot: its link sets as given, or as they were (`old`), or
    empty for a new record."""
    dropped = "".join(f" - '{c}'" for c in ("search", *table.generated))
    sets = []
    for name in table.links:
        if name in shape.links:
            value = (
                "coalesce((select jsonb_agg(distinct e::bigint order by e::bigint) from "
                f"jsonb_array_elements_text(i.v->'{name}') as e), '[]'::jsonb)"
            )
        elif before is not None:
            value = f"to_jsonb({before}.{name})"
        else:
            value = "'[]'::jsonb"
        sets.append(f"'{name}', {value}")
    links = f" || jsonb_build_object({', '.join(sets)})" if sets else ""
    return f"((to_jsonb(w){dropped}){links})"


_BY_ID = re.compile(r"\bfrom (\w+)(?: (?:as )?(\w+))?(?=\s+(?:where|join|left join)\b)")
_BY_ID_IDS = "any($1::bigint[])"


def answer_over_written(table: Description, by_id: str) -> str:
    """The kind's by-id query reading the statement's written rows instead of its table.

    By-id queries read `from <table> [alias] ... where <alias>.id = any($1::bigint[])`
    (tests/unit/test_write_statements.py checks every kind's): the table named after the
    query's main `from` becomes the written rows; other reads (a subquery on the same
    table under another alias) stay on the table.
    """
    for match in _BY_ID.finditer(by_id):
        name, alias = match.group(1), match.group(2)
        if name == table.name and (alias is None or f"{alias}.id = {_BY_ID_IDS}" in by_id):
            replaced = f"from written as {alias or name}"
            text = by_id[: match.start()] + replaced + by_id[match.end() :]
            return text.replace(_BY_ID_IDS, "any(array(select id from written))")
    raise ValueError(f"{table.name}: its by-id query does not read `from {table.name}`")


def _statement(table: Description, parts: Sequence[str], answer: Answer) -> str:
    """The statement's CTEs, then its answer: the refusals, or the records in order."""
    head = "with " + ",\n".join(parts)
    rows = (
        "select w.id, w.version from written w"
        if answer.by_id is None
        else answer_over_written(table, answer.by_id)
    )
    if answer.json is not None:
        rows = f"select q.*, ({answer.json})::text as answer from ({rows}) as q"
    return (
        f"{head}\nselect r.refused, a.* from "
        "(select jsonb_agg(to_jsonb(x) order by x.ord) as refused from refused x) as r "
        f"left join (select q.*, i.ord as _ord from ({rows}) as q "
        "join input i on i.id = q.id) as a on true order by a._ord"
    )


def _kinds(kinds: Sequence[str]) -> str:
    return "array[" + ", ".join(f"'{k}'" for k in kinds) + "]::record_kind[]"


def _field_name(column: str) -> str:
    """speaker_id -> speakerId: refusals name the GraphQL input field."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)
