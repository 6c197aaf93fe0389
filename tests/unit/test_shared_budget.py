"""The rate budget shared by a `serve`'s workers: one count per caller across processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from service.access.rate_limit import WINDOW_S
from service.access.shared_budget import (
    BUCKETS,
    SharedRateBudget,
    _key_hash,
    create_windows_file,
)
from tests.unit.clock import Clock


def test_two_budgets_on_one_table_count_together(tmp_path: Path) -> None:
    table = tmp_path / "windows"
    create_windows_file(table)
    clock = Clock()
    first, second = SharedRateBudget(5, table, clock), SharedRateBudget(5, table, clock)
    assert [first.spend("token:a").remaining for _ in range(3)] == [4, 3, 2]
    assert [second.spend("token:a").remaining for _ in range(2)] == [1, 0]
    refused = first.spend("token:a")
    assert not refused.allowed
    assert refused.reset_s == WINDOW_S
    assert second.spend("token:b").allowed  # another caller, another budget
    clock.now += WINDOW_S
    assert first.spend("token:a").remaining == 4  # a new window
    first.close()
    second.close()


def test_a_full_bucket_gives_up_the_window_that_ends_first(tmp_path: Path) -> None:
    table = tmp_path / "windows"
    create_windows_file(table)
    clock = Clock()
    budget = SharedRateBudget(1, table, clock)
    bucket = _key_hash("caller-0") % BUCKETS
    same_bucket = [
        k for k in (f"caller-{n}" for n in range(200_000)) if _key_hash(k) % BUCKETS == bucket
    ]
    assert len(same_bucket) >= 9
    for n, key in enumerate(same_bucket[:8]):
        clock.now = 1000.0 + n  # caller-0's window ends first
        assert budget.spend(key).allowed
        assert not budget.spend(key).allowed
    assert budget.spend(same_bucket[8]).allowed  # takes caller-0's slot
    assert budget.spend(same_bucket[0]).allowed  # whose budget starts again
    assert not budget.spend(same_bucket[7]).allowed  # the others keep theirs
    budget.close()


LIMIT, TRIES = 30_000, 20_000  # per process: both spend at once, about 0.1 s


def _spend_many(table: str, start: Any, allowed: Any) -> None:
    budget = SharedRateBudget(LIMIT, Path(table))
    start.wait()
    allowed.put(sum(budget.spend("token:shared").allowed for _ in range(TRIES)))


def test_processes_spending_at_once_never_lose_a_count(tmp_path: Path) -> None:
    table = tmp_path / "windows"
    create_windows_file(table)
    context = multiprocessing.get_context("spawn")  # as uvicorn starts its workers
    allowed, start = context.Queue(), context.Barrier(2)
    workers = [
        context.Process(target=_spend_many, args=(str(table), start, allowed)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    counts = [allowed.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(counts) == LIMIT  # 40,000 tried, exactly the limit allowed


def test_a_file_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "windows"
    table.write_bytes(b"not a table")
    with pytest.raises(ValueError, match="is not a rate-limit table"):
        SharedRateBudget(5, table)
