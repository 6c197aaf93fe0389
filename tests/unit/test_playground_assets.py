"""Fetching the playground's pinned files (what the build hook runs): checked, cached, idempotent.

A small npm-like registry on loopback serves a tarball made here, so these tests need no
network; the hashes are computed the way the real pins in assets.json were.
"""

from __future__ import annotations

import io
import json
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.playground.assets import (
    AssetError,
    Manifest,
    Package,
    digest,
    install,
    load_manifest,
    npm_registry,
    problems,
)

SCRIPT = b"window.Widget = function () { return 42; };\n"
STYLE = b".widget { color: teal; }\n"


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


@dataclass
class Registry:
    """Serves `tarballs` by URL path and counts what was asked."""

    url: str
    tarballs: dict[str, bytes] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def registry() -> Iterator[Registry]:
    """An npm-like registry on a free loopback port."""
    state = Registry("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            body = state.tarballs.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def pinned(tmp_path: Path, registry: Registry) -> Manifest:
    """A manifest pinning one scoped package of two files, served by `registry`."""
    tarball = _tarball({"dist/widget.js": SCRIPT, "dist/widget.css": STYLE, "README": b"x"})
    registry.tarballs["/@acme/widget/-/widget-1.2.3.tgz"] = tarball
    manifest = {
        "packages": {"@acme/widget": {"version": "1.2.3", "integrity": digest("sha512", tarball)}},
        "files": [
            {"package": "@acme/widget", "file": name, "integrity": digest("sha384", data)}
            for name, data in (("dist/widget.js", SCRIPT), ("dist/widget.css", STYLE))
        ],
    }
    path = tmp_path / "assets.json"
    path.write_text(json.dumps(manifest))
    return load_manifest(path)


def test_install_checks_writes_and_then_does_nothing(
    tmp_path: Path, registry: Registry, pinned: Manifest
) -> None:
    folder, cache = tmp_path / "vendor", tmp_path / "cache"
    assert install(folder, manifest=pinned, registry=registry.url, cache_dir=cache, say=print)
    assert (folder / "@acme/widget@1.2.3/dist/widget.js").read_bytes() == SCRIPT
    assert problems(folder, pinned) == []
    assert registry.hits == ["/@acme/widget/-/widget-1.2.3.tgz"]

    # Present and intact: nothing fetched, nothing written.
    assert not install(folder, manifest=pinned, registry=registry.url, cache_dir=cache)
    # Gone, but the verified tarball is cached: restored without the network.
    (folder / "@acme/widget@1.2.3/dist/widget.css").unlink()
    assert install(folder, manifest=pinned, registry=registry.url, cache_dir=cache)
    assert registry.hits == ["/@acme/widget/-/widget-1.2.3.tgz"]


def test_a_tampered_tarball_fails_with_both_hashes_and_writes_nothing(
    tmp_path: Path, registry: Registry, pinned: Manifest
) -> None:
    tampered = _tarball({"dist/widget.js": b"steal(document.cookie)", "dist/widget.css": STYLE})
    registry.tarballs["/@acme/widget/-/widget-1.2.3.tgz"] = tampered
    folder = tmp_path / "vendor"
    with pytest.raises(AssetError) as failure:
        install(folder, manifest=pinned, registry=registry.url, cache_dir=tmp_path / "cache")
    message = str(failure.value)
    assert "@acme/widget@1.2.3: the tarball from" in message
    assert f"has hash {digest('sha512', tampered)}" in message
    assert f"pins {pinned.packages['@acme/widget'].integrity}" in message
    assert "Nothing was installed from it" in message
    assert not folder.exists()
    assert not (tmp_path / "cache").exists()  # never cached either


def test_a_file_not_matching_its_sri_pin_fails_with_a_clear_message(
    tmp_path: Path, registry: Registry, pinned: Manifest
) -> None:
    """The tarball is the pinned one, but a file's own pin disagrees: the build stops."""
    script = pinned.files[0]
    wrong = Manifest(
        pinned.packages,
        (type(script)(script.package, script.version, script.file, digest("sha384", b"other")),),
    )
    with pytest.raises(AssetError, match=r"dist/widget\.js: hash sha384-\S+, but .* pins"):
        install(tmp_path / "vendor", manifest=wrong, registry=registry.url, cache_dir=None)
    assert not (tmp_path / "vendor").exists()


def test_a_tampered_file_in_the_folder_is_reported_then_replaced(
    tmp_path: Path, registry: Registry, pinned: Manifest
) -> None:
    folder, cache = tmp_path / "vendor", tmp_path / "cache"
    install(folder, manifest=pinned, registry=registry.url, cache_dir=cache)
    script = folder / "@acme/widget@1.2.3/dist/widget.js"
    script.write_bytes(b"steal(document.cookie)")
    assert problems(folder, pinned) == [
        f"{script} does not match its pinned hash {pinned.files[0].integrity}"
    ]
    assert install(folder, manifest=pinned, registry=registry.url, cache_dir=cache)
    assert script.read_bytes() == SCRIPT


def test_a_damaged_cached_tarball_is_fetched_again(
    tmp_path: Path, registry: Registry, pinned: Manifest
) -> None:
    cache = tmp_path / "cache"
    install(tmp_path / "a", manifest=pinned, registry=registry.url, cache_dir=cache)
    (cache / "@acme+widget-1.2.3.tgz").write_bytes(b"garbage")
    install(tmp_path / "b", manifest=pinned, registry=registry.url, cache_dir=cache)
    assert len(registry.hits) == 2
    assert problems(tmp_path / "b", pinned) == []


def test_an_unreachable_registry_is_named(tmp_path: Path, pinned: Manifest) -> None:
    with pytest.raises(AssetError, match=r"cannot download http://127\.0\.0\.1:9/@acme/widget/"):
        install(tmp_path / "vendor", manifest=pinned, registry="http://127.0.0.1:9")


def test_plain_http_off_loopback_is_refused(tmp_path: Path, pinned: Manifest) -> None:
    with pytest.raises(AssetError, match="only https"):
        install(tmp_path / "vendor", manifest=pinned, registry="http://mirror.invalid")


def test_tarball_urls_follow_npm_layout() -> None:
    scoped = Package("@graphiql/plugin-explorer", "1.0.2", "sha512-x")
    assert scoped.tarball_url("https://npm.example/") == (
        "https://npm.example/@graphiql/plugin-explorer/-/plugin-explorer-1.0.2.tgz"
    )
    assert Package("react", "18.2.0", "sha512-x").tarball_url("https://npm.example") == (
        "https://npm.example/react/-/react-18.2.0.tgz"
    )


def test_every_pin_of_the_real_manifest_is_a_strong_hash() -> None:
    manifest = load_manifest()
    assert all(p.integrity.startswith("sha512-") for p in manifest.packages.values())
    assert all(f.integrity.startswith("sha384-") for f in manifest.files)
    assert {f.package for f in manifest.files} == set(manifest.packages)


def _no_registry_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("npm_config_registry", "NPM_CONFIG_REGISTRY"):
        monkeypatch.delenv(name, raising=False)


def test_the_registry_is_found_as_npm_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # npm's setting first; else npm's own answer; the project names no registry itself.
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/set")
    assert npm_registry() == "http://127.0.0.1:9/set"
    _no_registry_setting(monkeypatch)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_npm = bin_dir / "npm"
    fake_npm.write_text(
        '#!/bin/sh\n[ "$*" = "config get registry" ] && echo http://127.0.0.1:9/npm/\n'
    )
    fake_npm.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert npm_registry() == "http://127.0.0.1:9/npm/"
    fake_npm.write_text("#!/bin/sh\necho undefined\n")
    with pytest.raises(AssetError, match="answered 'undefined', not a URL"):
        npm_registry()


def test_without_npm_or_its_setting_only_a_download_needs_a_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: Registry, pinned: Manifest
) -> None:
    folder, cache = tmp_path / "vendor", tmp_path / "cache"
    assert install(folder, manifest=pinned, registry=registry.url, cache_dir=cache)
    _no_registry_setting(monkeypatch)
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    with pytest.raises(AssetError, match="no npm registry is known: set npm_config_registry"):
        npm_registry()
    # The cached tarball restores a lost file without asking for any registry.
    (folder / "@acme/widget@1.2.3/dist/widget.js").unlink()
    assert install(folder, manifest=pinned, cache_dir=cache)
    # With nothing cached, the install says what to set.
    (folder / "@acme/widget@1.2.3/dist/widget.js").unlink()
    with pytest.raises(AssetError, match="no npm registry is known"):
        install(folder, manifest=pinned, cache_dir=tmp_path / "empty-cache")
