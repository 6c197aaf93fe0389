"""The playground's scripts and styles: served by the service when installed, else a CDN."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
MANIFEST = _HERE / "assets.json"
DEFAULT_DIR = _HERE.parent / "static" / "vendor"
VENDOR_URL = "/static/vendor"
# The fallback for a checkout without `scripts/fetch-playground-assets`: the same files
# (the same SRI hashes) from the public CDN that Strawberry's stock page uses.
CDN_URL = "https://unpkg.com"


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
    def is_script(self) -> bool:
        """A script (else a stylesheet)."""
        return self.file.endswith(".js")


@cache
def pinned_assets() -> tuple[Asset, ...]:
    """The files of `assets.json`, in load order (React before GraphiQL before its plugins)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    versions: dict[str, str] = manifest["packages"]
    return tuple(
        Asset(f["package"], versions[f["package"]], f["file"], f["integrity"])
        for f in manifest["files"]
    )


def assets_dir(configured: str | None) -> Path:
    """The folder to serve assets from: PLAYGROUND_ASSETS_DIR, or the package's own."""
    return Path(configured).expanduser().resolve() if configured else DEFAULT_DIR


def has_local_assets(folder: Path) -> bool:
    """True when every pinned file is present in `folder` (the script checks their hashes)."""
    return all((folder / asset.local_path).is_file() for asset in pinned_assets())


def asset_url(asset: Asset, *, local: bool) -> str:
    """The URL the page loads `asset` from."""
    if local:
        return f"{VENDOR_URL}/{asset.local_path}"
    return f"{CDN_URL}/{asset.local_path}"
