"""Tool approvals: a large refund waits; another process edits it; a denial tells the model."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from agentkit import Runner
from agentkit.stores import SQLiteStore

from .run_example import EXAMPLES, run_example

SCRIPT = "tool_approvals/refund_desk.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_refunds", EXAMPLES / SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered first, as an import would: pydantic resolves the module's annotations there.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_second_process_edits_the_amount_and_the_tool_runs_with_it(tmp_path: Path) -> None:
    out = run_example(SCRIPT, "start", "Refund 30 EUR on order 42", cwd=tmp_path)
    match = re.match(r"run (run_\w+) is requires_action\n", out)
    assert match, out
    assert 'waiting for approval: issue_refund({"order_id": 42, "amount_eur": 30})' in out

    out = run_example(SCRIPT, "edit", match[1], "20", cwd=tmp_path)

    assert out == (
        f"run {match[1]} is completed: Refund request answered: refunded 20 EUR on order 42\n"
    )


@pytest.mark.parametrize(
    ("decision", "answer"),
    [
        (["approve"], "Refund request answered: refunded 30 EUR on order 42"),
        (
            ["deny", "No receipt."],
            "Refund request answered: The call was not run: the user denied it. "
            "Reason: No receipt.",
        ),
    ],
)
def test_a_second_process_approves_or_denies_the_waiting_call(
    tmp_path: Path, decision: list[str], answer: str
) -> None:
    out = run_example(SCRIPT, "start", "Refund 30 EUR on order 42", cwd=tmp_path)
    match = re.match(r"run (run_\w+) is requires_action\n", out)
    assert match, out

    out = run_example(SCRIPT, decision[0], match[1], *decision[1:], cwd=tmp_path)

    assert out == f"run {match[1]} is completed: {answer}\n"


async def test_small_refunds_run_and_a_denied_one_tells_the_model_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load()
    async with Runner(SQLiteStore(tmp_path / "refunds.db")) as runner:
        await example.start(runner, "Refund 10 EUR on order 7")
        await example.start(runner, "Refund 50 EUR on order 8")
        started = capsys.readouterr().out
        run_id = re.findall(r"run (run_\w+) is requires_action", started)[0]
        await example.pending(runner)
        await example.decide(runner, run_id, "deny", "Refunds need a receipt.")

    assert "Refund request answered: refunded 10 EUR on order 7" in started
    assert capsys.readouterr().out == (
        f'{run_id}: issue_refund({{"order_id": 8, "amount_eur": 50}})\n'
        f"run {run_id} is completed: Refund request answered: The call was not run: the user "
        "denied it. Reason: Refunds need a receipt.\n"
    )
