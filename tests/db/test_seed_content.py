"""Spot checks of the bundled seed record, read back by SQL after loading it."""

from __future__ import annotations

import re
from pathlib import Path

import asyncpg
import pytest

from service import vocab
from service.kinds.registry import DESCRIPTIONS
from service.resources import data_dir
from service.seeds import collect_seeds, load_seeds

pytestmark = pytest.mark.db

SEEDS = data_dir("seeds")
SOURCES = Path(__file__).parents[1] / "fixtures" / "seed_sources"


@pytest.fixture
async def seeded(pool: asyncpg.Pool) -> asyncpg.Pool:
    """The test's database with the bundled seeds loaded."""
    await load_seeds(pool, [SEEDS])
    return pool


async def test_zakharova_warning(seeded: asyncpg.Pool) -> None:
    warning = await seeded.fetchrow(
        "select w.id, w.condition, w.consequence, w.repeats_earlier, s.slug as statement,"
        " s.said_at::date as said, s.said_precision, s.channel, a.slug as speaker"
        " from warning w join statement s on s.id = w.statement_id"
        " join actor a on a.id = s.speaker_id where w.slug = 'zakharova-2026-01-08-warning'"
    )
    assert warning["speaker"] == "maria-zakharova"
    assert str(warning["said"]) == "2026-01-08"
    assert warning["said_precision"] == "day"
    assert warning["channel"] == "telegram"
    assert "deployed in Ukraine" in warning["condition"]
    assert "legitimate targets of the Armed Forces" in warning["consequence"]
    assert warning["repeats_earlier"] is True
    targets = await seeded.fetch(
        "select a.slug from warning_target t join actor a on a.id = t.actor_id"
        " where t.warning_id = $1",
        warning["id"],
    )
    assert {"coalition-of-the-willing", "united-kingdom", "france"} <= {r["slug"] for r in targets}
    answers = await seeded.fetch(
        "select coalesce(p.slug, d.slug) as slug from warning_answer wa"
        " left join provision p on p.id = wa.subject_id"
        " left join declaration d on d.id = wa.subject_id where wa.warning_id = $1",
        warning["id"],
    )
    assert {
        "paris-declaration/multinational-force",
        "paris-declaration/support-for-armed-forces",
        "declaration-of-intent/military-hubs",
        "declaration-of-intent/protected-facilities",
    } <= {r["slug"] for r in answers}


async def test_key_phrase_has_both_translations(seeded: asyncpg.Pool) -> None:
    rows = await seeded.fetch(
        "select src.slug as source, c.claimed_value from citation c"
        " join statement s on s.id = c.subject_id join source src on src.id = c.source_id"
        " where s.slug = 'zakharova-2026-01-08-legitimate-targets' and c.field = 'key_phrase'"
        " order by src.slug"
    )
    assert [(r["source"], r["claimed_value"]) for r in rows] == [
        ("seed-article", "legitimate combat targets"),
        ("tass-2069287", "legitimate military targets"),
    ]


async def test_united_states_party_claims_disagree(seeded: asyncpg.Pool) -> None:
    rows = await seeded.fetch(
        "select p.role, array_agg(src.slug order by src.slug) as sources from party p"
        " join declaration d on d.id = p.declaration_id join actor a on a.id = p.actor_id"
        " join citation c on c.subject_id = p.id join source src on src.id = c.source_id"
        " where d.slug = 'paris-declaration' and a.slug = 'united-states'"
        " group by p.role order by p.role"
    )
    roles = {r["role"]: r["sources"] for r in rows}
    assert roles["signatory"] == ["online-ua-900348"]
    assert roles["participant_non_signatory"] == ["eurointegration-7228560", "washexam-3106948"]
    assert roles["endorser"] == ["seed-article"]


async def test_starmer_date_is_disputed(seeded: asyncpg.Pool) -> None:
    for slug in ("starmer-2026-01-06-declaration-of-intent", "starmer-2026-01-06-further-steps"):
        statement = await seeded.fetchrow(
            "select id, said_at::date as said, said_precision from statement where slug = $1",
            slug,
        )
        assert str(statement["said"]) == "2026-01-06"
        assert statement["said_precision"] == "day"
        claims = await seeded.fetch(
            "select src.slug as source, c.claimed_value from citation c"
            " join source src on src.id = c.source_id"
            " where c.subject_id = $1 and c.field = 'said_at' order by c.claimed_value",
            statement["id"],
        )
        assert [(r["source"], r["claimed_value"]) for r in claims] == [
            ("seed-article", "2026-01-05"),
            ("president-gov-ua-102317", "2026-01-06"),
        ]


async def test_ready_for_finalization_speaker_is_disputed(seeded: asyncpg.Pool) -> None:
    rows = await seeded.fetch(
        "select a.slug as speaker, c.claimed_value from statement s"
        " join actor a on a.id = s.speaker_id join citation c on c.subject_id = s.id"
        " where s.slug = 'zelensky-2026-01-08-ready-for-finalization' and c.field = 'speaker'"
        " order by c.claimed_value"
    )
    assert {r["speaker"] for r in rows} == {"volodymyr-zelensky"}
    assert [r["claimed_value"] for r in rows] == [
        "Volodymyr Zelensky",
        "a Ukrainian official (unnamed)",
    ]


async def test_track_updates_rest_on_statements(seeded: asyncpg.Pool) -> None:
    rows = await seeded.fetch(
        "select tu.status, tu.reported_at::date as reported, s.slug as statement"
        " from track_update tu join track t on t.id = tu.track_id"
        " left join statement s on s.id = tu.statement_id"
        " where t.slug = 'us-ukraine-security-guarantees' order by tu.reported_at"
    )
    by_status = {r["status"]: (str(r["reported"]), r["statement"]) for r in rows}
    assert by_status["progress_reported"] == ("2026-01-06", "witkoff-2026-01-06-x-post")
    assert by_status["ready_for_finalisation"] == (
        "2026-01-08",
        "zelensky-2026-01-08-ready-for-finalization",
    )


async def test_enum_values_match_the_database(pool: asyncpg.Pool) -> None:
    # The seed format's enums are the vocabularies the descriptions use.
    literals = {
        "source_kind": vocab.SourceKind, "actor_kind": vocab.ActorKind,
        "declaration_kind": vocab.DeclarationKind,
        "declaration_status": vocab.DeclarationStatus,
        "binding_nature": vocab.BindingNature, "provision_topic": vocab.ProvisionTopic,
        "party_role": vocab.PartyRole, "channel": vocab.Channel,
        "track_status": vocab.TrackStatus, "stance_position": vocab.StancePosition,
        "event_kind": vocab.EventKind, "participation_role": vocab.ParticipationRole,
    }  # fmt: skip
    for enum, literal in literals.items():
        values = await pool.fetchval(f"select enum_range(null::{enum})::text[]")
        assert [member.value for member in literal] == values, enum


def _normalized(text: str) -> str:
    # The fact sheet is Markdown: emphasis marks and line wrapping are not its wording.
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def _quoted(text: str) -> set[str]:
    """The words a text puts in quotation marks (straight or curly)."""
    return {_normalized(m[1] or m[2]) for m in re.finditer(r'"([^"]+)"|“([^”]+)”', text)}


def test_every_record_is_cited_and_only_words_read_are_verbatim() -> None:
    seeds = collect_seeds([SEEDS])
    article = _normalized((SOURCES / "seed-article.txt").read_text(encoding="utf-8"))
    fact_sheet = (SOURCES / "fact-sheet.md").read_text(encoding="utf-8")
    # Only what the fact sheet puts in quotation marks is a source's words (its other
    # sentences are the editors' summaries of the reports).
    quoted = _quoted(fact_sheet)
    uncited = [
        entry.where.location
        for kind, entries in seeds.entries.items()
        if kind not in ("source", "citation")
        for entry in entries
        if not entry.value.citations
    ]
    assert uncited == []
    citations = seeds.entries["citation"]
    misquoted = [
        entry.where.location
        for entry in citations
        if entry.value.basis == vocab.CitationBasis.VERBATIM
        and _normalized(entry.value.quote)
        not in (article if entry.value.source == "seed-article" else quoted)
    ]
    assert misquoted == []
    # A paraphrase is the editors' own sentence: never a source's words passed off as it.
    assert all(
        entry.value.quote and entry.value.quote[0].isupper() and entry.value.source
        for entry in citations
        if entry.value.basis == vocab.CitationBasis.PARAPHRASE
    )
    unexplained = [
        entry.where.location
        for entry in citations
        if entry.value.basis == vocab.CitationBasis.INFERRED
        and (entry.value.note is None or entry.value.source or entry.value.quote)
    ]
    assert unexplained == []


async def test_verbatim_quotes_are_in_the_texts_the_record_holds(seeded: asyncpg.Pool) -> None:
    rows = await seeded.fetch(
        "select c.quote, s.text from citation c join source s on s.id = c.source_id"
        " where c.basis = 'verbatim' and s.text is not null"
    )
    assert len(rows) > 40  # the seed article's quotes
    missing = [r["quote"] for r in rows if _normalized(r["quote"]) not in _normalized(r["text"])]
    assert missing == []


# Each link set of every kind: its table, owner and target columns, and the citations'
# `field` naming it (the seed key).
LINK_SETS = [
    (link.table, link.owner_column, link.target_column, link.seed)
    for description in DESCRIPTIONS
    for link in description.links.values()
]


async def test_every_link_is_sourced_or_marked_inferred(seeded: asyncpg.Pool) -> None:
    unbacked = []
    for table, owner, target, field in LINK_SETS:
        rows = await seeded.fetch(
            f"select l.{owner} as owner, l.{target} as target from {table} l"
            " where not exists (select 1 from citation c where c.subject_id = l."
            f"{owner} and c.field = $1 and c.target_id = l.{target})",
            field,
        )
        unbacked += [(field, r["owner"], r["target"]) for r in rows]
        assert await seeded.fetchval(f"select count(*) from {table}") > 0
    assert unbacked == []


async def test_the_inferences_the_sources_do_not_make_are_marked(seeded: asyncpg.Pool) -> None:
    # The warning's targets, three of its answers and one subject of Zakharova's comment
    # rest on no source: each is marked inferred, with its reason, and shown as unsourced.
    rows = await seeded.fetch(
        "select c.field, r.slug, c.note from citation c"
        " join warning w on w.id = c.subject_id"
        " join (select id, slug from actor union all select id, slug from provision) r"
        "   on r.id = c.target_id"
        " where c.basis = 'inferred' order by c.field, r.slug"
    )
    assert [(r["field"], r["slug"]) for r in rows] == [
        ("answers", "declaration-of-intent/legal-framework"),
        ("answers", "declaration-of-intent/military-hubs"),
        ("answers", "declaration-of-intent/protected-facilities"),
        ("targets", "coalition-of-the-willing"),
        ("targets", "france"),
        ("targets", "united-kingdom"),
    ]
    assert all(r["note"] for r in rows)
    signatory = await seeded.fetchrow(
        "select c.basis, c.source_id, c.note from party p join actor a on a.id = p.actor_id"
        " join citation c on c.subject_id = p.id"
        " where a.slug = 'coalition-of-the-willing' and p.role = 'signatory'"
    )
    assert (signatory["basis"], signatory["source_id"]) == ("inferred", None)
