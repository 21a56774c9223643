"""Run an example script in a fresh interpreter, offline, as a user would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_example(
    path: str, *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The example's stdout; fails the test with its stderr if it exits non-zero."""
    environ = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environ,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
