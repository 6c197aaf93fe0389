"""`serve` with several worker processes: each serves, each live-updates."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.server import RunningService, run_service

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture(scope="module")
def two_workers(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"WORKERS": "2", "RATE_LIMIT": "0"}
    with run_service(module_db_url, tmp_path_factory.mktemp("workers"), env) as running:
        yield running


def test_two_worker_processes_share_the_port(two_workers: RunningService) -> None:
    with httpx.Client(base_url=two_workers.url) as http:
        answers = [
            http.post("/graphql", json={"query": "{ actors { totalCount } }"}) for _ in range(20)
        ]
        ready = http.get("/health/ready")
    assert all(a.status_code == 200 for a in answers)
    assert ready.status_code == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        workers = set(re.findall(r"Started server process \[(\d+)\]", two_workers.log()))
        if len(workers) == 2:
            break
        time.sleep(0.2)
    assert len(workers) == 2, two_workers.log()


@pytest.fixture(scope="module")
def two_limited_workers(
    module_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningService]:
    env = {"WORKERS": "2", "RATE_LIMIT": "5"}
    with run_service(module_db_url, tmp_path_factory.mktemp("limited"), env) as running:
        yield running


def test_workers_share_one_rate_budget(two_limited_workers: RunningService) -> None:
    # A new connection per request: the kernel hands them to either worker. Counted per
    # worker, up to 10 of these would be answered.
    statuses = [
        httpx.post(
            f"{two_limited_workers.url}/graphql", json={"query": "{ __typename }"}, timeout=10
        ).status_code
        for _ in range(16)
    ]
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 11, statuses
