"""API tokens for the end-to-end tests: created through the real CLI, sent as headers."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.server import ROOT


def create_token(database_url: str, name: str, role: str) -> str:
    """Create a token with `python -m service tokens create` on `database_url`.

    Returns:
        The bearer token (`pr_<id>_<secret>`), as the CLI printed it.
    """
    result = subprocess.run(
        [sys.executable, "-m", "service", "tokens", "create", "--name", name, "--role", role],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def revoke_token(database_url: str, name: str) -> None:
    """Revoke a token with `python -m service tokens revoke`."""
    result = subprocess.run(
        [sys.executable, "-m", "service", "tokens", "revoke", name],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def auth(token: str) -> dict[str, str]:
    """The headers that authenticate a request with `token`."""
    return {"Authorization": f"Bearer {token}"}
