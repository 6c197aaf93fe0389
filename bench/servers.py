"""Start and stop the servers under test: our service, and PostGraphile v5 on Node 22.

Both run as our children with their output in log files; `stop` ends only the process it
started. PostGraphile and Node come from the npm registry into a temporary folder at run
time (nothing is committed); only our config (postgraphile/graphile.config.mjs) is ours.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
POSTGRAPHILE_PACKAGES = ("node@22", "postgraphile@5")


@dataclass
class Server:
    """A server process, its GraphQL URL and its log."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @property
    def pid(self) -> int:
        """The server's process id (the process that serves: no wrapper in between)."""
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log, for error messages."""
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _spawn(name: str, command: list[str], env: dict[str, str], url: str, log: Path) -> Server:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=log.parent, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    return Server(name, process, url, log)


def wait_ready(server: Server, probe: Callable[[], bool], timeout: float = 120.0) -> None:
    """Poll `probe` until it is true; fail early if the server exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log_tail()}")
        try:
            if probe():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f} s:\n{server.log_tail()}")


def stop(server: Server) -> None:
    """SIGTERM (graceful), then SIGKILL after 15 s."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


# -- our service ----------------------------------------------------------------------------


def start_ours(
    dsn: str, port: int, workdir: Path, *, environment: str, extra_env: dict[str, str]
) -> Server:
    """`python -m service serve`: one worker, uvicorn in the same process."""
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": "1",
        "ENVIRONMENT": environment,
        **extra_env,
    }
    command = [sys.executable, "-m", "service", "serve"]
    log = workdir / f"ours-{environment}-{port}.log"
    server = _spawn(f"our service ({environment})", command, env, f"http://127.0.0.1:{port}", log)
    base = server.url
    server.url = f"{base}/graphql"
    wait_ready(server, lambda: httpx.get(f"{base}/health/live", timeout=1).status_code == 200)
    return server


def tokens_command_exists() -> bool:
    """True once the service has `python -m service tokens` (another change adds it)."""
    done = subprocess.run(
        [sys.executable, "-m", "service", "tokens", "--help"],
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    return done.returncode == 0


def create_token(dsn: str, name: str, role: str = "editor") -> str:
    """Create an API token with the service's own command; returns the bearer token."""
    done = subprocess.run(
        [sys.executable, "-m", "service", "tokens", "create", "--name", name, "--role", role],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": dsn},
        check=False,
    )
    found = re.search(r"\bpr_[A-Za-z0-9_\-]+", done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"token creation failed: {done.stdout}{done.stderr}")
    return found.group(0)


# -- PostGraphile ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PostGraphileInstall:
    """Node 22 and PostGraphile installed in `folder`."""

    folder: Path
    node: Path
    cli: Path
    versions: dict[str, str]


def install_postgraphile(folder: Path) -> PostGraphileInstall:
    """`npm install` Node 22 (the `node` package) and PostGraphile 5 into `folder`."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: PostGraphile cannot be installed")
    folder.mkdir(parents=True, exist_ok=True)
    # Its own package.json, so npm installs here and never into a parent project.
    (folder / "package.json").write_text('{"private": true, "type": "module"}\n')
    command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
               "--loglevel=error", *POSTGRAPHILE_PACKAGES]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"npm install failed:\n{done.stdout}{done.stderr}")
    node = _node_binary(folder)
    shutil.copy(BENCH / "postgraphile" / "graphile.config.mjs", folder / "graphile.config.mjs")
    modules = folder / "node_modules"
    version = json.loads((modules / "postgraphile" / "package.json").read_text())["version"]
    node_version = subprocess.run(
        [str(node), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return PostGraphileInstall(
        folder=folder,
        node=node,
        cli=modules / "postgraphile" / "dist" / "cli-run.js",
        versions={"postgraphile": version, "node": node_version},
    )


def _node_binary(folder: Path) -> Path:
    """The Node 22 binary of the `node` package (or of its per-platform dependency)."""
    modules = folder / "node_modules"
    candidates = [
        modules / "node" / "bin" / "node",
        *sorted(modules.glob("node/node_modules/node-*/bin/node")),
        *sorted(modules.glob("node-*/bin/node")),
    ]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        done = subprocess.run([str(candidate), "--version"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.startswith("v22."):
            return candidate
    raise RuntimeError(f"no Node 22 binary under {modules}")


def start_postgraphile(install: PostGraphileInstall, dsn: str, port: int, workdir: Path) -> Server:
    """PostGraphile's own CLI with our config, in production mode."""
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "PORT": str(port),
        "NODE_ENV": "production",
        "GRAPHILE_ENV": "production",
    }
    command = [
        str(install.node),
        str(install.cli),
        "-C",
        str(install.folder / "graphile.config.mjs"),
    ]
    url = f"http://127.0.0.1:{port}/graphql"
    server = _spawn("PostGraphile", command, env, url, workdir / f"postgraphile-{port}.log")

    def answers() -> bool:
        response = httpx.post(url, json={"query": "{ __typename }"}, timeout=2)
        return response.status_code == 200

    wait_ready(server, answers)
    return server
