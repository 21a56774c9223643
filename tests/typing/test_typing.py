"""Run mypy --strict over the typing checks in this folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_mypy_strict_accepts_what_tool_infers_and_both_runners_as_agent_runners() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            str(HERE / "tool_types.py"),
            str(HERE / "runner_types.py"),
            str(HERE / "output_types.py"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
