"""The admin command's own options, run as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from tests.server import ROOT


def test_version_prints_the_installed_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"position-record, version {version('position-record')}"
