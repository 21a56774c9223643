"""Cancelling runs: by the runner, by the caller's task; nothing left running."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import pytest

from agentkit.agent import Agent
from agentkit.events import RunStatusEvent, ToolCallStartedEvent
from agentkit.runner import Runner
from agentkit.testing import FunctionModel

from .conftest import FnTool, ListToolset, Script


def slow_tool_agent(cancelled: list[str], started: asyncio.Event | None = None) -> Agent:
    running = 0

    async def slow(i: int) -> str:
        nonlocal running
        running += 1
        if started is not None and running == 2:
            started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(f"c{i}")
            raise
        return "never"

    model = FunctionModel(
        Script([[("c0", "slow", {"i": 0}), ("c1", "slow", {"i": 1})], "unreachable"])
    )
    return Agent(name="a", model=model, tools=ListToolset(FnTool("slow", slow)))


def others() -> list[asyncio.Task[object]]:
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not current and not t.done()]


async def test_runner_cancel_stops_in_flight_tools_and_records_cancelled() -> None:
    cancelled: list[str] = []
    runner = Runner()
    agent = slow_tool_agent(cancelled)
    statuses: list[str] = []
    run_id = ""
    async with aclosing(runner.iter_run(agent, "go")) as events:
        async for event in events:
            if isinstance(event, RunStatusEvent):
                run_id = event.run.id
                statuses.append(event.status)
            if isinstance(event, ToolCallStartedEvent) and event.call_id == "c1":
                await runner.cancel(run_id)
    assert statuses[-1] == "cancelled"
    assert sorted(cancelled) == ["c0", "c1"]
    stored = await runner.store.get_run(run_id)
    assert stored.status == "cancelled" and stored.cancelled_at is not None
    steps = await runner.store.list_steps(run_id)
    assert [(s.type, s.status) for s in steps] == [("tool_calls", "cancelled")]
    assert others() == []


async def test_cancelling_the_callers_task_cancels_the_run() -> None:
    cancelled: list[str] = []
    runner = Runner()
    both_started = asyncio.Event()
    agent = slow_tool_agent(cancelled, both_started)
    task = asyncio.create_task(runner.run(agent, "go"))
    await both_started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [thread] = await runner.store.list_threads()
    [run] = await runner.store.list_runs(thread.id)
    assert run.status == "cancelled"
    assert sorted(cancelled) == ["c0", "c1"]
    assert others() == []
    other = Agent(name="b", model=FunctionModel(Script(["hi"])), tools=ListToolset())
    follow_up = await runner.run(other, "again", thread=thread.id)
    assert follow_up.status == "completed"


async def test_breaking_out_of_iter_run_cancels_the_run() -> None:
    cancelled: list[str] = []
    runner = Runner()
    async with aclosing(runner.iter_run(slow_tool_agent(cancelled), "go")) as events:
        async for event in events:
            if isinstance(event, ToolCallStartedEvent):
                break
    [thread] = await runner.store.list_threads()
    [run] = await runner.store.list_runs(thread.id)
    assert run.status == "cancelled"
    assert others() == []


async def test_closing_the_stream_before_the_loop_starts_still_records_cancelled() -> None:
    runner = Runner()
    agent = Agent(name="a", model=FunctionModel(Script(["never"])), tools=ListToolset())
    events = runner.iter_run(agent, "go")
    first = await anext(events)  # the run exists (queued); its loop has not run yet
    await events.aclose()
    assert isinstance(first, RunStatusEvent) and first.status == "queued"
    stored = await runner.store.get_run(first.run.id)
    assert stored.status == "cancelled"
    assert others() == []
