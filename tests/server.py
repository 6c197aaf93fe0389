"""Run the real service (`python -m service serve`) in a child process for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.pg import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class RunningService:
    """A service process and the base URL it answers on."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log(self) -> str:
        """What the process has written so far."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def run_service(
    database_url: str | None,
    tmp_path: Path,
    extra_env: dict[str, str] | None = None,
    *,
    python: str = sys.executable,
) -> Iterator[RunningService]:
    """Start the service on a free port and wait until it is live; stop it afterwards.

    `python` runs it: this checkout's by default, or another install's (a fresh venv).
    """
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "ENVIRONMENT": "test",
        **(extra_env or {}),
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    log_path = tmp_path / f"service-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [python, "-m", "service", "serve"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    service = RunningService(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_live(service)
        yield service
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_live(service: RunningService, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"service exited early:\n{service.log()}")
        try:
            if httpx.get(f"{service.url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"service not live after {timeout}s:\n{service.log()}")
