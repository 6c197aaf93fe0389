"""Getting the machine ready for a run: progress messages, wrk, versions, the data."""

from __future__ import annotations

import asyncio
import platform
import shutil
import subprocess
import sys
from importlib.metadata import version

from bench.database import Database, connect, migrate
from bench.gen.load import generate
from bench.gen.scale import SCALES
from bench.load import wrk


def say(message: str) -> None:
    """Progress on stderr (the tables go to stdout)."""
    print(message, file=sys.stderr, flush=True)


def ensure_wrk() -> None:
    """Install Debian's wrk when it is missing and we may (root, apt-get); else fall back."""
    if wrk.available() or not shutil.which("apt-get"):
        return
    say("wrk is missing: apt-get install -y wrk")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    done = subprocess.run(install, capture_output=True, text=True, check=False)
    if done.returncode != 0:  # perhaps no package lists yet on a new machine
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False)
        done = subprocess.run(install, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        say("apt-get could not install wrk: using the Python load process instead")


def versions(dsn: str) -> dict[str, str]:
    """Versions of everything measured."""

    async def server_version() -> str:
        conn = await connect(dsn)
        try:
            return str(await conn.fetchval("show server_version"))
        finally:
            await conn.close()

    found = {"python": platform.python_version(), "postgresql": asyncio.run(server_version())}
    for package in (
        "litestar",
        "strawberry-graphql",
        "graphql-core",
        "asyncpg",
        "uvicorn",
        "uvloop",
        "httptools",
        "msgspec",
    ):
        found[package] = version(package)
    if wrk.available():
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        found["wrk"] = (done.stdout + done.stderr).split()[1]
    else:
        found["load"] = "Python load process (bench/load/pyload.py)"
    return found


def prepare_database(database: Database, scale: str, seed: int) -> None:
    """Migrate and generate; prints the generator's time."""

    async def go() -> None:
        await migrate(database.dsn)
        conn = await connect(database.dsn)
        try:
            result = await generate(conn, SCALES[scale], seed)
        finally:
            await conn.close()
        say(
            f"generated {result.total:,} rows ({scale}) in {result.seconds:.1f} s "
            f"(+ vacuum analyze {result.analyze_seconds:.1f} s)"
        )

    asyncio.run(go())
