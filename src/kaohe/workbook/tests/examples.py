"""Where the worked examples are: the repository's copy (tests/data/examples), which
`test_examples_copy` keeps equal to the shared spec's when that is checked out beside the repo."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
EXAMPLES_DIR = ROOT / "tests" / "data" / "examples"
SHARED_EXAMPLES_DIR = ROOT.parent / "shared" / "spec" / "examples"


def example_paths() -> list[Path]:
    found = sorted(EXAMPLES_DIR.glob("example-*.yaml"))
    if not found:
        raise FileNotFoundError(f"no example-N.yaml found in {EXAMPLES_DIR}")
    return found
