"""Durable runs: the worker dies mid-run; the next start continues the run from its records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .run_example import EXAMPLES, ROOT, run_example

SCRIPT = "durable_runs/orders.py"


def test_the_run_continues_after_the_worker_died_and_nothing_is_charged_twice(
    tmp_path: Path,
) -> None:
    died = subprocess.run(
        [sys.executable, str(EXAMPLES / SCRIPT), "start"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        check=False,
    )
    assert died.returncode == 1, died.stderr
    run_id = died.stdout.split()[1]

    out = run_example(SCRIPT, "recover", cwd=tmp_path)

    interrupted = (
        "Error: the call to 'print_label' was interrupted (the process running it stopped) "
        "and was not run again. It may or may not have taken effect: check before retrying."
    )
    assert out == (
        f"recovered run {run_id}: completed\n"
        "  charge_card: charged 30 EUR\n"
        "  fetch_rates: 1 EUR = 1.08 USD\n"
        f"  print_label: {interrupted}\n"
        f"  answer: Order placed. charged 30 EUR | 1 EUR = 1.08 USD | {interrupted}\n"
        "ledger: 1 charge(s)\n"
    )
