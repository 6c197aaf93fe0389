"""Build hook: every install of the service carries the playground's GraphiQL files.

For the wheel and for an editable install (`pip install -e .`), the npm tarballs pinned in
service/playground/assets.json are downloaded with Python (no node), checked against their
sha512, and the files the page loads are taken out of them, each checked against its SRI
hash, into service/playground/vendor/ (gitignored: third-party code is never committed).
An editable install serves them from there; a wheel carries them. Files already there and
intact are not fetched again, and verified tarballs are cached (~/.cache/position-record),
so a rebuild needs no network.

A failed download or a hash mismatch fails the build with the reason. To build without
the files anyway (the playground page then says they are missing and how to get them),
set POSITION_RECORD_SKIP_PLAYGROUND_ASSETS=1.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SKIP = "POSITION_RECORD_SKIP_PLAYGROUND_ASSETS"
VENDOR = "service/playground/vendor"


def _assets_module(root: Path) -> ModuleType:
    """service/playground/assets.py, loaded alone: the package's dependencies are not installed."""
    name = "_position_record_playground_assets"
    spec = importlib.util.spec_from_file_location(name, root / "service/playground/assets.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module


class PlaygroundAssetsHook(BuildHookInterface):  # type: ignore[type-arg]
    """Fetch, check and include the playground's pinned assets."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Install the assets into the source tree; a (non-editable) wheel also packs them."""
        root = Path(self.root)
        folder = root / VENDOR
        assets = _assets_module(root)
        if os.environ.get(SKIP) == "1":
            self.app.display_warning(
                f"{SKIP}=1: building without the playground's assets; the playground page "
                "will say they are missing"
            )
        else:
            try:
                assets.install(
                    folder, cache_dir=assets.default_cache_dir(), say=self.app.display_info
                )
            except assets.AssetError as error:
                raise SystemExit(
                    f"\nposition-record: the playground's assets (GraphiQL) could not be "
                    f"installed: {error}\nThey come from the npm registry (npm_config_registry "
                    f"names a mirror). To install without them, set {SKIP}=1: the service "
                    f"works, and its playground page says how to add them later.\n"
                ) from error
        if version != "editable":
            # Gitignored, hence left out by default: each pinned file is included by name
            # (not the folder: files of a version no longer pinned stay out of the wheel).
            for asset in assets.load_manifest(root / "service/playground/assets.json").files:
                if (folder / asset.local_path).is_file():
                    target = f"{VENDOR}/{asset.local_path}"
                    build_data["force_include"][str(folder / asset.local_path)] = target
