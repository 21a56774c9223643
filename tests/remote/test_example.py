"""examples/remote_assistants.py runs offline against a local agentkit serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_remote_assistants_example_completes_streamed_and_polled() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "remote_assistants.py")],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        check=True,
    )
    lines = result.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["[stream]"] * 3 + ["[poll]"] * 3
    assert lines[2].startswith('[stream] completed: {"get_weather": "sunny and 21 C in ')
    assert lines[5].startswith('[poll] completed: {"get_weather": "sunny and 21 C in ')
    assert "DeprecationWarning" not in result.stderr
