"""Checks around CI's second database run (PostgreSQL 15): what server, how many tests.

python .ci/database_run.py server DSN MIN_MAJOR
    print the server's `select version()`; fail unless it answers and is MIN_MAJOR+
python .ci/database_run.py expected
    print how many tests `pytest -m db` collects in this checkout
python .ci/database_run.py ran JUNIT_XML EXPECTED
    fail unless the run's report holds EXPECTED tests, none skipped, failed or in error
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import xml.etree.ElementTree as ET

import asyncpg


def server(dsn: str, min_major: int) -> int:
    async def read() -> tuple[str, int]:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            return await conn.fetchval("select version()"), int(
                await conn.fetchval("show server_version_num")
            )
        finally:
            await conn.close()

    try:
        version, number = asyncio.run(read())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        print(f"no PostgreSQL answers at {dsn}: {exc}", file=sys.stderr)
        return 1
    print(version)
    if number // 10_000 < min_major:
        print(f"PostgreSQL {min_major} or later expected, got {number}", file=sys.stderr)
        return 1
    return 0


def expected() -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "db", "--collect-only", "-q", "-p", "no:randomly"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        return -1
    return sum(1 for line in done.stdout.splitlines() if "::" in line)


def ran(report: str, wanted: int) -> int:
    suites = ET.parse(report).getroot()  # noqa: S314 (our own pytest's report)
    suite = suites if suites.tag == "testsuite" else suites.find("testsuite")
    assert suite is not None, "no testsuite in the report"
    counts = {k: int(suite.get(k, "0")) for k in ("tests", "skipped", "failures", "errors")}
    print(
        f"database run: {counts['tests']} tests of {wanted} expected, {counts['skipped']} "
        f"skipped, {counts['failures']} failed, {counts['errors']} in error"
    )
    if counts["tests"] < wanted:
        print(f"{wanted - counts['tests']} database tests did not run", file=sys.stderr)
        return 1
    if counts["skipped"] or counts["failures"] or counts["errors"]:
        print("every database test must pass on this server too", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    match argv:
        case ["server", dsn, min_major]:
            return server(dsn, int(min_major))
        case ["expected"]:
            count = expected()
            if count <= 0:
                print("collected no database test", file=sys.stderr)
                return 1
            print(count)
            return 0
        case ["ran", report, wanted]:
            return ran(report, int(wanted))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
