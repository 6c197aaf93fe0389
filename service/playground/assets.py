"""The playground's scripts and styles: pinned npm files, fetched at build time, served here.

`assets.json` pins each npm package by version and by the sha512 of its tarball, and each
file the page loads by its SRI hash. The build (hatch_build.py at the repository root)
calls `install` so that every install, wheel or editable, carries the files in
`service/playground/vendor/`; the service checks them with `problems` when it starts, and
the browser checks them again through the page's integrity attributes.

Standard library only: the build hook loads this file by path, before any dependency of
the package is installed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import ipaddress
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
MANIFEST = _HERE / "assets.json"
DEFAULT_DIR = _HERE / "vendor"
VENDOR_URL = "/static/vendor"
# Far above the largest pinned tarball (about 3.5 MiB): a bound on what a download may send.
_MAX_TARBALL_BYTES = 64 * 1024 * 1024
_DOWNLOAD_TIMEOUT_S = 60

HOW_TO_FIX = (
    "Reinstall the service on a machine that can reach the npm registry (from a checkout: "
    "`.venv/bin/pip install -e .`): the install downloads the pinned files and checks their "
    "hashes. Or set PLAYGROUND_ASSETS_DIR to a folder that holds them."
)


class AssetError(Exception):
    """A pinned package or file could not be fetched, or does not match its pinned hash."""


@dataclass(frozen=True)
class Package:
    """One pinned npm package.

    Attributes:
        name: npm package name, e.g. `graphiql` or `@graphiql/plugin-explorer`.
        version: its pinned version.
        integrity: `sha512-...` of its tarball (npm's `dist.integrity`).
    """

    name: str
    version: str
    integrity: str

    def tarball_url(self, registry: str) -> str:
        """Where the registry keeps the tarball (npm's layout: `<name>/-/<base>-<version>.tgz`)."""
        base = self.name.rsplit("/", 1)[-1]
        return f"{registry.rstrip('/')}/{self.name}/-/{base}-{self.version}.tgz"

    @property
    def cache_name(self) -> str:
        """The tarball's file name in the download cache."""
        return f"{self.name.replace('/', '+')}-{self.version}.tgz"


@dataclass(frozen=True)
class Asset:
    """One pinned file of an npm package.

    Attributes:
        package: npm package name, e.g. `graphiql`.
        version: its pinned version.
        file: path inside the package, e.g. `graphiql.min.js`.
        integrity: SRI hash (`sha384-...`) of the file.
    """

    package: str
    version: str
    file: str
    integrity: str

    @property
    def local_path(self) -> str:
        """Where the file lies under the assets folder (the version keeps URLs immutable)."""
        return f"{self.package}@{self.version}/{self.file}"

    @property
    def url(self) -> str:
        """The URL the page loads it from (this service)."""
        return f"{VENDOR_URL}/{self.local_path}"

    @property
    def is_script(self) -> bool:
        """A script (else a stylesheet)."""
        return self.file.endswith(".js")


@dataclass(frozen=True)
class Manifest:
    """What `assets.json` pins: packages by name, and the files in the page's load order."""

    packages: dict[str, Package]
    files: tuple[Asset, ...]


def load_manifest(path: Path = MANIFEST) -> Manifest:
    """Read a manifest (React before GraphiQL before its plugins: the order the page loads)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    packages = {
        name: Package(name, pin["version"], pin["integrity"])
        for name, pin in raw["packages"].items()
    }
    files = tuple(
        Asset(f["package"], packages[f["package"]].version, f["file"], f["integrity"])
        for f in raw["files"]
    )
    return Manifest(packages, files)


@cache
def pinned_assets() -> tuple[Asset, ...]:
    """The files of the package's own `assets.json`, in load order."""
    return load_manifest().files


def assets_dir(configured: str | None) -> Path:
    """The folder to serve assets from: PLAYGROUND_ASSETS_DIR, or the package's own."""
    return Path(configured).expanduser().resolve() if configured else DEFAULT_DIR


def digest(algorithm: str, data: bytes) -> str:
    """An SRI-style hash: `<algorithm>-<base64 digest>` (`sha384-...`, `sha512-...`)."""
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def _matches(data: bytes, integrity: str) -> bool:
    return digest(integrity.split("-", 1)[0], data) == integrity


def problems(folder: Path, manifest: Manifest | None = None) -> list[str]:
    """What is wrong with the assets in `folder`, a sentence each (empty: all there, intact)."""
    found = []
    for asset in (manifest or load_manifest()).files:
        path = folder / asset.local_path
        if not path.is_file():
            found.append(f"{path} is missing")
        elif not _matches(path.read_bytes(), asset.integrity):
            found.append(f"{path} does not match its pinned hash {asset.integrity}")
    return found


def npm_registry() -> str:
    """The npm registry to download from, found as npm itself finds it: the
    `npm_config_registry` setting, else what `npm config get registry` answers (npm's
    default, or the user's .npmrc). The project names no registry of its own.

    Raises:
        AssetError: neither is there (no setting, no npm), or npm's answer is no URL.
    """
    for name in ("npm_config_registry", "NPM_CONFIG_REGISTRY"):
        if os.environ.get(name):
            return os.environ[name]
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(
            "no npm registry is known: set npm_config_registry to the URL of the npm "
            "registry (or a mirror), or install npm, whose default is then used"
        )
    try:
        answer = subprocess.run(
            [npm, "config", "get", "registry"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        raise AssetError(f"`npm config get registry` failed: {error}") from error
    if not answer.startswith(("https://", "http://")):
        raise AssetError(f"`npm config get registry` answered {answer!r}, not a URL")
    return answer


def default_cache_dir() -> Path:
    """Where verified tarballs are kept between builds (a rebuild needs no network)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "position-record" / "npm"


def install(
    folder: Path,
    *,
    manifest: Manifest | None = None,
    registry: str | None = None,
    cache_dir: Path | None = None,
    say: Callable[[str], None] = print,
) -> bool:
    """Put every pinned file into `folder`, each checked; do nothing when all are there.

    A tarball comes from `cache_dir` when a copy there matches its sha512, else from the
    registry (then it is cached). Files already present and intact are left alone.

    Returns:
        True when files were written, False when all were already in place.

    Raises:
        AssetError: a download failed, or a tarball or file does not match its pinned
            hash (nothing of that package is written).
    """
    manifest = manifest or load_manifest()
    wanted = [
        a
        for a in manifest.files
        if not (folder / a.local_path).is_file()
        or not _matches((folder / a.local_path).read_bytes(), a.integrity)
    ]
    if not wanted:
        return False
    known: list[str] = [registry] if registry else []

    def registry_url() -> str:  # asked only when a tarball is not in the cache
        if not known:
            known.append(npm_registry())
        return known[0]

    for name in dict.fromkeys(a.package for a in wanted):
        package = manifest.packages[name]
        tarball = _tarball(package, registry_url, cache_dir, say)
        contents = _read_files(package, tarball, [a for a in wanted if a.package == name])
        for asset, data in contents.items():
            _write(folder / asset.local_path, data)
    left = problems(folder, manifest)
    if left:  # only if the folder changed under us
        raise AssetError("; ".join(left))
    say(f"playground assets installed in {folder}")
    return True


def _tarball(
    package: Package,
    registry: Callable[[], str],
    cache_dir: Path | None,
    say: Callable[[str], None],
) -> bytes:
    cached = cache_dir / package.cache_name if cache_dir else None
    if cached is not None and cached.is_file():
        data = cached.read_bytes()
        if _matches(data, package.integrity):
            return data
        cached.unlink()  # a damaged copy: fetch it again
    url = package.tarball_url(registry())
    say(f"downloading {package.name}@{package.version}")
    data = _download(url)
    if not _matches(data, package.integrity):
        raise AssetError(
            f"{package.name}@{package.version}: the tarball from {url} has hash "
            f"{digest('sha512', data)}, but service/playground/assets.json pins "
            f"{package.integrity}. Nothing was installed from it: the download was altered "
            "on its way (a proxy, a mirror) or the pin is wrong."
        )
    if cached is not None:
        _write(cached, data)
    return data


def _download(url: str) -> bytes:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(parts.hostname)):
        raise AssetError(f"refusing to download {url}: only https (or http on loopback)")
    try:
        with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT_S) as reply:  # noqa: S310
            data: bytes = reply.read(_MAX_TARBALL_BYTES + 1)
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise AssetError(f"cannot download {url}: {reason}") from error
    if len(data) > _MAX_TARBALL_BYTES:
        raise AssetError(f"{url} is larger than {_MAX_TARBALL_BYTES} bytes")
    return data


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_files(package: Package, tarball: bytes, assets: list[Asset]) -> dict[Asset, bytes]:
    """The wanted files out of a verified tarball, each checked against its SRI hash."""
    # npm tarballs hold the package under one top folder, usually `package/`.
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        members = {
            m.name.split("/", 1)[1]: m for m in archive.getmembers() if m.isfile() and "/" in m.name
        }
        contents = {}
        for asset in assets:
            member = members.get(asset.file)
            handle = archive.extractfile(member) if member else None
            if handle is None:
                raise AssetError(f"{package.name}@{package.version} has no file {asset.file}")
            contents[asset] = handle.read()
    for asset, data in contents.items():
        if not _matches(data, asset.integrity):
            raise AssetError(
                f"{asset.local_path}: hash {digest('sha384', data)}, but "
                f"service/playground/assets.json pins {asset.integrity}"
            )
    return contents


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a reader (or a build interrupted midway) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
