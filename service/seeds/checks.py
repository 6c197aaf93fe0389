"""Checks across all seed files: unique slugs and keys, references that resolve to a record
of the right kind, unique provision positions, no warning repeating itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Hashable, Iterable

from service.kinds.registry import DESCRIPTIONS
from service.record.dates import parse_partial_date
from service.record.description import Dated, Description, Link, Reference
from service.seeds.entries import Entry
from service.seeds.problems import Problem
from service.vocab import CitationBasis

SLUGGED_KINDS = tuple(str(d.kind) for d in DESCRIPTIONS if d.slugged)

# For each kind, its reference fields (seed keys) and the kinds each may point at.
REFERENCES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    str(d.kind): tuple(
        (f.seed, tuple(map(str, f.kinds if isinstance(f, Reference) else f.target_kinds)))
        for f in d.fields
        if isinstance(f, Reference | Link)
    )
    for d in DESCRIPTIONS
}


def check_seeds(entries: dict[str, list[Entry]], unknowable: Container[str] = ()) -> list[Problem]:
    """Every cross-file problem of a parsed set of seeds.

    Args:
        entries: the valid entries, by kind.
        unknowable: slugs whose item failed validation (already reported): a reference to
            one is not reported again as unknown.
    """
    problems: list[Problem] = []
    registry = _slug_registry(entries, problems)
    for kind, fields in REFERENCES.items():
        for entry in entries.get(kind, []):
            for field, allowed in fields:
                found = _check_reference(entry, field, allowed, registry, unknowable)
                problems.extend(found)
    for description in DESCRIPTIONS:
        if not description.slugged:
            kind = str(description.kind)
            problems.extend(
                _duplicates(
                    entries.get(kind, []),
                    _natural_key(description),
                    f"{_label(kind)} with the same key",
                )
            )
    problems.extend(_duplicates(entries.get("provision", []), _position_key, "provision position"))
    problems.extend(_repeat_cycles(entries.get("warning", []), registry))
    problems.extend(
        entry.where.at("organization").problem("an actor cannot be a member of itself")
        for entry in entries.get("membership", [])
        if entry.value.organization == _parent_slug(entry)
    )
    problems.extend(
        entry.where.at("quote").problem(
            "a statement needs the speaker's words (quote) or the editors' summary of them"
        )
        for entry in entries.get("statement", [])
        if entry.value.quote is None and entry.value.summary is None
    )
    for entry in entries.get("citation", []):
        problems.extend(_citation_problems(entry, registry))
    return problems


# The link sets a citation's `field` may name, with `target` (the seed keys of the Links).
_LINK_SETS = frozenset(f.seed for d in DESCRIPTIONS for f in d.fields if isinstance(f, Link))


def _citation_problems(entry: Entry, registry: dict[str, Entry]) -> Iterable[Problem]:
    """A citation's basis agrees with what it gives (as the database checks it: 0014), a
    link it backs exists, and a verbatim quote is in its source's text where it is given."""
    citation = entry.value
    inferred = citation.basis == CitationBasis.INFERRED
    if inferred and citation.source is not None:
        yield entry.where.at("source").problem("an inferred claim has no source")
    if not inferred and citation.source is None:
        yield entry.where.at("source").problem(f"a {citation.basis} citation names its source")
    if inferred and citation.quote is not None:
        yield entry.where.at("quote").problem("an inferred claim has no quote")
    if not inferred and citation.quote is None:
        yield entry.where.at("quote").problem(
            f"a {citation.basis} citation gives the source's words or their summary"
        )
    if inferred and citation.note is None:
        yield entry.where.at("note").problem("an inferred claim needs a note saying why")
    if citation.target is not None:
        links = getattr(entry.parent.value, citation.field, None) if entry.parent else None
        if citation.field not in _LINK_SETS or not isinstance(links, list):
            yield entry.where.at("field").problem(
                "a citation with a target names the link it backs (about, targets, answers)"
            )
        elif citation.target not in links:
            yield entry.where.at("target").problem(
                f"{citation.target!r} is not in this record's {citation.field!r}"
            )
    source = registry.get(citation.source) if citation.source is not None else None
    text = getattr(source.value, "text", None) if source is not None else None
    verbatim = citation.basis == CitationBasis.VERBATIM and citation.quote is not None
    if verbatim and text and _words(citation.quote) not in _words(text):
        yield entry.where.at("quote").problem(
            f"a verbatim quote must be the source's own words, and {citation.source!r} "
            "holds its text: the quote is not in it (cite it as paraphrase if it is a "
            "summary)"
        )


_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def _words(text: str) -> str:
    """A text with its runs of spaces and line breaks as one space, as the database
    compares them (normalized_words, sql/migrations/0014)."""
    return _SPACES.sub(" ", text).strip(" ")


def _slug_registry(entries: dict[str, list[Entry]], problems: list[Problem]) -> dict[str, Entry]:
    """Slugs are one namespace: `about` and `subject` take any kind, so they must not clash."""
    registry: dict[str, Entry] = {}
    for kind in SLUGGED_KINDS:
        for entry in entries.get(kind, []):
            slug = entry.slug
            assert slug is not None
            first = registry.setdefault(slug, entry)
            if first is not entry:
                problems.append(_duplicate_slug(entry, first))
                problems.append(_duplicate_slug(first, entry))
    return registry


def _duplicate_slug(entry: Entry, other: Entry) -> Problem:
    where = entry.where.at("slug")
    elsewhere = other.where.at("slug").location
    return where.problem(f"duplicate slug {entry.slug!r} (also {other.kind} at {elsewhere})")


def _check_reference(
    entry: Entry,
    field: str,
    allowed: tuple[str, ...],
    registry: dict[str, Entry],
    unknowable: Container[str],
) -> Iterable[Problem]:
    value = getattr(entry.value, field)
    if value is None:
        return
    listed = isinstance(value, list)
    seen: set[str] = set()
    for index, slug in enumerate(value if listed else [value]):
        where = entry.where.at(field, index) if listed else entry.where.at(field)
        target = registry.get(slug)
        if slug in seen:
            yield where.problem(f"{slug!r} is listed twice")
        seen.add(slug)
        if target is None and slug in unknowable:
            continue
        if target is None:
            noun = allowed[0] if len(allowed) == 1 else "record"
            hint = "" if len(allowed) == 1 else f" (expected {_choices(allowed)})"
            yield where.problem(f"unknown {_label(noun)} {slug!r}{hint}")
        elif target.kind not in allowed:
            yield where.problem(
                f"{slug!r} is {_article(target.kind)} {_label(target.kind)}, "
                f"expected {_choices(allowed)}"
            )


def _choices(kinds: tuple[str, ...]) -> str:
    words = [f"{_article(k)} {_label(k)}" if i == 0 else _label(k) for i, k in enumerate(kinds)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _label(kind: str) -> str:
    return kind.replace("_", " ")


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _parent_slug(entry: Entry) -> str | None:
    return entry.parent.slug if entry.parent else None


def _natural_key(description: Description) -> Callable[[Entry], Hashable]:
    """The key a record without a slug is matched to the database by, read off its seed
    item: its owner (the entry it sits under), slugs for references, instants for dates."""
    owner = description.owner.column if description.owner else None
    fields = {c: f for f in description.fields for c in f.columns}

    def value(entry: Entry, column: str) -> Hashable:
        if column == owner:
            return id(entry.parent)
        field = fields[column]
        read: Hashable = getattr(entry.value, field.name)
        return parse_partial_date(str(read)).at if isinstance(field, Dated) else read

    return lambda entry: tuple(value(entry, column) for column in description.key)


def _position_key(entry: Entry) -> Hashable:
    return (_parent_slug(entry), entry.value.position)


def _duplicates(
    entries: list[Entry], key: Callable[[Entry], Hashable], what: str
) -> Iterable[Problem]:
    """Both places of every duplicate key, each naming the other."""
    first: dict[Hashable, Entry] = {}
    for entry in entries:
        earlier = first.setdefault(key(entry), entry)
        if earlier is not entry:
            yield entry.where.problem(f"duplicate {what} (also at {earlier.where.location})")
            yield earlier.where.problem(f"duplicate {what} (also at {entry.where.location})")


def _repeat_cycles(warnings: list[Entry], registry: dict[str, Entry]) -> Iterable[Problem]:
    """A warning may repeat an earlier one, but a chain of repeats must not loop."""
    for entry in warnings:
        seen = [entry.slug]
        current = entry.value.repeats
        while current is not None and current in registry:
            if current == entry.slug:
                chain = " -> ".join(map(str, [*seen, current]))
                yield entry.where.at("repeats").problem(f"warnings repeat each other: {chain}")
                break
            if current in seen:
                break  # a loop further along, reported at its own members
            seen.append(current)
            current = getattr(registry[current].value, "repeats", None)
