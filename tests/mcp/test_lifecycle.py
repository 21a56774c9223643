"""An MCP server's life: started lazily, shared by runs, closed with the runner, nothing left.

The leak checks are the soak's (`tests.soak.invariants.Leftovers`): tasks, threads, file
descriptors and child processes, running or zombie.
"""

from __future__ import annotations

import asyncio
import random
import time
from contextlib import suppress
from pathlib import Path

import pytest

from agentkit import Agent, Runner
from agentkit.events import ToolCallFinishedEvent
from agentkit.exceptions import ToolsetError
from agentkit.mcp import MCPToolset
from agentkit.models import ModelRequest, ToolOutputItem
from agentkit.stores import SQLiteStore
from agentkit.testing import FunctionInfo, FunctionModel, ModelTurn, call_tool, text
from tests.mcp.conftest import child_processes, sdk_command
from tests.soak.invariants import Leftovers

pytestmark = pytest.mark.filterwarnings("ignore::agentkit.tools.strict.StrictModeWarning")


def _adder(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
    if not any(isinstance(i, ToolOutputItem) for i in request.items):
        return ModelTurn(tool_calls=(call_tool("add", {"a": info.turn, "b": 1}),))
    return text("added")


def _server_pid(toolset: MCPToolset) -> int | None:
    return toolset._status.pid if toolset.connection.running else None  # type: ignore[union-attr]


async def test_the_server_starts_at_the_first_run_is_shared_and_stops_with_the_runner() -> None:
    leftovers = Leftovers()
    toolset = MCPToolset(sdk_command(), name="sdk")
    agent = Agent(name="adder", model=FunctionModel(_adder), tools=[toolset])
    assert child_processes() == sorted(leftovers.children)  # nothing started yet

    async with Runner() as runner:
        first = await runner.run(agent, "one")
        pid = _server_pid(toolset)
        second = await runner.run(agent, "two")
        assert _server_pid(toolset) == pid is not None

    assert [first.status, second.status] == ["completed", "completed"]
    assert not toolset.connection.running
    assert await leftovers.problems(settle=1.0) == []


async def test_runs_cancelled_mid_call_leave_no_task_process_or_descriptor(
    tmp_path: Path,
) -> None:
    leftovers = Leftovers()
    toolset = MCPToolset(sdk_command(), name="sdk", mode="legacy")
    rng = random.Random(17)

    def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        if info.turn > 1:
            return text("done")
        marker = tmp_path / f"hang-{request.run_id}"
        calls = [call_tool("add", {"a": 1, "b": 2}), call_tool("hang", {"marker": str(marker)})]
        return ModelTurn(tool_calls=tuple(calls[: rng.choice([1, 2])]))

    agent = Agent(name="soak", model=FunctionModel(script), tools=[toolset])
    async with Runner(middleware=[]) as runner:
        tasks = [asyncio.create_task(runner.run(agent, f"run {n}")) for n in range(12)]
        deadline = time.monotonic() + 30
        while _hanging_calls(tmp_path) < 2:  # calls are in flight on the server
            assert time.monotonic() < deadline, "the hanging calls never started"
            await asyncio.sleep(0.05)
        for task in tasks[::2]:
            task.cancel()
        await asyncio.wait(tasks, timeout=0.5)
    # Closing the runner cancelled the runs still hanging.
    for task in tasks:
        with suppress(asyncio.CancelledError):
            await task

    assert await leftovers.problems(settle=2.0) == []


def _hanging_calls(markers: Path) -> int:
    return len(list(markers.glob("hang-*")))


async def test_a_server_that_never_answers_fails_the_run_start_with_a_clear_error(
    tmp_path: Path,
) -> None:
    silent = tmp_path / "silent.py"
    silent.write_text("import time\ntime.sleep(60)\n")
    leftovers = Leftovers()
    toolset = MCPToolset(["python3", str(silent)], name="silent", startup_timeout=0.5)
    agent = Agent(name="stuck", model=FunctionModel(_adder), tools=[toolset])
    runner = Runner()
    thread = await runner.create_thread()

    with pytest.raises(ToolsetError) as caught:
        await agent.run("hello", thread=thread, runner=runner)

    assert str(caught.value) == (
        "MCP server 'silent' did not answer within 0.5 seconds of starting (startup_timeout)"
    )
    assert await runner.store.list_runs(thread.id) == []  # nothing half-made
    assert await leftovers.problems(settle=1.0) == []


async def test_a_command_that_does_not_exist_fails_with_its_name() -> None:
    toolset = MCPToolset(["no-such-mcp-server-cmd"], name="missing")

    with pytest.raises(ToolsetError) as caught:
        await toolset.prepare()

    assert "MCP server 'missing' did not start" in str(caught.value)
    assert "No such file or directory: 'no-such-mcp-server-cmd'" in str(caught.value)


def test_a_toolset_used_from_a_second_event_loop_starts_its_server_again() -> None:
    before = child_processes()
    toolset = MCPToolset(sdk_command(), name="sdk")
    agent = Agent(name="adder", model=FunctionModel(_adder), tools=[toolset])

    first = asyncio.run(agent.run("one", runner=Runner(), keep_events=True))
    # asyncio.run ended the loop: its cancellation stopped the server, nothing was closed.
    assert child_processes() == before
    second = asyncio.run(agent.run("two", runner=Runner(), keep_events=True))

    outputs = [
        e.output for r in (first, second) for e in r.events if isinstance(e, ToolCallFinishedEvent)
    ]
    assert outputs == ["2", "2"]
    assert child_processes() == before


async def test_a_run_recovered_by_another_runner_starts_the_mcp_server_again(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "hang"

    def script(request: ModelRequest, info: FunctionInfo) -> ModelTurn:
        outputs = [i.output for i in request.items if isinstance(i, ToolOutputItem)]
        if not outputs:
            return ModelTurn(tool_calls=(call_tool("hang", {"marker": str(marker)}),))
        if len(outputs) == 1:
            return ModelTurn(tool_calls=(call_tool("add", {"a": 20, "b": 22}),))
        return text(" | ".join(outputs))

    def agent() -> Agent[None]:  # one per process: each starts its own server
        toolset = MCPToolset(sdk_command(), name="sdk", strict=False)
        return Agent(name="durable", model=FunctionModel(script), tools=[toolset])

    leftovers = Leftovers()
    first = Runner(SQLiteStore(tmp_path / "runs.db"))
    started = asyncio.create_task(first.run(agent(), "go"))
    deadline = time.monotonic() + 30
    while not marker.exists():  # noqa: ASYNC110 - the server writes it
        assert time.monotonic() < deadline, "the hanging call never started"
        await asyncio.sleep(0.02)
    [released] = await first.release()  # as if this process stopped mid-call
    with suppress(asyncio.CancelledError):
        await started
    await first.aclose()

    async with Runner(SQLiteStore(tmp_path / "runs.db")) as second:
        [run] = await second.recover([agent()])
        [message] = (await second.store.list_messages(run.thread_id))[-1:]

    assert (run.id, run.status) == (released, "completed")
    interrupted, added = message.text.split(" | ")
    assert interrupted.startswith("Error: the call to 'hang' was interrupted")
    assert added == "42"  # called on the server the recovering runner started
    assert await leftovers.problems(settle=1.0) == []
