"""The build hook (hatch_build.py) when the npm registry cannot be reached.

A wheel is built from a copy of the checkout with no playground files and an empty
tarball cache, against a registry address that refuses connections.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.checkout import copy_checkout

SKIP = "POSITION_RECORD_SKIP_PLAYGROUND_ASSETS"


def _build(source: Path, out: Path, cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "npm_config_registry": "http://127.0.0.1:9", "XDG_CACHE_HOME": str(cache)}
    env.pop(SKIP, None)
    return subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
         str(source)],
        env={**env, **extra}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_unreachable_registry_fails_the_build_with_the_reason_and_the_way_out(
    tmp_path: Path,
) -> None:
    source = tmp_path / "src"
    copy_checkout(source)
    failed = _build(source, tmp_path / "dist", tmp_path / "cache")
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert (
        "the playground's assets (GraphiQL) could not be installed: cannot download "
        "http://127.0.0.1:9/react/-/react-18.2.0.tgz"
    ) in output
    assert f"set {SKIP}=1" in output
    assert not list((tmp_path / "dist").glob("*.whl"))

    # Asked to, the build goes on without them; the page will say they are missing.
    built = _build(source, tmp_path / "dist", tmp_path / "cache", **{SKIP: "1"})
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "service/playground/assets.json" in names
    assert not [n for n in names if n.startswith("service/playground/vendor/")]
    # Only the service's own package goes to site-packages: a `tests` package there would
    # be another project's as well (pip overwrites one with the other), and the benchmark
    # (`bench`) runs from a checkout.
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"service"}, tops
