"""Tools the suite needs beyond Python: skipped on a machine without them, a failure in CI.

`.ci/run` installs every tool named in REQUIRED_TOOLS, so under CI (CI=true) a test that
would skip for want of one of them fails instead: a green CI run has run it. Mark such a
test with `requires_tool(name, available)`; a test that falls back to something slower
without the tool calls `expect_tool_in_ci(name, available)`. As a safety net, tests/conftest.py
also fails, under CI, any skip whose reason names one of these tools, however it was made.
"""

from __future__ import annotations

import os
import re

import pytest

# Each tool and how to get it (what .ci/run does).
REQUIRED_TOOLS = {
    "chromium": "bash scripts/install-system-packages chromium",
    "pgbouncer": "bash scripts/install-system-packages pgbouncer",
    "wrk": "bash scripts/install-system-packages wrk",
    "hadolint": "pip install -e '.[test]'",
    "playground assets": "pip install -e . (its build hook fetches them)",
    "client node_modules": "bash scripts/install-client-tests",
}
# Words that name a tool in a skip's reason, however the skip was written.
_NAMED = re.compile(
    r"\b(chromium|pgbouncer|wrk|hadolint|playground assets|static/vendor|node_modules)\b",
    re.IGNORECASE,
)


def in_ci() -> bool:
    """True under CI (CI=true, as .ci/run and most CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(tool: str) -> str:
    """The reason given when `tool` is missing."""
    return f"needs {tool} ({REQUIRED_TOOLS[tool]})"


def requires_tool(tool: str, available: bool) -> pytest.MarkDecorator:
    """Mark a test that cannot run without `tool`: skipped without it, failed under CI.

    Args:
        tool: a key of REQUIRED_TOOLS.
        available: whether the tool is there (evaluated once, at import).
    """
    if tool not in REQUIRED_TOOLS:
        raise ValueError(f"{tool!r} is not in tests.tools.REQUIRED_TOOLS")
    return pytest.mark.requires_tool(tool=tool, available=available)


def expect_tool_in_ci(tool: str, available: bool) -> None:
    """Fail under CI when `tool` is missing; elsewhere the test goes on without it."""
    if not available and in_ci():
        pytest.fail(f"{missing(tool)}: CI installs it, so its absence fails", pytrace=False)


def check_required_tools(item: pytest.Item) -> None:
    """Skip or fail (under CI) a test whose `requires_tool` tools are missing."""
    absent = [
        mark.kwargs["tool"]
        for mark in item.iter_markers("requires_tool")
        if not mark.kwargs["available"]
    ]
    if absent:
        reason = ", ".join(missing(tool) for tool in sorted(set(absent)))
        if in_ci():
            pytest.fail(f"{reason}: CI installs them, so their absence fails", pytrace=False)
        pytest.skip(reason)


def tool_named_in(reason: str) -> str | None:
    """The required tool a skip's reason names, if any (as it is named there)."""
    found = _NAMED.search(reason)
    return found.group(1) if found else None
