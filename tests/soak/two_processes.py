"""Two processes over one SQLite file: one pauses runs, the other (and itself) resume them.

``python -m tests.soak.two_processes pause DB N`` starts N runs that pause in
``requires_action`` and then tries to resume every other one itself, racing the other
process; ``... answer DB N`` resumes whatever paused runs it finds until N runs have ended.
Each prints one JSON line: how many resumes it won and lost.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from agentkit import Agent, Runner, ToolDefinition
from agentkit.exceptions import InvalidRunStateError
from agentkit.models import ModelRequest
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text


def _script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    last = request.items[-1]
    if last.kind == "tool_output":
        return text(f"approved by {last.output}")
    return ModelTurn(tool_calls=(call_tool("approve", {"ticket": last.kind}),))


def build_agent() -> Agent:
    approve = ToolDefinition(name="approve", description="A human approves the ticket.")
    return Agent(name="approvals", model=FunctionModel(_script), tools=[approve])


async def _resume(runner: Runner, agent: Agent, run_id: str, who: str) -> bool:
    run = await runner.store.get_run(run_id)
    if run.required_action is None:
        return False
    outputs = {c.id: who for c in run.required_action.submit_tool_outputs.tool_calls}
    try:
        result = await runner.submit_tool_outputs(agent, run_id, outputs)
    except InvalidRunStateError:
        return False  # the other process won this one
    assert result.status == "completed", result.run.last_error
    return True


async def pause(db: str, n: int) -> dict[str, int]:
    agent = build_agent()
    won = lost = 0
    async with Runner(SQLiteStore(db)) as runner:
        paused = []
        for index in range(n):
            result = await runner.run(agent, f"ticket {index}")
            assert result.status == "requires_action", result.status
            paused.append(result.run.id)
        for run_id in paused[::2]:
            if await _resume(runner, agent, run_id, "pauser"):
                won += 1
            else:
                lost += 1
    return {"won": won, "lost": lost}


async def answer(db: str, n: int, deadline_s: float = 120.0) -> dict[str, int]:
    agent = build_agent()
    won = lost = 0
    deadline = time.monotonic() + deadline_s
    async with Runner(SQLiteStore(db)) as runner:
        while time.monotonic() < deadline:
            ended = await _ended(runner)
            if ended >= n:
                break
            waiting = [r.id for r in await runner.store.active_runs()]
            if not waiting:
                await asyncio.sleep(0.01)
            for run_id in waiting:
                if await _resume(runner, agent, run_id, "answerer"):
                    won += 1
                else:
                    lost += 1
    return {"won": won, "lost": lost}


async def _ended(runner: Runner) -> int:
    threads = await runner.store.list_threads(limit=10_000)
    count = 0
    for thread in threads:
        runs = await runner.store.list_runs(thread.id)
        count += sum(run.is_terminal for run in runs)
    return count


if __name__ == "__main__":
    role, db, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    outcome = asyncio.run(pause(db, count) if role == "pause" else answer(db, count))
    print(json.dumps(outcome))
