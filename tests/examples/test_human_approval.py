"""Human approval: one process pauses the run, another approves it, over one SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

from .run_example import run_example

SCRIPT = "human_approval/refunds.py"


def start(tmp_path: Path) -> str:
    out = run_example(SCRIPT, "start", "Refund 30 EUR on order 42", cwd=tmp_path)
    match = re.match(r"run (run_\w+) is requires_action\n", out)
    assert match, out
    assert 'waiting for approval: issue_refund({"order_id": 42, "amount_eur": 30})' in out
    return match.group(1)


def test_a_second_process_approves_and_the_run_completes(tmp_path: Path) -> None:
    run_id = start(tmp_path)

    out = run_example(SCRIPT, "approve", run_id, cwd=tmp_path)

    assert out == (
        f"run {run_id} is completed: Refund request answered: "
        "approved: 30 EUR refunded on order 42\n"
    )


def test_a_denied_refund_is_reported_to_the_model(tmp_path: Path) -> None:
    run_id = start(tmp_path)

    out = run_example(SCRIPT, "deny", run_id, cwd=tmp_path)

    assert out == f"run {run_id} is completed: Refund request answered: denied by a person\n"


def test_pending_lists_the_paused_runs(tmp_path: Path) -> None:
    run_id = start(tmp_path)

    out = run_example(SCRIPT, "pending", cwd=tmp_path)

    assert out == f'{run_id}: issue_refund({{"order_id": 42, "amount_eur": 30}})\n'
