"""Dates as intervals over the API (issue 18): ranges in and out, the one order of dated
items (latest instant, then earliest, then id), windows keeping what overlaps them, and
the compiled path answering as the executor does, on the bundled seed record.

Its dates: on 6 January the Paris summit's adoptions, statements and track updates;
Umerov's report and its track update on 7 or 8 January (the range 2026-01-07/2026-01-08);
Zakharova's and Zelensky's statements, a warning and a track update on 8 January; and the
Élysée's comment, known only to the month ("2026-01").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.client import Client
from tests.api.conftest import load_seed_record
from tests.server import ROOT, RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]

TIMELINE = (ROOT / "graphql" / "operations" / "timeline.graphql").read_text()
UMEROV = "umerov-2026-01-talks-in-france-report"
ELYSEE = "elysee-2026-01-us-not-a-formal-party"


@pytest.fixture(scope="module")
async def module_db_url(module_db_url: str) -> str:
    """The module's database holding the bundled seed record."""
    await load_seed_record(module_db_url)
    return module_db_url


@pytest.fixture(scope="module")
def executor_only(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    """The same service with compilation off."""
    folder = tmp_path_factory.mktemp("executor-only")
    with run_service(module_db_url, folder, {"COMPILED_QUERIES": "false"}) as running:
        yield running


def same_on_both_paths(
    client: Client, executor_only: RunningService, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """`data` of a query answered by one compiled statement, checked equal to the
    executor's answer."""
    compiled = client.post(query, variables)
    executed = Client(executor_only.url).post(query, variables)
    assert "errors" not in compiled, compiled
    assert compiled["data"] == executed["data"]
    assert compiled["extensions"]["sqlRoundTrips"] == 1, "not compiled"
    data: dict[str, Any] = compiled["data"]
    return data


def key(entry: dict[str, Any]) -> str:
    """A timeline entry as a word: its slug, or its track and status."""
    item = entry["item"]
    if "slug" in item:
        return str(item["slug"])
    if "declaration" in item:
        return str(item["declaration"]["slug"])
    return f"{item['track']['slug']}:{item['status']}"


SIXTH = [
    "paris-declaration",
    "declaration-of-intent",
    "paris-summit-2026-01-06",
    "starmer-2026-01-06-declaration-of-intent",
    "starmer-2026-01-06-further-steps",
    "witkoff-2026-01-06-x-post",
    "us-ukraine-security-guarantees:PROGRESS_REPORTED",
    "prosperity-plan:PROGRESS_REPORTED",
    "coalition-security-guarantees:SIGNED",
]
# The talks of the 7th (that day alone), then what may be of the 7th or the 8th.
SEVENTH_OR_EIGHTH = [
    "talks-in-france-2026-01-07",
    UMEROV,
    "us-ukraine-security-guarantees:NEGOTIATING",
]
EIGHTH = [
    "zakharova-2026-01-08-legitimate-targets",
    "zelensky-2026-01-08-ready-for-finalization",
    "zelensky-2026-01-08-complex-issues",
    "zelensky-2026-01-08-feedback-from-russia",
    "us-ukraine-security-guarantees:READY_FOR_FINALISATION",
    "zakharova-2026-01-08-warning",
]


def test_a_timeline_of_6_to_9_january_oldest_first(
    client: Client, executor_only: RunningService
) -> None:
    # timeline.graphql's defaults: 6 to 9 January 2026, oldest first, in one query.
    timeline = same_on_both_paths(client, executor_only, TIMELINE, {})["timeline"]
    entries = timeline["nodes"]
    # The 6 January items, then Umerov's report (7 or 8 January: its latest day is the 8th,
    # its earliest the 7th, so before the items of the 8th alone), the 8 January items,
    # and last the Élysée's comment, which may be any day of January up to the 31st.
    assert [key(e) for e in entries] == [*SIXTH, *SEVENTH_OR_EIGHTH, *EIGHTH, ELYSEE]
    assert timeline["totalCount"] == len(entries)
    # It was dated 1 January, before the window: the window missed it, a timeline put it
    # before the summit. Now it is in, and it says so.
    umerov = next(e for e in entries if key(e) == UMEROV)
    assert umerov["item"]["said"] == {
        "value": "2026-01-07/2026-01-08",
        "precision": "DAY",
        "earliest": "2026-01-07T00:00:00+00:00",
        "latest": "2026-01-08T23:59:59.999999+00:00",
    }
    assert umerov["at"] == umerov["item"]["said"]["earliest"]
    assert umerov["latest"] == umerov["item"]["said"]["latest"]
    # Only the Élysée's comment may lie outside the window (in the rest of January).
    assert [key(e) for e in entries if e["partial"]] == [ELYSEE]
    elysee = entries[-1]
    assert elysee["item"]["said"]["value"] == "2026-01"
    assert (elysee["at"], elysee["latest"]) == (
        "2026-01-01T00:00:00+00:00",
        "2026-01-31T23:59:59.999999+00:00",
    )


def test_newest_first_is_the_same_order_reversed_page_by_page(
    client: Client, executor_only: RunningService
) -> None:
    oldest = [key(e) for e in client.data(TIMELINE)["timeline"]["nodes"]]
    for path in (client, Client(executor_only.url)):
        pages: list[str] = []
        after = None
        while True:
            page = path.data(TIMELINE, {"orderBy": "NEWEST_FIRST", "first": 4, "after": after})
            pages += [key(e) for e in page["timeline"]["nodes"]]
            if not page["timeline"]["pageInfo"]["hasNextPage"]:
                break
            after = page["timeline"]["pageInfo"]["endCursor"]
        assert pages == oldest[::-1]


def test_a_window_keeps_what_overlaps_it(client: Client, executor_only: RunningService) -> None:
    def window(start: str, end: str) -> dict[str, Any]:
        return {"from": f"2026-01-{start}T00:00:00Z", "to": f"2026-01-{end}T00:00:00Z"}

    def listed(variables: dict[str, Any]) -> list[tuple[str, bool]]:
        data = same_on_both_paths(client, executor_only, TIMELINE, variables)
        return [(key(e), e["partial"]) for e in data["timeline"]["nodes"]]

    talks, *seventh_or_eighth = SEVENTH_OR_EIGHTH
    # 8 January: Umerov's report may be on the 8th (or the 7th: partial), the month too;
    # the talks were on the 7th alone.
    assert listed(window("08", "09")) == [
        *((k, True) for k in seventh_or_eighth),
        *((k, False) for k in EIGHTH),
        (ELYSEE, True),
    ]
    # 7 January: the talks, whole, and what may be on the 7th.
    assert listed(window("07", "08")) == [
        (talks, False),
        *((k, True) for k in seventh_or_eighth),
        (ELYSEE, True),
    ]
    # 6 January: the window ends before Umerov's report may begin.
    assert [k for k, _ in listed(window("06", "07"))] == [*SIXTH, ELYSEE]
    # The whole of January holds the month whole.
    january = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    assert not any(partial for _, partial in listed(january))


STATEMENTS = """
query($from: DateTime, $to: DateTime, $order: StatementOrder!) {
  statements(filter: { saidFrom: $from, saidTo: $to }, orderBy: $order, first: 50) {
    nodes { slug said { value precision earliest latest start } }
  }
}
"""
UPDATES = """
query($from: DateTime, $to: DateTime) {
  trackUpdates(reportedFrom: $from, reportedTo: $to, first: 50) {
    nodes { status reported { value latest } }
  }
}
"""


def test_lists_filter_and_order_by_the_same_rule(
    client: Client, executor_only: RunningService
) -> None:
    january = {"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    ascending = same_on_both_paths(
        client, executor_only, STATEMENTS, {**january, "order": "SAID_ASC"}
    )["statements"]["nodes"]
    slugs = [s["slug"] for s in ascending]
    # A month does not sort before the days it may be later than; a range sorts by its
    # last day, before the dates of that day alone.
    assert slugs[-1] == ELYSEE
    assert slugs.index(UMEROV) == 3  # after Starmer's and Witkoff's 6 January statements
    assert slugs[4:-1] == EIGHTH[:4]  # the statements of the 8th
    descending = same_on_both_paths(
        client, executor_only, STATEMENTS, {**january, "order": "SAID_DESC"}
    )["statements"]["nodes"]
    assert [s["slug"] for s in descending] == slugs[::-1]
    # `start` stays what it was: the earliest instant.
    assert all(s["said"]["start"] == s["said"]["earliest"] for s in ascending)
    # saidFrom the 8th keeps Umerov's report (7 or 8 January) and the month.
    eighth = {"from": "2026-01-08T00:00:00Z", "to": "2026-01-09T00:00:00Z", "order": "SAID_ASC"}
    found = same_on_both_paths(client, executor_only, STATEMENTS, eighth)["statements"]["nodes"]
    assert [s["slug"] for s in found] == slugs[3:]
    # Track updates, the same way.
    del eighth["order"]
    updates = same_on_both_paths(client, executor_only, UPDATES, eighth)
    assert [(u["status"], u["reported"]["value"]) for u in updates["trackUpdates"]["nodes"]] == [
        ("NEGOTIATING", "2026-01-07/2026-01-08"),
        ("READY_FOR_FINALISATION", "2026-01-08"),
    ]


# --- Writing ranges ------------------------------------------------------------------

DATE = "said { value precision earliest latest }"


def _speaker(client: Client) -> str:
    found = client.data('{ actor(slug: "rustem-umerov") { id } }')
    return str(found["actor"]["id"])


def test_a_statement_is_written_with_a_range_and_back_to_one_date(client: Client) -> None:
    made = client.mutate(
        "createStatement",
        {"slug": "ranged", "speakerId": _speaker(client), "said": "2031-03-07/2031-03-08",
         "channel": "BRIEFING", "quote": "Q"},
        f"id version {DATE}",
    )  # fmt: skip
    assert made["said"] == {
        "value": "2031-03-07/2031-03-08",
        "precision": "DAY",
        "earliest": "2031-03-07T00:00:00+00:00",
        "latest": "2031-03-08T23:59:59.999999+00:00",
    }
    read = client.data('{ statement(slug: "ranged") { ' + DATE + " } }")["statement"]
    assert read["said"] == made["said"]
    # A single date replaces the whole range.
    changed = client.mutate(
        "updateStatement",
        {"id": made["id"], "expectedVersion": made["version"], "said": "2031-03"},
        DATE,
    )
    assert changed["said"] == {
        "value": "2031-03",
        "precision": "MONTH",
        "earliest": "2031-03-01T00:00:00+00:00",
        "latest": "2031-03-31T23:59:59.999999+00:00",
    }


@pytest.mark.parametrize(
    ("said", "words"),
    [
        ("2031-03-08/2031-03-07", "'2031-03-08/2031-03-07' is a range that ends before it starts"),
        ("2031-03/2031-03-15", "is a range whose ends have different precisions"),
        ("2031-03-07/2031-03-07", "is one day, not a range: write '2031-03-07' alone"),
        ("2031-03-07/", "is not a date"),
    ],
)
def test_a_range_that_is_no_range_is_refused_with_its_reason(
    client: Client, said: str, words: str
) -> None:
    refused = client.mutate(
        "createStatement",
        {"slug": "never-ranged", "speakerId": _speaker(client), "said": said,
         "channel": "BRIEFING", "quote": "Q"},
    )  # fmt: skip
    (error,) = refused["errors"]
    assert (error["field"], error["code"]) == ("said", "INVALID")
    assert words in error["message"]


def test_a_membership_ends_before_it_starts_only_when_its_whole_range_does(
    client: Client,
) -> None:
    member = _speaker(client)
    organization = client.data('{ actor(slug: "ukraine") { id } }')["actor"]["id"]

    def add(role: str, start: str, end: str) -> Any:
        return client.mutate(
            "addMembership",
            {"memberId": member, "organizationId": organization, "role": role,
             "start": start, "end": end},
            "start { value } end { value latest }",
        )  # fmt: skip

    kept = add("envoy", "2031-02", "2031-01/2031-03")  # it may end in March
    assert kept["end"] == {"value": "2031-01/2031-03", "latest": "2031-03-31T23:59:59.999999+00:00"}
    refused = add("adviser", "2031-02", "2030-12/2031-01")
    assert refused["errors"] == [
        {"field": "end", "message": "the membership ends before it starts", "code": "INVALID"}
    ]
