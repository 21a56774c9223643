"""A run paused in requires_action survives its process; another one completes it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from agentkit import Runner
from agentkit.context import RunContext
from agentkit.exceptions import InvalidRunStateError
from agentkit.runs.resume import resume_paused
from agentkit.stores import SQLiteStore

from .paused_agent import build_agent

ROOT = Path(__file__).resolve().parents[2]


async def test_a_second_process_submits_outputs_and_the_run_completes(tmp_path: Path) -> None:
    db = tmp_path / "agentkit.db"
    first = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.runs.paused_agent",
        str(db),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    stdout, _ = await asyncio.wait_for(first.communicate(), timeout=60)
    assert first.returncode == 0
    run_id, status = stdout.decode().split()
    assert status == "requires_action"

    async with Runner(SQLiteStore(db)) as runner:
        paused = await runner.store.get_run(run_id)
        assert [c.id for c in paused.required_action.submit_tool_outputs.tool_calls] == [  # type: ignore[union-attr]
            "call_approve"
        ]
        result = await runner.submit_tool_outputs(build_agent(), run_id, {"call_approve": "yes"})
        assert result.status == "completed"
        assert result.output_text == "The manager said: yes"
        messages = await runner.store.list_messages(result.thread_id)
        assert [(m.role, m.text) for m in messages] == [
            ("user", "Refund order 42"),
            ("assistant", "The manager said: yes"),
        ]


async def test_a_resume_that_lost_the_race_to_another_caller_is_refused(tmp_path: Path) -> None:
    # Two callers read the paused run; one resumes it to the end before the other goes on.
    agent = build_agent()
    async with Runner(SQLiteStore(tmp_path / "agentkit.db")) as runner:
        paused = await runner.run(agent, "Refund order 42")
        read_by_the_loser = await runner.store.get_run(paused.run.id)
        won = await runner.submit_tool_outputs(agent, paused.run.id, {"call_approve": "yes"})
        assert won.status == "completed"

        ctx = RunContext(deps=None, run_id=paused.run.id, thread_id=paused.thread_id)
        with pytest.raises(InvalidRunStateError, match="resumed or cancelled by someone else"):
            await resume_paused(
                runner.store, agent, read_by_the_loser, ctx, runner.terms, lambda _, step: step
            )
        assert (await runner.store.get_run(paused.run.id)).status == "completed"
