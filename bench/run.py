"""Benchmark our service against PostGraphile v5 (see bench/README.md).

python bench/run.py [--scale small|default] [--duration 10] [--connections 20]
                    [--skip-postgraphile] [--profile DIR] [--save PATH] [--markdown]
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    """Entry point: puts the repository on sys.path (`bench` is no installed package)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.runner import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
