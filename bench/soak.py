"""The fault-injection soak at full size; the test suite runs it bounded (400 runs).

Run: ``python bench/soak.py [--runs N] [--seed S]``. Prints the soak's report: statuses by
scenario, memory growth, how late the event loop ran, and every run that did not end as its
scenario says. Exits non-zero when the soak fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20261121)
    options = parser.parse_args()
    env = {
        **os.environ,
        "AGENTKIT_SOAK_RUNS": str(options.runs),
        "AGENTKIT_SOAK_SEED": str(options.seed),
    }
    test = "tests/soak/test_soak.py"
    command = [sys.executable, "-m", "pytest", test, "-q", "-s", "-p", "no:cacheprovider"]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
