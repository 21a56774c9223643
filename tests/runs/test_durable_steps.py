"""What a driven run records as it goes: each tool call's start and outcome, its lease, and
that a cancel from another runner (another process) wins and stops it."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from agentkit.agent import Agent
from agentkit.events import RunStatusEvent, ToolCallStartedEvent
from agentkit.limits import RunLimits
from agentkit.records import Run
from agentkit.runner import Runner
from agentkit.stores import MemoryStore
from agentkit.stores.base import Lease
from agentkit.testing import FunctionModel

from .conftest import FnTool, ListToolset, Script


def others() -> list[asyncio.Task[object]]:
    current = asyncio.current_task()
    return [t for t in asyncio.all_tasks() if t is not current and not t.done()]


async def only_run(runner: Runner) -> Run:
    [thread] = await runner.store.list_threads()
    [run] = await runner.store.list_runs(thread.id)
    return run


def two_call_agent(fast: FnTool, slow: FnTool) -> Agent:
    model = FunctionModel(Script([[("c0", "fast", {}), ("c1", "slow", {})], "done"]))
    return Agent(name="a", model=model, tools=ListToolset(fast, slow))


async def test_each_outcome_is_recorded_as_soon_as_its_call_finishes() -> None:
    runner = Runner()
    release = asyncio.Event()
    seen: list[tuple[str, bool, str | None]] = []

    async def slow() -> str:
        run = await only_run(runner)
        [step] = await runner.store.list_steps(run.id)
        for record in await runner.store.call_records(run.id, step.id):
            output = record.outcome.function.output if record.outcome else None
            seen.append((record.call_id, record.started, output))
        release.set()
        return "slow done"

    async def fast() -> str:
        return "fast done"

    result = await runner.run(two_call_agent(FnTool("fast", fast), FnTool("slow", slow)), "go")

    assert result.status == "completed"
    assert sorted(seen) == [("c0", True, "fast done"), ("c1", True, None)]


async def test_a_run_holds_this_runners_lease_while_driven_and_none_after() -> None:
    runner = Runner()
    leases: list[Lease | None] = []

    async def look() -> str:
        leases.extend(lease for _, lease in await runner.store.driven_runs())
        return "ok"

    model = FunctionModel(Script([[("c0", "look", {})], "done"]))
    await runner.run(Agent(name="a", model=model, tools=ListToolset(FnTool("look", look))), "go")

    assert [lease.owner for lease in leases if lease] == [runner.terms.owner]
    assert await runner.store.driven_runs() == []


async def test_a_cancel_from_another_runner_stops_the_tools_within_a_heartbeat() -> None:
    store = MemoryStore()
    driver, other = Runner(store, heartbeat=0.05), Runner(store)
    cancelled: list[str] = []

    async def slow() -> str:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append("slow")
            raise
        return "never"

    async def fast() -> str:
        return "fast done"

    statuses: list[str] = []
    agent = two_call_agent(FnTool("fast", fast), FnTool("slow", slow))
    async with aclosing(driver.iter_run(agent, "go")) as events:
        async for event in events:
            if isinstance(event, RunStatusEvent):
                statuses.append(event.status)
                run_id = event.run.id
            if isinstance(event, ToolCallStartedEvent) and event.call_id == "c1":
                assert (await other.cancel(run_id)).status == "cancelled"

    assert statuses[-1] == "cancelled"
    assert cancelled == ["slow"]
    run = await only_run(driver)
    assert run.status == "cancelled"
    assert [s.status for s in await store.list_steps(run.id)] == ["cancelled"]
    assert others() == []


async def test_no_tool_starts_after_a_cancel_from_another_runner() -> None:
    store = MemoryStore()
    # A heartbeat too slow to matter: the refused "started" mark is what stops the run.
    driver, other = Runner(store, heartbeat=20, lease_ttl=60), Runner(store)
    first_running, release = asyncio.Event(), asyncio.Event()
    invoked: list[int] = []

    async def step(i: int) -> str:
        invoked.append(i)
        if i == 0:
            first_running.set()
            await release.wait()
        return f"done {i}"

    model = FunctionModel(Script([[(f"c{i}", "step", {"i": i}) for i in range(3)], "end"]))
    agent = Agent(
        name="a",
        model=model,
        tools=ListToolset(FnTool("step", step)),
        limits=RunLimits(max_concurrent_tools=1),
    )
    task = asyncio.create_task(driver.run(agent, "go"))
    await first_running.wait()
    run = await only_run(driver)
    await other.cancel(run.id)
    release.set()
    result = await task

    assert invoked == [0]
    assert result.status == "cancelled"
    [step_record] = await store.list_steps(run.id)
    records = await store.call_records(run.id, step_record.id)
    assert [(r.call_id, r.outcome is not None) for r in records] == [("c0", True)]


async def test_the_drivers_later_ending_never_overwrites_a_cancel() -> None:
    store = MemoryStore()
    driver, other = Runner(store, heartbeat=20, lease_ttl=60), Runner(store)
    asked, answer = asyncio.Event(), asyncio.Event()

    async def model_turn(request: object, info: object) -> str:
        asked.set()
        await answer.wait()
        return "an answer nobody will see"

    task = asyncio.create_task(driver.run(Agent(name="a", model=FunctionModel(model_turn)), "q"))
    await asked.wait()
    run = await only_run(driver)
    await other.cancel(run.id)
    answer.set()
    result = await task

    assert result.status == "cancelled" and result.run.status == "cancelled"
    assert (await store.get_run(run.id)).status == "cancelled"
    assert [m.role for m in await store.list_messages(run.thread_id)] == ["user"]
