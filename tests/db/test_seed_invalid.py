"""Invalid seeds: every problem reported with file, line and path; nothing written."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from service.resources import data_dir
from service.seeds import Problem, SeedError, load_seeds

pytestmark = pytest.mark.db

CASES = Path(__file__).parents[1] / "fixtures" / "seeds_invalid"
BASE = CASES / "base.yaml"


async def _counts(pool: asyncpg.Pool) -> tuple[int, int]:
    row = await pool.fetchrow(
        "select (select count(*) from record) as records, (select count(*) from change) as changes"
    )
    return row["records"], row["changes"]


async def _problems(pool: asyncpg.Pool, *files: Path) -> list[Problem]:
    """Load the bundled seeds, then fail on `files`, checking the database is untouched."""
    await load_seeds(pool, [data_dir("seeds")])
    before = await _counts(pool)
    with pytest.raises(SeedError) as caught:
        await load_seeds(pool, [BASE, *files])
    assert await _counts(pool) == before
    return caught.value.problems


# (file, line, column, path, words in the message)
SINGLE_PROBLEM_CASES = [
    ("bad_syntax.yaml", 5, 9, None, "YAML syntax error"),
    ("bad_syntax.json", 3, 58, None, "JSON syntax error: JSON is malformed: trailing comma"),
    ("wrong_enum.yaml", 3, None, "$.actors[0].kind", "'country' (expected one of: state,"),
    ("wrong_enum.json", 5, None, "$.actors[0].kind", "Invalid enum value 'nation'"),
    ("unknown_field.yaml", 5, None, "$.actors[0]", "unknown field `colour`"),
    ("overlong.yaml", 4, None, "$.actors[0].name", "must be at most 300 characters"),
    ("wrong_kind.yaml", 3, None, "$.stances[0].subject",
     "'src' is a source, expected a declaration, provision or track"),
    ("bad_date.yaml", 4, None, "$.statements[0].said", "invalid date '2026-02-30'"),
    ("nul_text.yaml", 4, None, "$.actors[0].name", "may not hold the NUL character"),
    ("edge_date.yaml", 4, None, "$.statements[0].said", "outside the dates the record keeps"),
    ("range_ends_before_start.yaml", 4, None, "$.statements[0].said",
     "'2026-01-08/2026-01-07' is a range that ends before it starts"),
    ("range_of_two_precisions.yaml", 4, None, "$.statements[0].said",
     "ends have different precisions"),
    ("member_of_itself.yaml", 6, None, "$.actors[0].memberships[0].organization",
     "an actor cannot be a member of itself"),
    ("ends_before_start.yaml", 9, None, "$.actors[0].memberships[0].end",
     "the membership ends before it starts"),
    ("nul_text.json", 2, None, "$.actors[0].aliases[1]", "may not hold the NUL character"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "line", "column", "path", "words"), SINGLE_PROBLEM_CASES)
async def test_invalid_file_is_reported_at_its_place(
    pool: asyncpg.Pool, name: str, line: int, column: int | None, path: str | None, words: str
) -> None:
    (problem,) = await _problems(pool, CASES / name)

    assert problem.file == str(CASES / name)
    assert (problem.line, problem.column, problem.path) == (line, column, path)
    assert words in problem.message
    assert str(problem).startswith(f"{CASES / name}:{line}")


async def test_missing_references_are_all_reported(pool: asyncpg.Pool) -> None:
    problems = await _problems(pool, CASES / "missing_reference.yaml")

    assert [str(p) for p in problems] == [
        f"{CASES / 'missing_reference.yaml'}:3: unknown actor 'nobody'"
        " (at $.statements[0].speaker)",
        f"{CASES / 'missing_reference.yaml'}:7: 'src' is a source, expected an actor,"
        " declaration, provision or track (at $.statements[0].about[1])",
    ]


async def test_duplicate_slug_is_reported_at_both_places(pool: asyncpg.Pool) -> None:
    problems = await _problems(pool, CASES / "duplicate_slug.yaml")

    assert {(Path(p.file).name, p.line, p.path) for p in problems} == {
        ("base.yaml", 8, "$.actors[0].slug"),
        ("duplicate_slug.yaml", 2, "$.tracks[0].slug"),
    }
    assert all("duplicate slug 'someone'" in p.message for p in problems)


async def test_problems_of_several_files_come_together(pool: asyncpg.Pool) -> None:
    files = ["wrong_enum.yaml", "unknown_field.yaml", "overlong.yaml", "bad_syntax.yaml"]

    problems = await _problems(pool, *(CASES / name for name in files))

    assert sorted(Path(p.file).name for p in problems) == sorted(files)


async def test_duplicate_keys_and_natural_keys(pool: asyncpg.Pool, tmp_path: Path) -> None:
    seed = tmp_path / "dupes.yaml"
    seed.write_text(
        "stances:\n"
        "  - actor: someone\n    subject: talks\n    position: neutral\n    position: supports\n"
        "  - actor: someone\n    subject: talks\n    position: supports\n"
        # A stance is about a document, a clause or a track.
        "tracks:\n  - slug: talks\n    name: Talks\n",
        encoding="utf-8",
    )

    problems = await _problems(pool, seed)

    # YAML keeps the last `position`, which makes the two stances equal as well.
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (2, "duplicate stance with the same key"),
        (5, "duplicate key 'position'"),
        (6, "duplicate stance with the same key"),
    ]
    seed.write_text(seed.read_text().replace("    position: neutral\n", ""), encoding="utf-8")
    problems = await _problems(pool, seed)
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (2, "duplicate stance with the same key"),
        (5, "duplicate stance with the same key"),
    ]


async def test_missing_path_is_a_problem_not_a_crash(pool: asyncpg.Pool, tmp_path: Path) -> None:
    problems = await _problems(pool, tmp_path / "nowhere.yaml")

    assert [p.message for p in problems] == ["no such file or folder"]
