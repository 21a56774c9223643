"""Outputs are checked before a paused run changes; the resume itself is one store write."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit.exceptions import ToolOutputsMismatchError
from agentkit.records import ToolCallsStepDetails
from agentkit.runner import Runner
from agentkit.stores import SQLiteStore

from .test_requires_action import lookup_agent, two_calls_then


async def test_an_output_that_cannot_be_stored_is_refused_and_the_run_still_waits(
    tmp_path: Path,
) -> None:
    agent = lookup_agent(two_calls_then("A and B"))
    async with Runner(SQLiteStore(tmp_path / "runs.db")) as runner:
        paused = await runner.run(agent, "go", dispatch="manual")
        with pytest.raises(ToolOutputsMismatchError, match=r"lone surrogate \(\\ud800\)"):
            await runner.submit_tool_outputs(agent, paused.run, {"c1": "A\ud800", "c2": "B"})
        waiting = await runner.store.get_run(paused.run.id)
        (step,) = await runner.store.list_steps(paused.run.id)
        result = await runner.submit_tool_outputs(agent, paused.run, {"c1": "A", "c2": "B"})
    assert waiting.status == "requires_action"
    assert isinstance(step.step_details, ToolCallsStepDetails)
    assert [c.function.output for c in step.step_details.tool_calls] == [None, None]
    assert result.status == "completed"
