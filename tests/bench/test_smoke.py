"""The benchmark still runs end to end (bench/, run on demand): a short run at the small
scale, our service only. No timing is asserted: figures belong to bench/README.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.load import wrk
from tests.server import ROOT
from tests.tools import expect_tool_in_ci

pytestmark = [pytest.mark.slow]


def assert_described(saved: dict[str, Any]) -> None:
    """Saved results say what they were measured on, with which code, when."""
    assert set(saved["machine"]) >= {"cpu", "cores", "memory", "kernel"}
    assert {"python", "postgresql"} <= set(saved["versions"])
    assert re.fullmatch(r"[0-9a-f]{40}", saved["run"]["git_commit"])
    assert saved["run"]["started_at"] <= saved["run"]["finished_at"]
    assert "--save" in saved["run"]["command"]


def test_the_benchmark_measures_every_operation(tmp_path: Path) -> None:
    # Without wrk the bench falls back to its Python load process; CI installs wrk.
    expect_tool_in_ci("wrk", wrk.available())
    results = tmp_path / "results.json"
    command = [sys.executable, "bench/run.py", "--scale", "small", "--duration", "1",
               "--warmup", "0.5", "--connections", "4", "--skip-postgraphile",
               "--save", str(results)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    saved = json.loads(results.read_text())
    assert_described(saved)
    measured = saved["ours"]
    assert [m["operation"] for m in measured] == [
        "warnings-page",
        "declaration-details",
        "actor-statements",
        "timeline-page",
        "search",
        "create-actor",
        "update-actor",
        "delete-actor",
    ]
    # Every answer succeeded: each update and delete had a target of its own, at the
    # version it sent.
    for m in measured:
        assert m["skipped"] is None, m
        assert m["load"]["requests"] > 0, m
        assert m["load"]["bad"] == m["load"]["socket_errors"] == m["load"]["exhausted"] == 0, m
    writes = {"create-actor", "update-actor", "delete-actor"}
    assert all(m["round_trips"] for m in measured if m["operation"] in writes), measured
    # Every read is one statement, however many rows it returns (issue 8's target). The
    # statements PostgreSQL counted may include a token's re-check now and then.
    reads = [m for m in measured if m["operation"] not in writes]
    assert {m["round_trips"] for m in reads} == {1}
    assert all(m["statements_per_request"] < 1.5 for m in reads), reads


def test_the_fanout_benchmark_runs_and_a_write_costs_the_same_whatever_the_subscriptions(
    tmp_path: Path,
) -> None:
    results = tmp_path / "fanout.json"
    command = [sys.executable, "bench/fanout.py", "--subscribers", "5,45", "--writes", "3",
               "--save", str(results)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    saved = json.loads(results.read_text())
    assert_described(saved)
    few, many = saved["rows"]
    assert (few["subscribers"], many["subscribers"]) == (5, 45)
    # One read of the feed and one of the changed row per write, for 5 or 45 subscriptions
    # (the listener's health check may wake the feed's reader once more meanwhile).
    for row in (few, many):
        assert row["row_reads"] == 1.0, row
        assert 1.0 <= row["feed_reads"] <= 1.5, row
    assert abs(few["statements"] - many["statements"]) <= 0.5, (few, many)
